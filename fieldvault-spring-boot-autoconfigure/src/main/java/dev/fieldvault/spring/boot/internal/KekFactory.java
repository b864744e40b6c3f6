package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.WeakSecretException;
import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.spring.boot.FieldVaultStartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Function;

/** The KEK from {@code fieldvault.kek.*}: one source, chosen in a documented order, every failure typed. */
public final class KekFactory {

  private static final String GENERATE = "generate a random one with `openssl rand -base64 48`";

  private KekFactory() {}

  /** Builds the KEK; {@code env} reads environment variables. */
  public static KeyEncryptionKey create(FieldVaultProperties.Kek kek, Function<String, String> env) {
    if (has(kek.getKmsKeyUri())) {
      return kms(kek);
    }
    if (kek.getLocalKeysetFile() != null) {
      try {
        return KeyEncryptionKeys.fromLocalKeysetFile(kek.getLocalKeysetFile());
      } catch (VaultConfigurationException e) {
        throw new FieldVaultStartupException("The master keyset file " + kek.getLocalKeysetFile()
            + " (fieldvault.kek.local-keyset-file) cannot be used: " + e.getMessage(),
            "Point fieldvault.kek.local-keyset-file at a readable Tink AEAD keyset in JSON, or remove it to use a"
                + " master secret.", e);
      }
    }
    if (kek.getMasterSecretFile() != null) {
      java.nio.file.Path file = kek.getMasterSecretFile();
      if (!KekSettings.isExistingFile(file)) {
        // the value is not shown: a secret pasted into this property must not reach the logs
        throw new FieldVaultStartupException("The file named by fieldvault.kek.master-secret-file does not exist"
            + " (its value is not shown, in case it is the secret itself).",
            "Set fieldvault.kek.master-secret-file to the path of the file holding the master secret (a mounted"
                + " container secret, e.g. /run/secrets/fieldvault-master), readable by the application. If you put"
                + " the secret itself there, remove it from the configuration, rotate it (it may have been logged or"
                + " committed), and put the new one in a file or in the environment variable named by"
                + " fieldvault.kek.master-secret-env.", null);
      }
      String secret;
      try {
        secret = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new FieldVaultStartupException("The master secret file " + file
            + " (fieldvault.kek.master-secret-file) cannot be read (" + e.getClass().getSimpleName() + ").",
            "Make the file readable by the application, or set fieldvault.kek.master-secret-file"
                + " to where the secret is.", e);
      }
      return masterSecret(secret, "the file " + file + " (fieldvault.kek.master-secret-file)",
          "Put a random secret of at least " + KeyEncryptionKeys.MIN_MASTER_SECRET_LENGTH + " characters in "
              + file + " (" + GENERATE + ").");
    }
    if (has(kek.getMasterSecret())) {
      return masterSecret(kek.getMasterSecret(), "fieldvault.kek.master-secret",
          "Set fieldvault.kek.master-secret to a random secret of at least "
              + KeyEncryptionKeys.MIN_MASTER_SECRET_LENGTH + " characters (" + GENERATE + ").");
    }
    String variable = kek.getMasterSecretEnv();
    if (!has(variable)) {
      throw noSecret("fieldvault.kek.master-secret-env is empty and no other key-encryption key is configured.");
    }
    variable = variable.trim();
    if (!KekSettings.hasVariableSyntax(variable)) {
      // the value is not shown: it is not a variable name, so it may be the secret itself
      throw new FieldVaultStartupException("fieldvault.kek.master-secret-env must name an environment variable; its"
          + " value is not a variable name (not shown, in case it is the secret itself).",
          "Set fieldvault.kek.master-secret-env to the name of the variable holding the master secret (default"
              + " FIELDVAULT_MASTER_SECRET). If you put the secret itself there, move it to the environment and"
              + " rotate it (it may have been logged or committed).", null);
    }
    // a name is shown only when it is recognisably not a secret (a long mixed-case one may be one)
    boolean show = KekSettings.isVariableName(variable);
    String named = show ? "the environment variable " + variable
        : "the environment variable named by fieldvault.kek.master-secret-env (name not shown: it could be a secret)";
    String secret = env.apply(variable);
    if (secret == null || secret.isBlank()) {
      if (!show) {
        throw new FieldVaultStartupException("No master secret: " + named + " is " + (secret == null ? "not set" : "empty")
            + ", and no other key-encryption key is configured.", "Set fieldvault.kek.master-secret-env to the name of"
            + " the variable holding the master secret (default FIELDVAULT_MASTER_SECRET). If you put the secret itself"
            + " there, move it to the environment and rotate it (it may have been logged or committed).", null);
      }
      throw noSecret("No master secret: the environment variable " + variable + " (fieldvault.kek.master-secret-env)"
          + " is " + (secret == null ? "not set" : "empty") + ", and no other key-encryption key is configured"
          + " (fieldvault.kek.master-secret-file, fieldvault.kek.kms-key-uri, fieldvault.kek.local-keyset-file).");
    }
    return masterSecret(secret, named, "Set " + (show ? variable : "that variable")
        + " to a random secret of at least " + KeyEncryptionKeys.MIN_MASTER_SECRET_LENGTH + " characters ("
        + GENERATE + "); the keysets must then be created under it.");
  }

