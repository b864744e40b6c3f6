package dev.fieldvault.secrets;

/**
 * A write whose outcome FieldVault could not learn: the connection failed while the database committed
 * it, and the database could not be asked afterwards whether the commit landed. The write may be
 * recorded (with its audit event) or not: read the secret (its current version, {@link SecretStore#versions})
 * before writing it again, or write it again with an expected version, so that a retry does not make a
 * second version of the same value.
 *
 * <p>When the database can be asked, FieldVault does so itself: a write whose commit failed but landed is
 * reported as written, one that did not land as a {@link SecretsStorageException} (nothing recorded).
 */
public class SecretsWriteOutcomeUnknownException extends SecretsStorageException {

  public SecretsWriteOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
