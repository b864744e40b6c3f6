package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldVaultException;

/** A store was used before it was created: call {@link SecretsVault#createStore} first. */
public final class SecretStoreNotFoundException extends FieldVaultException {

  public SecretStoreNotFoundException(String message) {
    super(message);
  }
}
