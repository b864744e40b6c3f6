package dev.fieldvault.jdbc.rotation;

/** How an encrypted column stores its ciphertext (and a blind-index column its index). */
public enum ColumnStorage {
  /** The ciphertext bytes in a binary column ({@code bytea}, {@code VARBINARY}, {@code BLOB}). */
  BINARY,
  /** Base64 of the ciphertext bytes in a text column ({@code TEXT}, {@code VARCHAR}). */
  TEXT
}
