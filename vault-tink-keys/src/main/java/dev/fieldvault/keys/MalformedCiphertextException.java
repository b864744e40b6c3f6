package dev.fieldvault.keys;

/**
 * A stored value is not a FieldVault ciphertext this version can read: too short, an unknown format
 * version, reserved flag bits set, invalid base64, or a plaintext value in an encrypted column.
 */
public final class MalformedCiphertextException extends DecryptionFailedException {

  public MalformedCiphertextException(String message) {
    super(message);
  }
}
