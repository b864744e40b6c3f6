package dev.fieldvault.secrets;

/** What an audit event records. */
public enum AuditAction {
  STORE_CREATED, CREATED, READ, UPDATED, DELETED, ROLLED_BACK, ROTATED, KEY_ROTATED, EXPIRED_CLEANUP,
  DYNAMIC_ISSUED, DYNAMIC_REVOKED, EXPORTED, IMPORTED,
  /** Versions deleted by a store's retention (count or age) in {@link SecretsVault#pruneVersions()}. */
  VERSIONS_PRUNED,
  /** A refused {@link VaultAdmin#purgeAuditEvents} (allowed purges move the chain's anchor instead). */
  AUDIT_PURGED
}
