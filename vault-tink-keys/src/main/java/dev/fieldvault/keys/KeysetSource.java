package dev.fieldvault.keys;

/**
 * Where a {@link VaultKeyset} is loaded from (and, if {@link #isWritable() writable}, saved to).
 * Implementations: {@link KeysetSources} for files and environment variables; the key store table
 * in {@code vault-jdbc}.
 */
public interface KeysetSource {

  /** Loads the keyset. */
  VaultKeyset load();

  /** Saves a changed keyset. The default refuses: most sources are read-only. */
  default void store(VaultKeyset keyset) {
    throw new VaultConfigurationException("The keyset source " + this + " is read-only");
  }

  /** Whether {@link #store} is supported. */
  default boolean isWritable() {
    return false;
  }
}
