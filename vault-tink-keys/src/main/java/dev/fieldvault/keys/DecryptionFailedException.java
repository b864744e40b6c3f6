package dev.fieldvault.keys;

/**
 * A ciphertext did not authenticate for the context it was read in. The value was modified, or it
 * was copied from another field, row or tenant, or it was written under another context name. The
 * message names the expected context and never reveals anything about the data.
 */
public class DecryptionFailedException extends FieldVaultException {

  public DecryptionFailedException(String message) {
    super(message);
  }

  public DecryptionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
