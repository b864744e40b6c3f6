package dev.fieldvault.hibernate;

/**
 * What an encrypted attribute does when its column holds a plaintext value, as it does while a
 * plaintext column is being migrated to encryption. Writes always store ciphertext.
 *
 * <p>Set it globally with {@link FieldVaultSettings#PLAINTEXT_POLICY} or per attribute with
 * {@link Encrypted#plaintext()}. Count what was read with {@link HibernateVault#plaintextReads}.
 */
public enum PlaintextPolicy {
  /** On {@link Encrypted#plaintext()}: use the session factory's setting (itself {@link #CIPHERTEXT_ONLY} by default). */
  DEFAULT,
  /** The default: a value that is not a ciphertext fails to load with a decryption error. */
  CIPHERTEXT_ONLY,
  /**
   * Migration: reads plaintext and ciphertext (a stored value without the form of a ciphertext, see
   * {@code CiphertextHeader.hasCiphertextForm}, is a plaintext; a value with it stays a ciphertext). Each
   * plaintext value loaded into an entity is written encrypted when the session flushes, by a
   * compare-and-set on the value as read: a row changed since it was loaded is left as it is, and nothing
   * else of the row (not its version) is written. Equality searches on a deterministic attribute also
   * match the plaintext form. Every plaintext read is counted, per attribute.
   */
  MIGRATE,
  /**
   * As {@link #MIGRATE}, and logs each plaintext value loaded into an entity at WARN (entity, attribute,
   * column and row id, never the value).
   */
  MIGRATE_AND_LOG
}
