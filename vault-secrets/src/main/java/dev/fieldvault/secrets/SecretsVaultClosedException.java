package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldVaultException;

/**
 * The {@link SecretsVault} (or a {@link SecretStore} handle of it) was used after
 * {@link SecretsVault#close()}: every operation is refused, reads and writes alike, and nothing is
 * written. Build a new vault to go on.
 */
public final class SecretsVaultClosedException extends FieldVaultException {

  SecretsVaultClosedException(String message) {
    super(message);
  }
}
