package dev.fieldvault.jdbc;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.MalformedCiphertextException;
import java.util.Objects;

/**
 * The escape hatch for writing a value that is already encrypted (copied from another row, produced
 * by {@code FieldEncryptor}, restored from a backup): bind it with
 * {@code statement.setObject(index, PreEncrypted.of(ciphertext))} and the wrapper stores it as it
 * is, in the column's storage form, instead of encrypting it again.
 *
 * <p>The value must look like a FieldVault ciphertext; it is not decrypted, so a ciphertext from
 * another context is stored and fails only when it is read.
 */
public final class PreEncrypted {

  private final byte[] ciphertext;

  private PreEncrypted(byte[] ciphertext) {
    this.ciphertext = ciphertext;
  }

  /**
   * An already encrypted value. The bytes are checked when the value is bound: a statement refuses
   * bytes that are not a FieldVault ciphertext with a {@code StatementRefusedException} whose cause
   * is the {@link MalformedCiphertextException}.
   */
  public static PreEncrypted of(byte[] ciphertext) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    return new PreEncrypted(ciphertext.clone());
  }

  /** An already encrypted value in its text (base64) storage form. */
  public static PreEncrypted ofText(String base64) {
    return of(CiphertextHeader.decodeText(Objects.requireNonNull(base64, "base64")));
  }

  /** The ciphertext bytes (a copy). */
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public String toString() {
    return "PreEncrypted{" + ciphertext.length + " bytes}";
  }
}
