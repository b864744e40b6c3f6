package dev.fieldvault.secrets;

/**
 * Hears every committed audit event, for alerts (a refusal, a failed decryption, a deletion, a key
 * rotation): the whole {@link AuditEvent} (action, outcome, principal, store, name, detail, request
 * context, time, sequence number; never a value). Register with
 * {@link SecretsVault.Builder#eventListener}.
 *
 * <p>Delivery: after the transaction holding the event committed (events of a rolled-back transaction
 * are never delivered), on the vault's own event thread ({@code fieldvault-secrets-events}), off the
 * caller's path: a slow listener does not slow operations down. Events of one transaction arrive in
 * sequence order; events of concurrent transactions may arrive out of sequence order. At most once:
 * events queued when the process dies, or beyond a backlog of 10,000 undelivered events (a listener
 * that cannot keep up; logged with the count), are not delivered. The audit table stays the complete
 * record: compare {@link AuditEvent#seq()} to find gaps and read them with
 * {@link SecretsVault#auditEvents}. {@link SecretsVault#close()} delivers what is queued (up to 10 s).
 *
 * <p>An exception thrown by the listener is logged (the listener's class, the exception's class, the
 * event's sequence number and action) and does not affect the operation or other listeners.
 */
@FunctionalInterface
public interface SecretsEventListener {

  /** An audit event was committed. */
  void onEvent(AuditEvent event);
}
