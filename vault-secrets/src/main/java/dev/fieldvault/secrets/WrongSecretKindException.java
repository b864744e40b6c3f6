package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * A typed accessor ({@code asDatabaseCredentials()}, {@code asCertificate()}, ...) called on a value of
 * another kind. The message names both kinds and the accessor to use, never the value.
 */
public final class WrongSecretKindException extends VaultConfigurationException {

  private final SecretKind actual;
  private final SecretKind requested;

  WrongSecretKindException(SecretKind actual, SecretKind requested) {
    super("This secret is of kind " + actual + ", not " + requested + ": read it with "
        + Secrets.accessorOf(actual));
    this.actual = actual;
    this.requested = requested;
  }

  /** The kind the value really has. */
  public SecretKind actual() {
    return actual;
  }

  /** The kind the accessor wanted. */
  public SecretKind requested() {
    return requested;
  }
}
