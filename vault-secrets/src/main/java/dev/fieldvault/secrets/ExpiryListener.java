package dev.fieldvault.secrets;

import java.time.Instant;
import java.util.Map;

/**
 * Told ahead of an entry's expiry, by the scheduler's {@link ScheduledTask#EXPIRY_WARNINGS} task
 * ({@link VaultSchedule.Builder#expiryWarnings}): once per entry version and expiry time, across every
 * instance sharing the vault's tables. Register with {@link SecretsVault.Builder#expiryListener}.
 *
 * <p>Called on the scheduler's thread. The warning is recorded in the entry's row before the listener
 * is called; a listener that throws has the record taken back (logged by class name), so the next run
 * warns again. An instance that dies between the record and the call loses that one warning (at most
 * once). Dynamic secrets (issued with their own short TTL and revoked at expiry) are not warned about.
 */
@FunctionalInterface
public interface ExpiryListener {

  /** An entry expires within the configured window. */
  void expiring(Warning warning);

  /**
   * An entry that expires soon; never its value.
   *
   * @param namespace the store's namespace
   * @param tenant the store's tenant, or null
   * @param name the entry's name; in a sealed store its keyed hash (as in audit events)
   * @param sealed whether the store is sealed (then {@code name} is a hash and there is no metadata)
   * @param id the entry's stable id ({@link SecretInfo#id()}), or null for an entry without one yet
   * @param version the entry's current version
   * @param expiresAt when it expires
   * @param metadata its plaintext metadata (empty for none)
   * @param kind the kind of its current value ({@link SecretKind#GENERIC} in a sealed store, which keeps
   *     no plaintext kind)
   */
  record Warning(String namespace, String tenant, String name, boolean sealed, String id, long version,
      Instant expiresAt, Map<String, String> metadata, SecretKind kind) {}
}
