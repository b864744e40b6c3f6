package dev.fieldvault.keys;

/** How an encrypted column stores its ciphertext. */
public enum ColumnStorage {
  /** The ciphertext bytes, in a binary column ({@code bytea}, {@code VARBINARY}, {@code BLOB}). */
  BINARY,
  /** Base64 of the ciphertext bytes, in a text column ({@code text}, {@code VARCHAR}). */
  TEXT
}
