package dev.fieldvault.secrets;

/**
 * A value the vault refused to write because of its size, before any SQL ran: larger than the vault's maximum
 * ({@link SecretsVault.Builder#maxValueBytes}), or, on MariaDB and MySQL, too large for one statement under the
 * server's {@code max_allowed_packet}. Nothing was written; the previous value is intact. The message names
 * the sizes and what to do, never the value.
 */
public final class SecretValueTooLargeException extends SecretsStorageException {

  private final long size;
  private final long limit;

  SecretValueTooLargeException(String message, long size, long limit) {
    super(message, null);
    this.size = size;
    this.limit = limit;
  }

  /** The value's size in bytes (its encoded plaintext: a string's UTF-8 bytes, a JSON text, the bytes). */
  public long size() {
    return size;
  }

  /** The limit it broke, in bytes: the vault's maximum, or the server's {@code max_allowed_packet}. */
  public long limit() {
    return limit;
  }
}
