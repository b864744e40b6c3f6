package dev.fieldvault.secrets;

/**
 * The maintenance tasks the vault's scheduler runs ({@link VaultSchedule}), each at most once at a time
 * across every application instance sharing the vault's tables.
 */
public enum ScheduledTask {
  /** The rotation policies ({@link SecretsVault#runDueRotations()}). */
  ROTATIONS,
  /**
   * Expired entries deleted after a retention, and expired dynamic secrets revoked (their generator's
   * {@code revoke}) and deleted ({@link SecretsVault#cleanupExpired}).
   */
  CLEANUP_EXPIRED,
  /** Audit events older than a retention deleted ({@link SecretsVault#purgeAuditEvents}). */
  PURGE_EVENTS,
  /** Every store's version retention applied ({@link SecretsVault#pruneVersions()}). */
  PRUNE_VERSIONS,
  /** The {@link ExpiryListener}s told of entries that expire soon ({@link VaultSchedule.Builder#expiryWarnings}). */
  EXPIRY_WARNINGS
}
