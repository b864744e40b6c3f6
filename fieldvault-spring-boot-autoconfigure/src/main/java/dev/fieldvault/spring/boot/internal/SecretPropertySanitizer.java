package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.spring.boot.FieldVaultProperties;
import java.nio.file.Path;
import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Hides FieldVault's secret material from Actuator's {@code env} and {@code configprops} endpoints,
 * whatever {@code show-values} says: {@code fieldvault.kek.master-secret}, the environment variable
 * named by {@code fieldvault.kek.master-secret-env} (the master secret itself), and the values of
 * {@code master-secret-env}, {@code master-secret-file} and {@code kms-key-uri} unless they are
 * recognisably not a secret (see {@link KekSettings}). Keys are compared in every form Boot shows
 * them ({@code fieldvault.kek.master-secret}, {@code masterSecret}, {@code FIELDVAULT_KEK_MASTERSECRET}).
 */
public final class SecretPropertySanitizer implements SanitizingFunction {

  private final String secretVariable;

  public SecretPropertySanitizer(FieldVaultProperties properties) {
    String variable = properties.getKek().getMasterSecretEnv();
    this.secretVariable = variable != null && KekSettings.isVariableName(variable.trim())
        ? normalize(variable.trim()) : null;
  }

  @Override
  public SanitizableData apply(SanitizableData data) {
    return hide(data.getKey(), data.getValue()) ? data.withSanitizedValue() : data;
  }

  boolean hide(String key, Object value) {
    if (key == null) {
      return false;
    }
    String k = normalize(key);
    if (k.equals("fieldvaultkekmastersecret") || k.equals("mastersecret") || k.equals(secretVariable)) {
      return true;
    }
    if (value == null) {
      return false;
    }
    String v = value.toString().trim();
    if (k.equals("fieldvaultkekmastersecretenv") || k.equals("mastersecretenv")) {
      return !KekSettings.isVariableName(v);
    }
    if (k.equals("fieldvaultkekmastersecretfile") || k.equals("mastersecretfile")) {
      try {
        return !KekSettings.isExistingFile(Path.of(v));
      } catch (RuntimeException e) {
        return true;
      }
    }
    if (k.equals("fieldvaultkekkmskeyuri") || k.equals("kmskeyuri")) {
      return !KekSettings.isKnownKmsUri(v);
    }
    return false;
  }

  private static String normalize(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (char c : key.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
