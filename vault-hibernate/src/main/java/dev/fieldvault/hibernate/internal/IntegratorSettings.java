package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.PlaintextPolicy;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import static dev.fieldvault.hibernate.internal.MappingScan.*;


/**
 * FieldVault's settings of a persistence unit, read by {@link FieldVaultIntegrator}: the keys
 * ({@link FieldVaultSettings#KEYRING}) and the plaintext policy ({@link FieldVaultSettings#PLAINTEXT_POLICY}).
 */
final class IntegratorSettings {

  private IntegratorSettings() {}

  static FieldCipher cipher(Object configured, List<Found> found) {
    Object v = configured;
    if (v == null || (v instanceof String && ((String) v).isBlank())) {
      throw new VaultConfigurationException(found.size() + " attributes are @Encrypted (" + found.get(0).name()
          + (found.size() > 1 ? ", ..." : "") + ") but no keys are configured: set the property '"
          + FieldVaultSettings.KEYRING + "' to a Keyring, a FieldCipher, a Supplier of either, or the class"
          + " name of such a Supplier");
    }
    if (v instanceof String) {
      v = instantiate(((String) v).trim());
    }
    if (v instanceof Supplier) {
      v = ((Supplier<?>) v).get();
    }
    if (v instanceof FieldCipher) {
      return (FieldCipher) v;
    }
    if (v instanceof Keyring) {
      return FieldCipher.create((Keyring) v);
    }
    throw new VaultConfigurationException("The property '" + FieldVaultSettings.KEYRING + "' holds a "
        + (v == null ? "null" : v.getClass().getName()) + ": it must be a Keyring, a FieldCipher, a Supplier of"
        + " either, or the class name of such a Supplier");
  }

  static Object instantiate(String className) {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> c = Class.forName(className, true, loader == null ? FieldVaultIntegrator.class.getClassLoader() : loader);
      return c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new VaultConfigurationException("The property '" + FieldVaultSettings.KEYRING + "' names class "
          + className + ", which cannot be instantiated (" + e.getClass().getSimpleName() + "): it must be a"
          + " public Supplier<Keyring> with a public no-argument constructor", e);
    }
  }

  static PlaintextPolicy globalPolicy(Object configured) {
    if (configured == null) {
      return PlaintextPolicy.CIPHERTEXT_ONLY;
    }
    if (configured instanceof PlaintextPolicy && configured != PlaintextPolicy.DEFAULT) {
      return (PlaintextPolicy) configured;
    }
    String s = configured.toString().trim().toUpperCase(Locale.ROOT);
    try {
      PlaintextPolicy p = PlaintextPolicy.valueOf(s);
      if (p != PlaintextPolicy.DEFAULT) {
        return p;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new VaultConfigurationException("The property '" + FieldVaultSettings.PLAINTEXT_POLICY + "' is '"
        + configured + "': use CIPHERTEXT_ONLY, MIGRATE or MIGRATE_AND_LOG");
  }
}
