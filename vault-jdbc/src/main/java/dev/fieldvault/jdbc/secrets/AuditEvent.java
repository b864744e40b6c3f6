package dev.fieldvault.jdbc.secrets;

import java.time.Instant;

/**
 * One append-only audit event. {@code name} is the entry's name, or its keyed hash in a sealed store;
 * {@code outcome} is a {@link Status} name or {@code FAILED}. Events are hash-chained: {@code hash}
 * covers every field and the previous event's hash (see {@link SecretsVault#verifyAuditChain()}).
 */
public record AuditEvent(long seq, Instant at, String principal, String tenant, String namespace, String name,
    AuditAction action, String outcome, String detail, String prevHash, String hash) {}
