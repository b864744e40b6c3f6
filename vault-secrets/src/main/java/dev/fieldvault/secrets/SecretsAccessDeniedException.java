package dev.fieldvault.secrets;

import dev.fieldvault.keys.FieldVaultException;

/**
 * The access policy refused an operation that has no result to carry the refusal ({@code has},
 * {@code list}, {@code versions}). Operations returning a {@link SecretResult} or {@link WriteResult}
 * report {@link Status#ACCESS_DENIED} instead. Every refusal is audited.
 */
public final class SecretsAccessDeniedException extends FieldVaultException {

  public SecretsAccessDeniedException(String message) {
    super(message);
  }
}
