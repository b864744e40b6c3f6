package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.time.Instant;

/**
 * A filter over audit events, with a cursor and a page size. Every criterion is optional (null: any).
 */
public record AuditQuery(String namespace, String tenant, String principal, AuditAction action, Instant from,
    Instant until, String cursor, int limit) {

  public AuditQuery {
    if (limit < 1 || limit > 10_000) {
      throw new VaultConfigurationException("An audit page size must be 1 to 10000, not " + limit);
    }
  }

  /** Every event, 100 per page. */
  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, null, null, 100);
  }

  public AuditQuery namespace(String ns, String tenantOrNull) {
    return new AuditQuery(ns, tenantOrNull, principal, action, from, until, cursor, limit);
  }

  public AuditQuery principal(String p) {
    return new AuditQuery(namespace, tenant, p, action, from, until, cursor, limit);
  }

  public AuditQuery action(AuditAction a) {
    return new AuditQuery(namespace, tenant, principal, a, from, until, cursor, limit);
  }

  public AuditQuery between(Instant fromInclusive, Instant untilExclusive) {
    return new AuditQuery(namespace, tenant, principal, action, fromInclusive, untilExclusive, cursor, limit);
  }

  public AuditQuery after(String pageCursor) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, pageCursor, limit);
  }

  public AuditQuery limit(int n) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, cursor, n);
  }
}
