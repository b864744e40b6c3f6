package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldVaultException;

/**
 * The database failed a vault operation (connection lost, tables missing, constraint violated). The
 * message names the operation and the table; the cause is the driver's exception.
 * {@link SecretsAuditException} is the case where a read's audit event could not be committed.
 */
public class SecretsStorageException extends FieldVaultException {

  public SecretsStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
