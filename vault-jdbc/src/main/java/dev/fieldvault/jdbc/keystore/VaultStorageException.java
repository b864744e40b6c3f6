package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.FieldVaultException;

/**
 * A database operation on FieldVault's tables or on an encrypted table failed (connection lost,
 * missing table, no privilege). The message names the table and the operation; the cause is the
 * driver's {@code SQLException}. Retry once the database is reachable; rotations resume.
 */
public class VaultStorageException extends FieldVaultException {
  private static final long serialVersionUID = 1L;

  public VaultStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
