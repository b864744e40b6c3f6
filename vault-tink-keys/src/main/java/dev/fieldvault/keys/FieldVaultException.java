package dev.fieldvault.keys;

/**
 * Root of FieldVault's exception family. Every subclass says what went wrong and what to do about it.
 *
 * <p>Messages never contain a plaintext value or key material: they name keysets, key ids,
 * contexts (domain, field, tenant) and columns, never data. The family is unchecked because most
 * callers (JPA converters, JDBC wrappers) cannot declare checked exceptions.
 */
public class FieldVaultException extends RuntimeException {

  public FieldVaultException(String message) {
    super(message);
  }

  public FieldVaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
