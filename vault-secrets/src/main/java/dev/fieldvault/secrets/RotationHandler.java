package dev.fieldvault.secrets;

/**
 * Produces the next value of a secret whose rotation period has passed (for example by asking the
 * provider for a new API key). Registered per store with {@link SecretsVault.Builder#rotationPolicy}.
 */
@FunctionalInterface
public interface RotationHandler {

  SecretValue rotate(String name, SecretValue current);
}
