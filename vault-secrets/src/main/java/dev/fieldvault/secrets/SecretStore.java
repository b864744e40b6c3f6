package dev.fieldvault.secrets;

import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Envelope;
import dev.fieldvault.secrets.internal.Jdbc;
import dev.fieldvault.secrets.internal.Names;
import dev.fieldvault.secrets.internal.SealedKdf;
import dev.fieldvault.secrets.internal.SealedKeys;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultConfigurationException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One store (namespace, optionally of a tenant) as seen by one caller: every operation is checked
 * against the vault's access policy and audited with this handle's principal. Handles are cheap,
 * immutable and thread-safe; get one from {@link SecretsVault#store(String, String)} and derive
 * others with {@link #as(String)} and, for sealed stores, {@link #withSecret(byte[])}.
 *
 * <p>The principal: the one given to {@link #as(String)}; else, on a handle from
 * {@link SecretsVault#store(String, String)}, the vault's principal supplier's
 * ({@link SecretsVault.Builder#principal}), asked on the caller's thread at the start of each operation (so
 * one long-lived handle serves every caller: each operation acts for whoever is calling); else
 * {@code anonymous}. The principal an operation resolved is the one its access checks and all of its audit
 * events use.
 */
public final class SecretStore {

  private final SecretsVault vault;
  private final StoreMeta meta;
  /** The principal, or null: the vault's principal supplier's, resolved at each operation ({@link #resolved()}). */
  private final String principal;
  private final SealedKeys sealed;
  /** A sealed store's keys under the derivation it was upgraded from (null: none), to move entries. */
  private final SealedKeys sealedPrevious;
  private final EntryRows rows;
  /** This handle's request context (null: the vault's supplier, if any). */
  private final RequestContext requestContext;
  /** True when {@link #requestContext} is final for this handle (a write pinned on the caller's thread). */
  private final boolean contextPinned;

  SecretStore(SecretsVault vault, StoreMeta meta, String principal, SealedKeys sealed) {
    this(vault, meta, principal, sealed, null);
  }

  private SecretStore(SecretsVault vault, StoreMeta meta, String principal, SealedKeys sealed,
      SealedKeys sealedPrevious) {
    this(vault, meta, principal, sealed, sealedPrevious, null, false);
  }

  private SecretStore(SecretsVault vault, StoreMeta meta, String principal, SealedKeys sealed,
      SealedKeys sealedPrevious, RequestContext requestContext, boolean contextPinned) {
    this.requestContext = requestContext;
    this.contextPinned = contextPinned;
    this.vault = vault;
    this.meta = meta;
    this.principal = principal;
    this.sealed = sealed;
    this.sealedPrevious = sealedPrevious;
    this.rows = new EntryRows(vault.tables(), meta.id());
  }

  /**
   * This store acting for another principal (recorded in the audit log and given to the policy); it wins
   * over the vault's principal supplier ({@link SecretsVault.Builder#principal}), which the returned handle
   * no longer asks.
   *
   * @throws InvalidSecretNameException if {@code newPrincipal} is null, blank (white space or space characters
   *     only), longer than 200 characters, or has a control character, U+0000 or an unpaired surrogate
   */
  public SecretStore as(String newPrincipal) {
    String problem = Names.principalProblem(newPrincipal);
    if (problem != null) {
      throw new InvalidSecretNameException("A principal must be a non-blank name of at most 200 characters"
          + " without control characters, U+0000 or unpaired surrogates, but " + problem);
    }
    return new SecretStore(vault, meta, newPrincipal, sealed, sealedPrevious, requestContext, false);
  }

  /**
   * This handle with its principal resolved for one operation: itself when the principal is fixed, else a
   * copy acting for the supplier's principal now (asked once per operation, so its checks and events agree).
   * Fails before anything is read, written or audited when the supplier throws or returns an invalid name.
   */
  private SecretStore resolved() {
    if (principal != null) {
      return this;
    }
    return new SecretStore(vault, meta, vault.currentPrincipal(), sealed, sealedPrevious, requestContext,
        contextPinned);
  }

  /**
   * This sealed store opened with the caller's secret (at least 16 bytes). Names are hashed and values
   * sealed with keys derived from it; a different secret sees an empty store. The derivation is the
   * store's (read now): for stores created by this version, PBKDF2-HMAC-SHA256 with 600,000
   * iterations, computed here once for the handle (about a few hundred milliseconds), not per call:
   * keep the handle for the caller's session or request, and open one per secret.
   */
  public SecretStore withSecret(byte[] secret) {
    vault.checkOpen();
    if (!meta.sealed()) {
      throw new VaultConfigurationException("The " + meta.describe() + " is not sealed: it takes no caller secret");
    }
    SealedKdf[] kdfs = vault.stores().sealedKdfs(meta.id());
    SealedKeys current = new SealedKeys(secret, meta.tenant(), meta.namespace(), kdfs[0]);
    SealedKeys previous = kdfs[1] == null ? null : new SealedKeys(secret, meta.tenant(), meta.namespace(), kdfs[1]);
    return new SecretStore(vault, meta, principal, current, previous, requestContext, false);
  }

  /**
   * This store with a request context (client address, user agent, request id) recorded on every
   * audit event of its operations and covered by the chain's MAC; null removes it (then the vault's
   * {@link SecretsVault.Builder#requestContext} supplier, if any, applies). A handle per request:
   * {@code vault.store(ns, tenant).as(user).withRequestContext(RequestContext.of(addr, agent, id))}.
   */
  public SecretStore withRequestContext(RequestContext context) {
    return new SecretStore(vault, meta, principal, sealed, sealedPrevious, context, false);
  }

  /** This handle's request context, or the vault supplier's on the calling thread, or null. */
  public RequestContext requestContext() {
    return requestContext != null || contextPinned ? requestContext : vault.currentRequestContext();
  }

  /** This handle with its request context resolved now, on the caller's thread (writes run on another). */
  private SecretStore pinned() {
    return contextPinned ? this
        : new SecretStore(vault, meta, principal, sealed, sealedPrevious, requestContext(), true);
  }

  /** As {@link #withSecret(byte[])} with the UTF-8 bytes of a string secret. */
  public SecretStore withSecret(String secret) {
    return withSecret(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
  }

  public String namespace() {
    return meta.namespace();
  }

  /** The tenant, or null. */
  public String tenant() {
    return meta.tenant();
  }

  public boolean isSealed() {
    return meta.sealed();
  }

  public int maxVersions() {
    return meta.maxVersions();
  }

  /** The options this store was created with (sealed, versions kept, default TTL, version age). */
  public StoreOptions options() {
    return meta.options();
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /** Writes a new version of {@code name} with no metadata and no expiry. */
  public WriteResult put(String name, SecretValue value) {
    return put(name, value, PutOptions.none());
  }

  /**
   * Writes a new version of {@code name}: metadata and expiry as given (unset metadata: none; unset
   * expiry: the store's default TTL, or none; {@link PutOptions.Builder#noExpiry()}: none),
   * compare-and-set when an expected version is given ({@link Status#CONFLICT} when it does not match).
   */
  public WriteResult put(String name, SecretValue value, PutOptions options) {
    if (principal == null) {
      return resolved().put(name, value, options);
    }
    Objects.requireNonNull(value, "value");
    Instant now = vault.now();
    Map<String, String> md = options.metadata() == null ? Map.of() : options.metadata();
    Instant expires = options.expirySet() || meta.defaultTtlMs() == null ? options.expiryAt(now)
        : now.plusMillis(meta.defaultTtlMs());
    if (!options.expirySet() && value.kind() == SecretKind.CERTIFICATE) {
      expires = value.asCertificate().notAfter(); // a certificate's natural expiry
    }
    return write(name, AuditAction.CREATED, value, md, expires, false, options.expectedVersion(),
        false, null, null);
  }

  /**
   * Replaces the value of an existing entry by a new one (a new version), keeping metadata and expiry;
   * rotation listeners are told ({@link SecretsVault.Builder#rotationListener}).
   */
  public WriteResult rotate(String name, SecretValue newValue) {
    if (principal == null) {
      return resolved().rotate(name, newValue);
    }
    Objects.requireNonNull(newValue, "newValue");
    return write(name, AuditAction.ROTATED, newValue, null, null, true, null, true, null, null);
  }

  /** As {@link #rotate(String, SecretValue)}, only if the current version is {@code expectedVersion}. */
  public WriteResult rotate(String name, SecretValue newValue, long expectedVersion) {
    if (principal == null) {
      return resolved().rotate(name, newValue, expectedVersion);
    }
    Objects.requireNonNull(newValue, "newValue");
    return write(name, AuditAction.ROTATED, newValue, null, null, true, expectedVersion, true, null, null);
  }

  /**
   * Rotates with a generator: reads the current value (audited as a read), asks {@code generator} for
   * the next one and writes it as a new version, only if no one wrote in between
   * ({@link Status#CONFLICT} otherwise: call again). Metadata and expiry are kept. Without a current
   * value the result is the read's status ({@link Status#NOT_FOUND}, {@link Status#EXPIRED}, ...) and
   * the generator is not called. An exception of the generator propagates; nothing is written.
   * Rotation listeners are told of a written rotation.
   */
  public WriteResult rotate(String name, RotationHandler generator) {
    if (principal == null) {
      return resolved().rotate(name, generator);
    }
    Objects.requireNonNull(generator, "generator");
    // the write is checked before the generator runs: a generator may act outside the vault (revoke the old
    // credential, issue a new one), which a principal that may only read must not set off
    if (denied(Action.WRITE, name, nameKey(name), AuditAction.ROTATED)) {
      return new WriteResult(Status.ACCESS_DENIED, 0);
    }
    SecretResult current = get(name);
    if (current.status() != Status.OK) {
      // the read is audited by get; the rotation that did not happen is audited too, as rotate(name, value) is
      audit(nameKey(name), AuditAction.ROTATED, current.status().name(), "no current value to rotate");
      return new WriteResult(current.status(), current.version());
    }
    SecretValue next = Objects.requireNonNull(generator.rotate(name, current.value()),
        "the rotation generator returned no value");
    return rotate(name, next, current.version());
  }

  /** An entry's current state and one of its version rows (null when it has no such version), read together. */
  private record EntryVersion(EntryRows.Current entry, Object[] version) {}

  /** Writes the value and metadata of an older version again, as a new version. */
  public WriteResult rollback(String name, long toVersion) {
    if (principal == null) {
      return resolved().rollback(name, toVersion);
    }
    String key = nameKey(name);
    if (denied(Action.WRITE, name, key, AuditAction.ROLLED_BACK)) {
      return new WriteResult(Status.ACCESS_DENIED, 0);
    }
    // the entry's id first, then the version: a version read is then of that entry (removing an entry deletes
    // its versions), and the write below happens only if the entry still has that id — never into an entry
    // removed and written again meanwhile (its versions are not the ones read)
    EntryVersion read = vault.call("read version", c -> {
      EntryRows.Current entry = rows.currentState(c, key);
      return entry == null ? null : new EntryVersion(entry, rows.version(c, key, toVersion));
    });
    Object[] old = read == null ? null : read.version();
    if (old == null) {
      audit(key, AuditAction.ROLLED_BACK, Status.NOT_FOUND.name(), "to version " + toVersion);
      return new WriteResult(Status.NOT_FOUND, 0);
    }
    SecretValue value;
    try {
      value = decryptValue(name, key, toVersion, (byte[]) old[0], (byte[]) old[3], (Integer) old[4]);
    } catch (KeyUnavailableException e) {
      audit(key, AuditAction.ROLLED_BACK, Status.KEY_UNAVAILABLE.name(), "to version " + toVersion);
      return new WriteResult(Status.KEY_UNAVAILABLE, 0);
    }
    Map<String, String> md = vault.json().parseMetadata((String) old[1]);
    EntryRows.Current entry = read.entry();
    return write(name, AuditAction.ROLLED_BACK, value, md, null, true, null, true, null,
        entry.entryId() == null ? null : entry.entryId());
  }

  /**
   * Changes metadata and/or expiry without touching the value or creating a version (unset parts are
   * kept; {@link PutOptions.Builder#noExpiry()} removes the expiry). Honors an expected version
   * ({@link Status#CONFLICT} when it does not match); without one, a write that moves the entry meanwhile is
   * waited out and the change applied to the newest version.
   */
  public WriteResult update(String name, PutOptions options) {
    if (principal == null) {
      return resolved().update(name, options);
    }
    String key = nameKey(name);
    if (options.metadata() != null && meta.sealed() && !options.metadata().isEmpty()) {
      throw sealedMetadata();
    }
    if (denied(Action.WRITE, name, key, AuditAction.UPDATED)) {
      return new WriteResult(Status.ACCESS_DENIED, 0);
    }
    Instant now = vault.now();
    WriteResult r = null;
    for (int attempt = 0; r == null; attempt++) {
      try {
        r = updateOnce(key, options, now, attempt < 50);
      } catch (LostRace race) {
        // a write moved the entry between the read and the update, and no version was expected: again
      }
    }
    vault.invalidate(meta, key);
    return r;
  }

  private WriteResult updateOnce(String key, PutOptions options, Instant now, boolean retryRaces) {
    return vault.tx("update", x -> {
      long[] cur = rows.currentVersion(x, key);
      Status s = cur == null ? Status.NOT_FOUND
          : options.expectedVersion() != null && options.expectedVersion() != cur[0] ? Status.CONFLICT : Status.OK;
      if (s == Status.OK) {
        StringBuilder sql = new StringBuilder("UPDATE " + vault.tables().entry + " SET updated_ms = ?, updated_by = ?");
        if (options.metadata() != null) {
          sql.append(", metadata = ?");
        }
        if (options.expirySet()) {
          sql.append(", expires_ms = ?");
        }
        sql.append(" WHERE store_id = ? AND name_key = ? AND version = ?");
        try (PreparedStatement ps = x.prepareStatement(sql.toString())) {
          int i = 1;
          ps.setLong(i++, now.toEpochMilli());
          ps.setString(i++, principal);
          if (options.metadata() != null) {
            ps.setString(i++, vault.json().metadata(options.metadata()));
          }
          if (options.expirySet()) {
            Instant exp = options.expiryAt(now);
            EntryRows.setNullableLong(ps, i++, exp == null ? null : exp.toEpochMilli());
          }
          ps.setLong(i++, meta.id());
          ps.setString(i++, key);
          ps.setLong(i, cur[0]);
          if (ps.executeUpdate() == 0) {
            if (options.expectedVersion() == null && retryRaces) {
              throw new LostRace(); // nothing written, nothing audited: the caller reads and updates again
            }
            s = Status.CONFLICT;
          }
        }
      }
      vault.audit().append(x, now.toEpochMilli(), List.of(draft(key, AuditAction.UPDATED, s.name(), null)));
      return new WriteResult(s, cur == null ? 0 : cur[0]);
    });
  }

  /** Deletes an entry and all its versions. Returns OK, NOT_FOUND or ACCESS_DENIED. */
  public Status remove(String name) {
    if (principal == null) {
      return resolved().remove(name);
    }
    String key = nameKey(name);
    if (denied(Action.DELETE, name, key, AuditAction.DELETED)) {
      return Status.ACCESS_DENIED;
    }
    Status s = vault.tx("remove", x -> {
      int n = EntryRows.deleteEntry(x, vault.tables(), meta.id(), key);
      Status st = n > 0 ? Status.OK : Status.NOT_FOUND;
      vault.audit().append(x, vault.now().toEpochMilli(), List.of(draft(key, AuditAction.DELETED, st.name(), null)));
      return st;
    });
    vault.invalidate(meta, key);
    return s;
  }

  /**
   * Issues a short-lived credential from a registered {@link DynamicSecretGenerator}: stored as a new
   * entry named {@code generator/<random id>} that expires after {@code ttl}; the generator revokes it
   * when {@link SecretsVault#cleanupExpired} finds it expired.
   */
  public Issued issue(String generator, Duration ttl) {
    if (principal == null) {
      return resolved().issue(generator, ttl);
    }
    vault.checkOpen();
    DynamicSecretGenerator g = vault.generator(generator);
    if (meta.sealed()) {
      throw new VaultConfigurationException("Dynamic secrets cannot be issued in sealed " + meta.describe()
          + ": the cleanup job could not open them to revoke them");
    }
    String name = generator + "/" + UUID.randomUUID();
    SecretValue value = g.generate(name, ttl);
    Instant expires = vault.now().plus(ttl);
    WriteResult r = write(name, AuditAction.DYNAMIC_ISSUED, value, Map.of("dynamic", generator), expires, false,
        PutOptions.MUST_NOT_EXIST, false, generator, null);
    if (!r.isWritten()) {
      g.revoke(name, value);
      throw new SecretsAccessDeniedException("Issuing a " + generator + " credential in " + meta.describe()
          + " was refused (" + r.status() + "); the generated credential was revoked");
    }
    return new Issued(name, value, expires);
  }

  /** A dynamic credential: its entry name, value and expiry. {@code toString} hides the value. */
  public record Issued(String name, SecretValue value, Instant expiresAt) {}

  // ---------------------------------------------------------------------------------------------
  // Reads

  /** The current value with its metadata, or the reason there is none. */
  public SecretResult get(String name) {
    if (principal == null) {
      return resolved().get(name);
    }
    String key = nameKey(name);
    if (denied(Action.READ, name, key, AuditAction.READ)) {
      return SecretResult.of(Status.ACCESS_DENIED);
    }
    SecretResult cached = vault.cached(meta, key);
    if (cached != null && (cached.expiresAt() == null || cached.expiresAt().isAfter(vault.now()))) {
      recordRead(key, Status.OK, "cache");
      return cached;
    }
    SecretResult r;
    try {
      r = vault.call("get", c -> readCurrent(c, name, key));
    } catch (DecryptionFailedException e) {
      audit(key, AuditAction.READ, "FAILED", "decryption failed");
      throw e;
    }
    // SYNC: returns once the event is committed (else throws, and the value is neither returned nor cached)
    recordRead(key, r.status(), null);
    if (r.status() == Status.OK) {
      vault.cache(meta, key, r);
    }
    return r;
  }

  /** A kept version of {@code name} (OK, NOT_FOUND when not kept, KEY_UNAVAILABLE or ACCESS_DENIED). */
  public SecretResult getVersion(String name, long version) {
    if (principal == null) {
      return resolved().getVersion(name, version);
    }
    String key = nameKey(name);
    if (denied(Action.READ, name, key, AuditAction.READ)) {
      return SecretResult.of(Status.ACCESS_DENIED);
    }
    Object[] row = vault.call("get version", c -> rows.version(c, key, version));
    Status s;
    SecretResult r;
    if (row == null) {
      r = SecretResult.of(Status.NOT_FOUND);
    } else {
      try {
        SecretValue v = decryptValue(name, key, version, (byte[]) row[0], (byte[]) row[3], (Integer) row[4]);
        r = new SecretResult(Status.OK, v, vault.json().parseMetadata((String) row[1]), version, null,
            Instant.ofEpochMilli((Long) row[2]));
      } catch (KeyUnavailableException e) {
        r = SecretResult.of(Status.KEY_UNAVAILABLE);
      } catch (DecryptionFailedException e) {
        audit(key, AuditAction.READ, "FAILED", "version " + version + ": decryption failed");
        throw e;
      }
    }
    recordRead(key, r.status(), "version " + version);
    return r;
  }

  /** Whether {@code name} exists and has not expired. */
  public boolean has(String name) {
    if (principal == null) {
      return resolved().has(name);
    }
    String key = nameKey(name);
    if (denied(Action.READ, name, key, AuditAction.READ)) {
      throw deniedException(Action.READ);
    }
    boolean found = vault.call("has", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT expires_ms FROM " + vault.tables().entry
          + " WHERE store_id = ? AND name_key = ?")) {
        ps.setLong(1, meta.id());
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          long exp = rs.getLong(1);
          return rs.wasNull() || exp > vault.now().toEpochMilli();
        }
      }
    });
    recordRead(key, found ? Status.OK : Status.NOT_FOUND, "has");
    return found;
  }

  /**
   * Reads several names with one query (and one audit append); the map has an entry per distinct
   * name, in the order given.
   */
  public Map<String, SecretResult> getMany(Collection<String> names) {
    if (principal == null) {
      return resolved().getMany(names);
    }
    vault.checkOpen();
    Map<String, String> keys = new LinkedHashMap<>();
    for (String n : new LinkedHashSet<>(names)) {
      keys.put(n, nameKey(n));
    }
    Map<String, SecretResult> out = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    keys.keySet().forEach(n -> out.put(n, null)); // the order given; every slot is filled below
    // each name is checked on its own: refused names are ACCESS_DENIED (audited together), the others read
    List<AuditLog.Draft> refusals = new ArrayList<>();
    for (Map.Entry<String, String> e : new ArrayList<>(keys.entrySet())) {
      if (!vault.policy().allows(request(Action.READ, e.getKey()))) {
        keys.remove(e.getKey());
        out.put(e.getKey(), SecretResult.of(Status.ACCESS_DENIED));
        refusals.add(draft(e.getValue(), AuditAction.READ, Status.ACCESS_DENIED.name(), Action.READ.name()));
      }
    }
    if (!refusals.isEmpty()) {
      vault.tx("audit", x -> {
        vault.audit().append(x, vault.now().toEpochMilli(), refusals);
        return null;
      });
    }
    if (keys.isEmpty()) {
      return out;
    }
    Map<String, Object[]> rows = vault.call("get many", x -> {
      Map<String, Object[]> found = new LinkedHashMap<>();
      StringBuilder sql = new StringBuilder("SELECT name_key, " + EntryRows.ROW_COLUMNS + " FROM "
          + vault.tables().entry + " WHERE store_id = ? AND name_key IN (");
      for (int i = 0; i < keys.size(); i++) {
        sql.append(i == 0 ? "?" : ", ?");
      }
      sql.append(')');
      try (PreparedStatement ps = x.prepareStatement(sql.toString())) {
        ps.setLong(1, meta.id());
        int i = 2;
        for (String k : keys.values()) {
          ps.setString(i++, k);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), EntryRows.rowOf(rs, 2));
          }
        }
      }
      return found;
    });
    List<AuditLog.Draft> drafts = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : keys.entrySet()) {
        SecretResult r = toResult(e.getKey(), e.getValue(), rows.get(e.getValue()));
        out.put(e.getKey(), r);
        if (vault.readAudit() != ReadAudit.OFF || r.status() != Status.OK) {
          drafts.add(draft(e.getValue(), AuditAction.READ, r.status().name(), "batch"));
        }
      }
    } catch (DecryptionFailedException e) {
      drafts.add(draft(null, AuditAction.READ, "FAILED", "batch: decryption failed"));
      vault.tx("audit", x -> {
        vault.audit().append(x, vault.now().toEpochMilli(), drafts);
        return null;
      });
      throw e;
    }
    vault.recordReads(drafts);
    return out;
  }

  /**
   * One page of entries (name, metadata, version, expiry, state), never values, ordered by name.
   * Pass {@code null} as cursor for the first page, then {@link Page#nextCursor()}. Sealed stores
   * cannot be listed: their names are stored only as hashes. Same as
   * {@code list(ListQuery.byName().after(cursor).limit(limit))}.
   */
  public Page<SecretInfo> list(String cursor, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new VaultConfigurationException("A page size must be 1 to 10000, not " + limit);
    }
    return list(ListQuery.byName().after(cursor).limit(limit));
  }

  /**
   * One page of entries as the query orders and filters them: names, metadata, version, expiry, update
   * time and state, never values (nothing is decrypted). An entry that stays unchanged while others are
   * written appears exactly once over the pages; one updated while pages are read by update time moves
   * (it may appear again, or not at all, at its new place). Metadata filters are applied to the rows
   * read, so a selective filter reads more of the store. Sealed stores cannot be listed.
   *
   * @throws VaultConfigurationException for a sealed store or a cursor of another query order
   * @throws SecretsAccessDeniedException if the policy refuses this principal READ (audited)
   */
  public Page<SecretInfo> list(ListQuery query) {
    if (principal == null) {
      return resolved().list(query);
    }
    Objects.requireNonNull(query, "query");
    vault.checkOpen();
    if (meta.sealed()) {
      throw new VaultConfigurationException("The sealed " + meta.describe() + " cannot be listed: it stores"
          + " names only as keyed hashes, by design");
    }
    if (deniedSome(Action.READ)) {
      throw deniedException(Action.READ);
    }
    long now = vault.now().toEpochMilli();
    // only names this principal may read are listed (the others are skipped, not refused one by one)
    AccessPolicy.Request readOne = request(Action.READ, null);
    Page<SecretInfo> page = vault.call("list", c -> listing().page(c, query, now,
        n -> vault.policy().allows(readOne.withName(n))));
    recordRead(null, Status.OK, "list");
    return page;
  }

  /**
   * The store's counts: entries, expired entries not yet cleaned up, kept versions. Reads no name or
   * value, so sealed stores can be counted too (with or without their secret).
   *
   * @throws SecretsAccessDeniedException if the policy refuses this principal READ (audited)
   */
  public StoreCounts counts() {
    if (principal == null) {
      return resolved().counts();
    }
    vault.checkOpen();
    if (denied(Action.READ, null, null, AuditAction.READ)) {
      throw deniedException(Action.READ);
    }
    long now = vault.now().toEpochMilli();
    return vault.call("count", c -> listing().counts(c, now));
  }

  /**
   * This store's audit events matching the query (its namespace and tenant are set by the handle).
   * {@link AuditQuery#name(String)} is the entry's name; in a sealed store the handle turns it into the
   * keyed hash its events carry, so only a handle opened with the same secret finds them (events name
   * no plain name; with the vault's {@link SecretsVault#auditEvents(AuditQuery)} pass the stored hash).
   *
   * @throws SecretsAccessDeniedException if the policy refuses this principal READ (audited)
   */
  public Page<AuditEvent> events(AuditQuery query) {
    if (principal == null) {
      return resolved().events(query);
    }
    Objects.requireNonNull(query, "query");
    String key = query.name() == null ? null : nameKey(query.name());
    vault.checkOpen();
    if (denied(Action.READ, query.name(), key, AuditAction.READ)) {
      throw deniedException(Action.READ);
    }
    return vault.auditEvents(query.namespace(meta.namespace(), meta.tenant()).name(key));
  }

  /**
   * The entry of {@code name} as {@link #list(ListQuery)} shows it (id, metadata, version, expiry,
   * creation and update, state; never the value), or empty. Audited as a read. Not for sealed stores.
   */
  public Optional<SecretInfo> info(String name) {
    if (principal == null) {
      return resolved().info(name);
    }
    refuseSealed("looked up by id or described");
    String key = nameKey(name);
    if (denied(Action.READ, name, key, AuditAction.READ)) {
      throw deniedException(Action.READ);
    }
    long now = vault.now().toEpochMilli();
    SecretInfo i = vault.call("info", c -> listing().one(c, key, now));
    recordRead(key, i == null ? Status.NOT_FOUND : Status.OK, "info");
    return Optional.ofNullable(i);
  }

  /**
   * The entry whose stable id ({@link SecretInfo#id()}) this is, or empty (no such id, or the entry was
   * removed: a name created again has a new id). Never the value; audited as a read. Not for sealed
   * stores, whose values are bound to the plain name only the caller knows.
   *
   * @throws InvalidSecretNameException if {@code id} is not of the form ids have
   */
  public Optional<SecretInfo> findById(String id) {
    if (principal == null) {
      return resolved().findById(id);
    }
    checkId(id);
    vault.checkOpen();
    refuseSealed("looked up by id or described");
    if (deniedSome(Action.READ)) {
      throw deniedException(Action.READ);
    }
    long now = vault.now().toEpochMilli();
    SecretInfo i = vault.call("find by id", c -> {
      String key = rows.nameKeyById(c, id);
      return key == null ? null : listing().one(c, key, now);
    });
    if (i != null && denied(Action.READ, i.name(), i.name(), AuditAction.READ)) {
      return Optional.empty(); // a name this principal may not read: not shown (the refusal is audited)
    }
    recordRead(i == null ? null : i.name(), i == null ? Status.NOT_FOUND : Status.OK, "by id");
    return Optional.ofNullable(i);
  }

  /**
   * The current value of the entry with this stable id, as {@link #get(String)} returns it
   * ({@link Status#NOT_FOUND} for an unknown id). Not for sealed stores.
   *
   * @throws InvalidSecretNameException if {@code id} is not of the form ids have
   */
  public SecretResult getById(String id) {
    if (principal == null) {
      return resolved().getById(id);
    }
    checkId(id);
    vault.checkOpen();
    refuseSealed("looked up by id or described");
    if (deniedSome(Action.READ)) {
      return SecretResult.of(Status.ACCESS_DENIED);
    }
    String key = vault.call("find by id", c -> rows.nameKeyById(c, id));
    if (key == null) {
      recordRead(null, Status.NOT_FOUND, "by id");
      return SecretResult.of(Status.NOT_FOUND);
    }
    return get(key);
  }

  private static void checkId(String id) {
    if (id == null || id.length() != 36 || !id.matches("[0-9a-fA-F-]{36}")) {
      throw new InvalidSecretNameException("A secret id is the 36-character text of SecretInfo.id()"
          + " (hexadecimal digits and dashes); this one is not");
    }
  }

  private void refuseSealed(String what) {
    if (meta.sealed()) {
      throw new VaultConfigurationException("Entries of the sealed " + meta.describe() + " cannot be " + what
          + ": they are reached by name with the caller's secret only");
    }
  }

  private EntryListing listing() {
    return new EntryListing(vault.tables(), meta.id(), vault.json());
  }

  /** The kept versions of {@code name}, newest first (empty when the name does not exist). */
  public List<SecretVersion> versions(String name) {
    if (principal == null) {
      return resolved().versions(name);
    }
    String key = nameKey(name);
    if (denied(Action.READ, name, key, AuditAction.READ)) {
      throw deniedException(Action.READ);
    }
    return vault.call("versions", c -> {
      List<SecretVersion> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT version, created_ms, created_by FROM "
          + vault.tables().version + " WHERE store_id = ? AND name_key = ? ORDER BY version DESC")) {
        ps.setLong(1, meta.id());
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new SecretVersion(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /**
   * A write of a new version. {@code expectedEntryId} (or null): write only into the entry with that id —
   * if the entry was removed and written again since the caller read it, the result is NOT_FOUND.
   */
  private WriteResult write(String name, AuditAction action, SecretValue value, Map<String, String> metadata,
      Instant expiresAt, boolean keepExpiry, Long expected, boolean mustExist, String generator,
      String expectedEntryId) {
    String key = nameKey(name);
    if (metadata != null && !metadata.isEmpty() && meta.sealed()) {
      throw sealedMetadata();
    }
    if (denied(Action.WRITE, name, key, action)) {
      return new WriteResult(Status.ACCESS_DENIED, 0);
    }
    byte[] plain = value.encode();
    byte[] inner = meta.sealed() ? sealed.seal(name, plain) : plain;
    String metadataJson = metadata == null ? null : vault.json().metadata(metadata);
    vault.checkValueSize(plain.length, metadataJson);
    SecretStore caller = pinned(); // the request context of the caller's thread, for the write thread
    for (int attempt = 0; ; attempt++) {
      try {
        // group commit: concurrent writes share one transaction, each atomic with its audit event
        WriteBatcher.Write<WriteResult> once = caller.new PlannedWrite(key, inner, metadata != null, metadataJson,
            expiresAt, keepExpiry, expected, mustExist, generator, action, value.kind(), expectedEntryId);
        WriteResult r = vault.write("put", once);
        vault.invalidate(meta, key);
        if (action == AuditAction.ROTATED && r.isWritten()) {
          vault.rotated(new RotationListener.Rotation(meta.namespace(), meta.tenant(), name, r.version(), principal,
              vault.now()));
        }
        return r;
      } catch (LostRace race) {
        vault.invalidate(meta, key);
        if (expected != null || attempt > 50) {
          caller.audit(key, action, Status.CONFLICT.name(), "concurrent write");
          return new WriteResult(Status.CONFLICT, 0);
        }
      }
    }
  }

  /** The refusal of a write by its expectation (with its event), or null when it may go on. */
  private WriteResult refusal(String key, Long current, Long expected, boolean mustExist, AuditAction action, long now,
      List<AuditLog.Timed> events) {
    Status refused = null;
    if (mustExist && current == null) {
      refused = Status.NOT_FOUND;
    } else if (expected != null && (expected == 0 ? current != null : current == null || current.longValue() != expected)) {
      refused = Status.CONFLICT;
    }
    if (refused == null) {
      return null;
    }
    // a put over an existing entry is an update, refused or not (as written() records it)
    AuditAction recorded = action == AuditAction.CREATED && current != null ? AuditAction.UPDATED : action;
    events.add(new AuditLog.Timed(now, draft(key, recorded, refused.name(), expected == null ? null
        : "expected version " + expected)));
    return new WriteResult(refused, current == null ? 0 : current);
  }

  /** Sealed stores keep no plaintext metadata, the kind included; written with the entry (no extra statement). */
  private String kindColumn(SecretKind kind) {
    return meta.sealed() || kind == SecretKind.GENERIC ? null : kind.name();
  }

  private WriteResult written(String key, Long current, long v, AuditAction action, long now,
      List<AuditLog.Timed> events) {
    AuditAction recorded = action == AuditAction.CREATED && current != null ? AuditAction.UPDATED : action;
    events.add(new AuditLog.Timed(now, draft(key, recorded, Status.OK.name(), "version " + v)));
    return new WriteResult(Status.OK, v);
  }

  /**
   * One write of one entry: planned by the write batch with the batch's others, its statements sent in
   * JDBC batches ({@link WritePlan}); alone ({@link #run}), the same statements one after the other.
   */
  private final class PlannedWrite implements WriteBatcher.Batchable<WriteResult> {
    private final String key;
    private final byte[] inner;
    private final boolean setMetadata;
    private final String metadataJson;
    private final Instant expiresAt;
    private final boolean keepExpiry;
    private final Long expected;
    private final boolean mustExist;
    private final String generator;
    private final AuditAction action;
    private final SecretKind kind;
    private final String expectedEntryId;

    PlannedWrite(String key, byte[] inner, boolean setMetadata, String metadataJson, Instant expiresAt,
        boolean keepExpiry, Long expected, boolean mustExist, String generator, AuditAction action, SecretKind kind,
        String expectedEntryId) {
      this.key = key;
      this.inner = inner;
      this.setMetadata = setMetadata;
      this.metadataJson = metadataJson;
      this.expiresAt = expiresAt;
      this.keepExpiry = keepExpiry;
      this.expected = expected;
      this.mustExist = mustExist;
      this.generator = generator;
      this.action = action;
      this.kind = kind;
      this.expectedEntryId = expectedEntryId;
    }

    /** The write alone: reads the entry's version, then runs the plan's statements one by one. */
    @Override
    public WriteResult run(Connection x, List<AuditLog.Timed> events) throws SQLException {
      WritePlan plan = new WritePlan();
      plan.owner(this);
      WriteResult result = plan(rows.currentState(x, key), plan, events);
      try {
        if (plan.execute(x) != null) {
          throw lost();
        }
      } catch (SQLException e) {
        if (Jdbc.isDuplicateKey(e)) { // a concurrent writer inserted the entry or kept the version first
          throw lost();
        }
        throw e;
      } catch (WritePlan.CountsUnknown e) { // one statement at a time: the driver reports its count
        throw new SQLException("The JDBC driver reported no update count for a single statement", e);
      }
      return result;
    }

    @Override
    public EntryRows rows() {
      return rows;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public WriteResult plan(EntryRows.Current state, WritePlan plan, List<AuditLog.Timed> events) {
      long now = vault.now().toEpochMilli();
      Long current = state == null ? null : state.version();
      WriteResult refused = refusal(key, current, expected, mustExist, action, now, events);
      if (refused != null) {
        return refused;
      }
      // the entry the caller read is gone (removed, then written again: another id): not this write's entry
      String guardId = expectedEntryId != null && state != null && state.entryId() != null ? expectedEntryId : null;
      if (guardId != null && !guardId.equals(state.entryId())) {
        events.add(new AuditLog.Timed(now, draft(key, action, Status.NOT_FOUND.name(),
            "the entry read was removed meanwhile")));
        return new WriteResult(Status.NOT_FOUND, current);
      }
      long v = current == null ? 1 : current + 1;
      Envelope.Sealed ct = vault.envelope().seal(meta.slot(key, v), inner);
      Long expiresMs = expiresAt == null ? null : expiresAt.toEpochMilli();
      String kindColumn = kindColumn(kind);
      // the compare-and-set: the entry is inserted (a concurrent insert fails with a duplicate key) or moved
      // from the version read (one row updated, or none: lost)
      plan.add(WritePlan.ENTRIES, current == null
          ? rows.insertEntryStmt(key, v, ct, setMetadata ? metadataJson : null, expiresMs, now, principal, generator,
              kindColumn)
          : rows.updateEntryStmt(key, current, guardId, v, ct, now, principal, setMetadata, metadataJson, keepExpiry,
              expiresMs, kindColumn), 1);
      // the kept version has the entry's metadata: as set, or as the entry keeps it (copied in the statement)
      plan.add(WritePlan.VERSIONS, setMetadata || current == null
          ? rows.insertVersionStmt(key, v, ct, setMetadata ? metadataJson : null, now, principal)
          : rows.insertVersionWithEntryMetadataStmt(key, v, ct, now, principal), 1);
      if (v > meta.maxVersions()) { // versions start at 1: nothing to prune before (one statement less per put)
        plan.add(WritePlan.PRUNES, rows.pruneVersionsStmt(key, v - meta.maxVersions()), WritePlan.ANY_COUNT);
      }
      if (meta.versionMaxAgeMs() != null && current != null) { // a new entry has no older version
        plan.add(WritePlan.PRUNES, rows.pruneVersionsOlderThanStmt(key, v, now - meta.versionMaxAgeMs()),
            WritePlan.ANY_COUNT);
      }
      return written(key, current, v, action, now, events);
    }

    @Override
    public RuntimeException lost() {
      return new LostRace();
    }
  }

  private SecretResult readCurrent(Connection c, String name, String key) throws SQLException {
    return toResult(name, key, rows.current(c, key));
  }

  private SecretResult toResult(String name, String key, Object[] row) {
    if (row == null) {
      return SecretResult.of(Status.NOT_FOUND);
    }
    long version = (Long) row[0];
    Long exp = (Long) row[3];
    Instant expires = exp == null ? null : Instant.ofEpochMilli(exp);
    if (exp != null && exp <= vault.now().toEpochMilli()) {
      return new SecretResult(Status.EXPIRED, null, null, version, expires, Instant.ofEpochMilli((Long) row[4]));
    }
    try {
      SecretValue v = decryptValue(name, key, version, (byte[]) row[1], (byte[]) row[5], (Integer) row[6]);
      return new SecretResult(Status.OK, v, vault.json().parseMetadata((String) row[2]), version, expires,
          Instant.ofEpochMilli((Long) row[4]));
    } catch (KeyUnavailableException e) {
      return new SecretResult(Status.KEY_UNAVAILABLE, null, null, version, expires, Instant.ofEpochMilli((Long) row[4]));
    }
  }

  private SecretValue decryptValue(String name, String key, long version, byte[] valueCt, byte[] wrappedKey,
      Integer dataKeyVersion) {
    byte[] inner = vault.openStored(meta, key, version, valueCt, wrappedKey, dataKeyVersion);
    return SecretValue.decode(meta.sealed() ? sealed.open(name, inner) : inner);
  }

  private String nameKey(String name) {
    vault.checkOpen();
    // sealed names are stored as keyed hashes, so only non-sealed names are bound by the column length
    String problem = Names.problem(name, meta.sealed() ? 0 : 255, true);
    if (problem != null) {
      throw new InvalidSecretNameException("A secret name must be 1 to 255 characters without U+0000 or unpaired"
          + " surrogates, but " + problem);
    }
    if (meta.sealed()) {
      if (sealed == null) {
        throw new VaultConfigurationException("The " + meta.describe() + " is sealed: open it with"
            + " withSecret(callerSecret) before use");
      }
      String key = sealed.nameHash(name);
      if (sealedPrevious != null) {
        moveToCurrentDerivation(name, key, sealedPrevious.nameHash(name));
      }
      return key;
    }
    return name;
  }

  /**
   * In a sealed store upgraded to a newer key derivation: if this name's rows are still under the
   * previous one (its hash under the previous name key), moves them in one transaction: every version
   * is opened with the previous keys, sealed again with the current ones under a new data key, and
   * written under the new name hash. Nothing happens when the name is already moved or absent (also
   * for a wrong secret, which finds no rows).
   */
  private void moveToCurrentDerivation(String name, String key, String previousKey) {
    int moved = vault.tx("move sealed entry", x -> {
      if (rows.currentVersion(x, key) != null || rows.currentVersion(x, previousKey) == null) {
        return 0;
      }
      int n = 0;
      for (String table : new String[] {vault.tables().entry, vault.tables().version}) {
        List<Object[]> found = new ArrayList<>();
        try (PreparedStatement ps = x.prepareStatement("SELECT version, value_ct, dek_ct, dek_version FROM " + table
            + " WHERE store_id = ? AND name_key = ?")) {
          ps.setLong(1, meta.id());
          ps.setString(2, previousKey);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              int dkv = rs.getInt(4);
              found.add(new Object[] {rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.wasNull() ? null : dkv});
            }
          }
        }
        for (Object[] r : found) {
          long v = (Long) r[0];
          byte[] plain = sealedPrevious.open(name,
              vault.openStored(meta, previousKey, v, (byte[]) r[1], (byte[]) r[2], (Integer) r[3]));
          Envelope.Sealed env = vault.envelope().seal(meta.slot(key, v), sealed.seal(name, plain));
          try (PreparedStatement ps = x.prepareStatement("UPDATE " + table + " SET name_key = ?, value_ct = ?,"
              + " dek_ct = ?, dek_version = ? WHERE store_id = ? AND name_key = ? AND version = ?")) {
            ps.setString(1, key);
            ps.setBytes(2, env.valueCt());
            ps.setBytes(3, env.wrappedKey());
            ps.setInt(4, env.dataKeyVersion());
            ps.setLong(5, meta.id());
            ps.setString(6, previousKey);
            ps.setLong(7, v);
            n += ps.executeUpdate();
          }
        }
      }
      if (n > 0) {
        vault.audit().append(x, vault.now().toEpochMilli(), List.of(draft(key, AuditAction.KEY_ROTATED,
            Status.OK.name(), "moved to " + sealed.kdf() + ": " + n + " values sealed again")));
      }
      return n;
    });
    if (moved > 0) {
      vault.invalidate(meta, previousKey);
    }
  }

  /**
   * Asks the policy about {@code name} (the plain name the caller passed; null: the store as a whole)
   * and audits a refusal under {@code key} (the stored name key: a keyed hash in sealed stores).
   */
  private boolean denied(Action action, String name, String key, AuditAction audited) {
    if (vault.policy().allows(request(action, name))) {
      return false;
    }
    audit(key, audited, Status.ACCESS_DENIED.name(), action.name());
    return true;
  }

  /** The gate of operations that then check names one by one: may this principal do it on some names? */
  private boolean deniedSome(Action action) {
    if (vault.policy().allowsSome(request(action, null))) {
      return false;
    }
    audit(null, AuditAction.READ, Status.ACCESS_DENIED.name(), action.name());
    return true;
  }

  private AccessPolicy.Request request(Action action, String name) {
    return new AccessPolicy.Request(principal, meta.namespace(), meta.tenant(), action, name);
  }

  private SecretsAccessDeniedException deniedException(Action action) {
    return new SecretsAccessDeniedException("Principal '" + principal + "' may not " + action + " in "
        + meta.describe() + ": the access policy refused it (the refusal was audited)");
  }

  private VaultConfigurationException sealedMetadata() {
    return new VaultConfigurationException("The sealed " + meta.describe() + " keeps no plaintext metadata:"
        + " put it inside the value (for example a JSON value)");
  }

  private AuditLog.Draft draft(String key, AuditAction action, String outcome, String detail) {
    return new AuditLog.Draft(principal, meta.tenant(), meta.namespace(), key, action, outcome, detail,
        requestContext());
  }

  private void audit(String key, AuditAction action, String outcome, String detail) {
    vault.tx("audit", x -> {
      vault.audit().append(x, vault.now().toEpochMilli(), List.of(draft(key, action, outcome, detail)));
      return null;
    });
  }

  /** A read's event: always for reads without a value; for successful ones unless reads are not audited. */
  private void recordRead(String key, Status s, String detail) {
    if (s != Status.OK || vault.readAudit() != ReadAudit.OFF) {
      vault.recordReads(List.of(draft(key, AuditAction.READ, s.name(), detail)));
    }
  }

  /** A compare-and-set write lost against a concurrent writer; the transaction is rolled back. */
  private static final class LostRace extends RuntimeException {
    LostRace() {
      super(null, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "SecretStore{" + meta.describe() + ", sealed=" + meta.sealed() + ", principal="
        + (principal == null ? "(the vault's principal supplier)" : principal) + "}";
  }
}