  private static FieldVaultStartupException noSecret(String description) {
    return new FieldVaultStartupException(description, "Set the environment variable FIELDVAULT_MASTER_SECRET to a"
        + " random secret of at least " + KeyEncryptionKeys.MIN_MASTER_SECRET_LENGTH + " characters (" + GENERATE
        + "), or name another variable with fieldvault.kek.master-secret-env, or set fieldvault.kek.master-secret-file"
        + " or fieldvault.kek.kms-key-uri.", null);
  }

  private static KeyEncryptionKey masterSecret(String secret, String where, String action) {
    try {
      return KeyEncryptionKeys.fromMasterSecret(secret);
    } catch (WeakSecretException e) {
      // the core's message describes the secret's length and variety, never the secret itself
      throw new FieldVaultStartupException("The master secret in " + where + " is refused: " + e.getMessage(),
          action, e);
    }
  }

  private static KeyEncryptionKey kms(FieldVaultProperties.Kek kek) {
    String uri = kek.getKmsKeyUri().trim();
    if (uri.startsWith("aws-kms://")) {
      if (!ClassPresence.present("dev.fieldvault.kms.aws.AwsKmsClient")) {
        throw new FieldVaultStartupException("fieldvault.kek.kms-key-uri names an AWS KMS key, but"
            + " dev.fieldvault:vault-kms-aws is not on the class path.",
            "Add the dependency dev.fieldvault:vault-kms-aws (version from fieldvault-bom).", null);
      }
      return AwsKek.create(uri, kek.getKmsRegion(), kek.getKmsEndpoint());
    }
    String scheme = KekSettings.scheme(uri);
    if (scheme == null) {
      // the value is not shown: it is not a URI, so it may be the secret itself
      throw new FieldVaultStartupException("fieldvault.kek.kms-key-uri must be a KMS key URI (scheme://key, e.g."
          + " aws-kms://arn:aws:kms:...); its value is not one (not shown, in case it is the secret itself).",
          "Set fieldvault.kek.kms-key-uri to the key's URI, or remove it to use a master secret. If you put the master"
              + " secret there, remove it, rotate it (it may have been logged or committed) and put the new one in the"
              + " environment variable named by fieldvault.kek.master-secret-env.", null);
    }
    try {
      return KeyEncryptionKeys.fromKms(uri);
    } catch (VaultConfigurationException e) {
      // Tink's message repeats the URI: shown only for a known kind of URI
      boolean show = KekSettings.isKnownKmsUri(uri);
      throw new FieldVaultStartupException("No KMS client serves fieldvault.kek.kms-key-uri="
          + (show ? uri + ": " + e.getMessage() : "[not shown] (scheme '" + scheme + "')."),
          "Add and register the provider's Tink KmsClient for the scheme '" + scheme + "', or use an aws-kms:// URI"
              + " with dev.fieldvault:vault-kms-aws.", show ? e : null);
    } catch (RuntimeException e) {
      throw unreachable(uri, e);
    }
  }

  /** A KMS that cannot be used at start-up; the URI and its cause are shown only for a known kind of URI. */
  public static FieldVaultStartupException unreachable(String uri, RuntimeException e) {
    boolean show = KekSettings.isKnownKmsUri(uri);
    return new FieldVaultStartupException("The KMS key " + (show ? uri : "[not shown]") + " (fieldvault.kek.kms-key-uri)"
        + " could not be used to load the keysets: " + (show ? e.getMessage() : e.getClass().getSimpleName()),
        "Check fieldvault.kek.kms-key-uri, fieldvault.kek.kms-region and fieldvault.kek.kms-endpoint, the"
            + " credentials and their kms:Decrypt / kms:DescribeKey permissions, and the network path to the KMS;"
            + " FieldVault needs the KMS when it loads the keysets at start-up (not per value).", show ? e : null);
  }

  private static boolean has(String s) {
    return s != null && !s.isBlank();
  }
}
