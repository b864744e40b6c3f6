package dev.fieldvault.keys;

/** A master secret (or another caller-held secret) is too short or too simple to derive keys from. */
public final class WeakSecretException extends VaultConfigurationException {

  public WeakSecretException(String message) {
    super(message);
  }
}
