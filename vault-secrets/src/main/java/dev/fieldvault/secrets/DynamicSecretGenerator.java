package dev.fieldvault.secrets;

/**
 * Creates short-lived credentials on request (for example a database user with a password) and
 * revokes them once they expire. Registered by name with {@link SecretsVault.Builder#dynamicSecrets}.
 */
public interface DynamicSecretGenerator {

  /** Creates a credential for the entry {@code name}, valid for the requested time. */
  SecretValue generate(String name, java.time.Duration ttl);

  /**
   * Revokes an expired credential; called by {@link SecretsVault#cleanupExpired} before the entry is
   * deleted. An exception keeps the entry, and the next cleanup tries again.
   */
  void revoke(String name, SecretValue value);
}
