package dev.fieldvault.jdbc.keystore;

/**
 * How many stored values use each key: what key retirement ({@link KeyStore#disableKey},
 * {@link KeyStore#setMinimumDecryptOrdinal}) checks before it lets a key go. The rewrapper's
 * {@code dev.fieldvault.jdbc.rotation.KeyInventory} is the implementation to pass; this interface keeps
 * the key store independent of the rotation package that counts the values.
 */
public interface KeyUsage {

  /** Values (in every column counted) under this key id. */
  long valuesUsing(int keyId);

  /** Which columns hold values under this key id, for an error message (counts, never values). */
  String describeUsage(int keyId);
}
