package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * A key cannot be disabled because stored values still use it. The message says how many values
 * in which columns: run the rewrapper to move them to the primary key first.
 */
public class KeyInUseException extends VaultConfigurationException {
  private static final long serialVersionUID = 1L;

  public KeyInUseException(String message) {
    super(message);
  }
}
