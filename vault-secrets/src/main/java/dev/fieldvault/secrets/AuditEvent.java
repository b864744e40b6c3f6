package dev.fieldvault.secrets;

import dev.fieldvault.keys.CiphertextHeader;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One append-only audit event. {@code name} is the entry's name, or its keyed hash in a sealed store;
 * {@code outcome} is a {@link Status} name or {@code FAILED}. Events are chained: {@code hash} covers
 * every field and the previous event's hash, and {@code mac} authenticates {@code hash} under a key of
 * the vault's keyring (null for legacy events written before the chain was keyed); see
 * {@link SecretsVault#verifyAuditChain()}.
 *
 * @param requestContext where the operation came from ({@link RequestContext}), or null when the
 *     application passed none (and for every event written before request contexts)
 * @param hashVersion the chain's hash input this event was written with: 1 (without request context;
 *     events written before it, or by an older FieldVault) or 2 (with it); see the vault-secrets README
 */
public record AuditEvent(long seq, Instant at, String principal, String tenant, String namespace, String name,
    AuditAction action, String outcome, String detail, String prevHash, String hash, String mac,
    RequestContext requestContext, int hashVersion) {

  /** An event without request context, of hash version 1 (the form before request contexts). */
  public AuditEvent(long seq, Instant at, String principal, String tenant, String namespace, String name,
      AuditAction action, String outcome, String detail, String prevHash, String hash, String mac) {
    this(seq, at, principal, tenant, namespace, name, action, outcome, detail, prevHash, hash, mac, null, 1);
  }

  /**
   * The id of the key that computed this event's MAC, unsigned (as the keyring lists it), or -1 for a
   * legacy event without a MAC.
   */
  public long macKeyId() {
    if (mac == null) {
      return -1;
    }
    return Integer.toUnsignedLong(CiphertextHeader.parse(HexFormat.of().parseHex(mac)).keyId());
  }
}
