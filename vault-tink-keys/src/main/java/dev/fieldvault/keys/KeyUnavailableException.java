package dev.fieldvault.keys;

/**
 * A key that an operation needs cannot be used: it is not in the loaded keyset, it is disabled or
 * below the keyset's minimum decryption version, or a keyset could not be unwrapped.
 */
public class KeyUnavailableException extends FieldVaultException {

  public KeyUnavailableException(String message) {
    super(message);
  }

  public KeyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
