package dev.fieldvault.jdbc.secrets;

import dev.fieldvault.keys.FieldVaultException;

/**
 * The database failed a vault operation (connection lost, tables missing, constraint violated). The
 * message names the operation and the table; the cause is the driver's exception.
 */
public final class SecretsStorageException extends FieldVaultException {

  public SecretsStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
