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
   * Migration: reads plaintext and ciphertext; an entity loaded with a plaintext value is rewritten
   * encrypted at the next flush. Every plaintext read is counted, per attribute.
   */
  MIGRATE,
  /** As {@link #MIGRATE}, and logs each plaintext read at WARN (entity, attribute and id, never the value). */
  MIGRATE_AND_LOG
}
