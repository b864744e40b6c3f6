package dev.fieldvault.hibernate.internal;

/**
 * The value of a row-bound or tenant-bound attribute while it crosses the JDBC layer: the stored form (ciphertext
 * bytes, or base64 text, or a legacy plaintext as read) and, on writes, the plaintext it replaces in
 * Hibernate's state array until the write is done. Never shows either in {@link #toString()}.
 */
final class Sealed {

  final Object stored;
  final Object plaintext;

  Sealed(Object stored, Object plaintext) {
    this.stored = stored;
    this.plaintext = plaintext;
  }

  @Override
  public String toString() {
    return "<sealed FieldVault value: load the entity to decrypt it>";
  }
}
