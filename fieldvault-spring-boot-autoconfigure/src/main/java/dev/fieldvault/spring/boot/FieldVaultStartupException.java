package dev.fieldvault.spring.boot;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * FieldVault could not start with the application's settings: the application fails to start (never
 * half-started), and Spring Boot's failure analysis prints {@link #description()} and
 * {@link #action()}, which name the property to set. Messages never contain a secret or key material.
 */
public class FieldVaultStartupException extends VaultConfigurationException {

  private final String description;
  private final String action;

  public FieldVaultStartupException(String description, String action, Throwable cause) {
    super(description + " " + action, cause);
    this.description = description;
    this.action = action;
  }

  /** What is wrong. */
  public String description() {
    return description;
  }

  /** What to set or do, naming the {@code fieldvault.*} property. */
  public String action() {
    return action;
  }
}
