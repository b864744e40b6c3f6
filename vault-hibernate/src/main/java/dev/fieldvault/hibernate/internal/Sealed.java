package dev.fieldvault.hibernate.internal;

import java.io.Serializable;

/**
 * The value of a row-bound or tenant-bound attribute while it crosses the JDBC layer: the stored form (ciphertext
 * bytes, or base64 text, or a legacy plaintext as read) and, on writes, the plaintext it replaces in
 * Hibernate's state array until the write is done. Never shows either in {@link #toString()}.
 *
 * <p>Serializable because Hibernate's query cache keeps the values a row-bound or tenant-bound type
 * read (a serializing cache then copies them): only the stored form is serialized, never the
 * plaintext ({@code transient}).
 */
final class Sealed implements Serializable {

  private static final long serialVersionUID = 1L;

  final Object stored;
  final transient Object plaintext;

  Sealed(Object stored, Object plaintext) {
    this.stored = stored;
    this.plaintext = plaintext;
  }

  @Override
  public String toString() {
    return "<sealed FieldVault value: load the entity to decrypt it>";
  }
}
