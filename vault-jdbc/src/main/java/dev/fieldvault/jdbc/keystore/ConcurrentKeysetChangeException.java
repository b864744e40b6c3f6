package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.FieldVaultException;

/**
 * A keyset change was based on a version that another instance has changed meanwhile (optimistic
 * lock): nothing was written. Load the keyset again and redo the change.
 */
public class ConcurrentKeysetChangeException extends FieldVaultException {
  private static final long serialVersionUID = 1L;

  public ConcurrentKeysetChangeException(String message) {
    super(message);
  }
}
