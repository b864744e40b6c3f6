package dev.fieldvault.secrets;

/**
 * A read's audit event could not be committed (the append failed, or was not confirmed within the
 * wait), so the read's result was withheld: with {@link ReadAudit#SYNC} no value is returned before
 * its read event is in the audit log. The message says why and names the audit tables, never a value;
 * the cause, when there is one, is the driver's exception. Retry once the database is healthy.
 */
public final class SecretsAuditException extends SecretsStorageException {

  SecretsAuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
