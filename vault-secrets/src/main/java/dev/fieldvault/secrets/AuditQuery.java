package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.time.Instant;

/**
 * A filter over audit events, with a cursor and a page size. Every criterion is optional (null: any).
 * {@code name} is compared with the events' name exactly: an entry's name in plain stores, its keyed
 * hash in sealed ones (a sealed store's handle computes it: {@link SecretStore#events(AuditQuery)}).
 */
public record AuditQuery(String namespace, String tenant, String principal, AuditAction action, Instant from,
    Instant until, String cursor, int limit, String name, String requestId, String clientAddress) {

  /** The query without request-context filters (the form before request contexts). */
  public AuditQuery(String namespace, String tenant, String principal, AuditAction action, Instant from,
      Instant until, String cursor, int limit, String name) {
    this(namespace, tenant, principal, action, from, until, cursor, limit, name, null, null);
  }

  public AuditQuery {
    if (limit < 1 || limit > 10_000) {
      throw new VaultConfigurationException("An audit page size must be 1 to 10000, not " + limit);
    }
  }

  /** The query without a name filter (the form before names could be filtered). */
  public AuditQuery(String namespace, String tenant, String principal, AuditAction action, Instant from,
      Instant until, String cursor, int limit) {
    this(namespace, tenant, principal, action, from, until, cursor, limit, null, null, null);
  }

  /** Every event, 100 per page. */
  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, null, null, 100, null, null, null);
  }

  public AuditQuery namespace(String ns, String tenantOrNull) {
    return new AuditQuery(ns, tenantOrNull, principal, action, from, until, cursor, limit, name, requestId, clientAddress);
  }

  public AuditQuery principal(String p) {
    return new AuditQuery(namespace, tenant, p, action, from, until, cursor, limit, name, requestId, clientAddress);
  }

  public AuditQuery action(AuditAction a) {
    return new AuditQuery(namespace, tenant, principal, a, from, until, cursor, limit, name, requestId, clientAddress);
  }

  public AuditQuery between(Instant fromInclusive, Instant untilExclusive) {
    return new AuditQuery(namespace, tenant, principal, action, fromInclusive, untilExclusive, cursor, limit, name, requestId, clientAddress);
  }

  public AuditQuery after(String pageCursor) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, pageCursor, limit, name, requestId, clientAddress);
  }

  /** Only events of this entry name (in sealed stores: the stored keyed hash). */
  public AuditQuery name(String entryName) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, cursor, limit, entryName, requestId, clientAddress);
  }

  public AuditQuery limit(int n) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, cursor, n, name, requestId, clientAddress);
  }

  /**
   * Only events whose request context has exactly this request id ({@link RequestContext#requestId()};
   * null: any).
   */
  public AuditQuery requestId(String id) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, cursor, limit, name, id, clientAddress);
  }

  /** Only events whose request context has exactly this client address (null: any). */
  public AuditQuery clientAddress(String address) {
    return new AuditQuery(namespace, tenant, principal, action, from, until, cursor, limit, name, requestId, address);
  }
}
