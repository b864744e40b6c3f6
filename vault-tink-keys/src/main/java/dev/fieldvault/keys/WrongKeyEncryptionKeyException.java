package dev.fieldvault.keys;

/**
 * A stored keyset was encrypted under a different key-encryption key (master secret, local master
 * keyset or KMS key) than the one configured.
 */
public final class WrongKeyEncryptionKeyException extends KeyUnavailableException {

  public WrongKeyEncryptionKeyException(String message) {
    super(message);
  }

  public WrongKeyEncryptionKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
