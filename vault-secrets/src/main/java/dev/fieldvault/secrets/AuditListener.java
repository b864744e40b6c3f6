package dev.fieldvault.secrets;

import java.time.Duration;

/**
 * Observes the events the vault appends to its audit chain, for metrics: one call per event, with its
 * action, its outcome (a {@link Status} name or {@code FAILED}) and its lag (from the operation to the
 * append; with {@link ReadAudit#BATCHED} reads wait for their batch). It receives no principal, tenant,
 * namespace, name, detail or value. Install one with {@link SecretsVault.Builder#auditListener}.
 *
 * <p>Called on the appending thread inside the appending transaction, after the event was written and
 * before the commit: it must be fast and must not throw (a transaction that rolls back afterwards has
 * still been reported).
 */
@FunctionalInterface
public interface AuditListener {

  /** An event was appended. */
  void appended(AuditAction action, String outcome, Duration lag);
}
