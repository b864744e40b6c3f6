package dev.fieldvault.secrets;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Envelope;
import dev.fieldvault.secrets.internal.Jdbc;
import dev.fieldvault.secrets.internal.Json;
import dev.fieldvault.secrets.internal.Names;
import dev.fieldvault.secrets.internal.ReadCache;
import dev.fieldvault.secrets.internal.SqlStates;
import dev.fieldvault.secrets.internal.Tables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A namespaced, versioned, audited key/value store for secrets, in the application's own database
 * and encrypted with its {@link FieldCipher}. Tables come from the shipped Liquibase changelog
 * {@code db/changelog/fieldvault/secrets-changelog.xml} (or its plain-SQL equivalent).
 *
 * <pre>{@code
 * SecretsVault vault = SecretsVault.builder(dataSource, cipher).build();
 * SecretStore tokens = vault.createStore("oauth-tokens", "acme", StoreOptions.DEFAULT).as("alice");
 * tokens.put("github", SecretValue.ofString(refreshToken), PutOptions.builder().ttl(Duration.ofDays(30)).build());
 * SecretResult r = tokens.get("github");   // r.status(): OK, NOT_FOUND, EXPIRED, KEY_UNAVAILABLE, ACCESS_DENIED
 * }</pre>
 *
 * <p>Thread-safe. Every value is bound to its namespace, tenant, name and version (copying a
 * ciphertext anywhere else fails to decrypt). Maintenance ({@link #cleanupExpired},
 * {@link #runDueRotations}, {@link #rewrapAll}, {@link #purgeAuditEvents}) runs when the
 * application calls it, or on the vault's own multi-instance scheduler ({@link Builder#schedule}, {@link #startScheduler}).
 */
public final class SecretsVault implements AutoCloseable {

  static final String SYSTEM = "fieldvault-system";

  private final DataSource dataSource;
  private final FieldCipher cipher;
  private final Envelope envelope;
  private final Tables tables;
  private final Clock clock;
  private final AccessPolicy policy;
  private final ReadAudit readAudit;
  private final ReadCache<String, SecretResult> cache;
  private final Map<String, Rotation> rotations;
  private final Map<String, DynamicSecretGenerator> generators;
  private final Json json = new Json();
  // the vault's parts, split along its seams; each uses the vault's connections, transactions and tables
  private final VaultStores stores = new VaultStores(this);
  private final VaultAudit audit;
  private final VaultRewrap rewrap;
  private final WriteBatcher writes;
  private final int maxValueBytes;
  private volatile Long packetLimit;

  /** The default largest value the vault writes: 64 MiB of encoded plaintext ({@link Builder#maxValueBytes}). */
  public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;
  /** Statements below this size are not compared with the server's packet limit (no query for them). */
  private static final long PACKET_CHECK_FROM = 1024 * 1024;
  private final VaultBackup backup = new VaultBackup(this);
  private final VaultMaintenance maintenance = new VaultMaintenance(this);
  private volatile boolean closed;

  record Rotation(String namespace, String tenant, Duration period, RotationHandler handler) {}

  private static final org.slf4j.Logger ROTATION_LOG = org.slf4j.LoggerFactory.getLogger(SecretsVault.class);
  private final List<RotationListener> rotationListeners;
  /** Delivers committed audit events to the event listeners (null: none registered). */
  private final dev.fieldvault.secrets.internal.EventDispatcher events;
  private final VaultScheduler scheduler;
  /** Where handles without a principal of their own get it ({@link Builder#principal}), or null: anonymous. */
  private final java.util.function.Supplier<String> principals;

  /** The principal of a handle that has none of its own, when the principal supplier has none either. */
  static final String ANONYMOUS = "anonymous";

  private SecretsVault(Builder b) {
    this.principals = b.principals;
    this.dataSource = b.dataSource;
    this.cipher = b.cipher;
    this.envelope = new Envelope(b.cipher, StoreMeta.DOMAIN_PREFIX);
    this.tables = new Tables(b.prefix);
    this.clock = b.clock;
    this.policy = b.accessRules == null ? b.policy : AccessPolicy.allOf(b.accessRules, b.policy);
    this.readAudit = b.readAudit;
    this.cache = b.cacheTtl == null ? null : new ReadCache<>(b.cacheTtl.toMillis(), b.cacheMax, clock::millis);
    this.rotations = Map.copyOf(b.rotations);
    this.generators = Map.copyOf(b.generators);
    this.audit = new VaultAudit(this, dataSource, tables, cipher, readAudit, b.readAuditTimeout,
        b.auditListener);
    this.rewrap = new VaultRewrap(this, dataSource, cipher, b.rotationTables);
    this.writes = new WriteBatcher(dataSource, audit.log());
    this.rotationListeners = List.copyOf(b.rotationListeners);
    this.events = b.eventListeners.isEmpty() ? null
        : new dev.fieldvault.secrets.internal.EventDispatcher(b.eventListeners);
    audit.log().configure(events, b.requestContexts);
    this.scheduler = b.schedule == null ? null
        : new VaultScheduler(this, b.dataSource, b.prefix, b.schedule, b.expiryListeners);
    this.maxValueBytes = b.maxValueBytes;
  }

  /**
   * Refuses a value too large to write, before any SQL: above the vault's maximum, or (MariaDB, MySQL) one
   * whose statement would exceed the server's {@code max_allowed_packet}, which the server answers by
   * dropping the connection (reported by the driver as a connection failure, failing the writes batched with
   * it). The statement's size is estimated: the envelope's ciphertext (the value and about 100 bytes), the
   * driver's escaping of binary data (about 3 % of random bytes), the metadata twice and room for the rest.
   */
  void checkValueSize(int valueBytes, String metadataJson) {
    if (valueBytes > maxValueBytes) {
      throw new SecretValueTooLargeException("The value has " + valueBytes + " bytes, more than this vault's"
          + " maximum of " + maxValueBytes + " bytes: store a smaller value (or a reference to where the large"
          + " one lives), or raise SecretsVault.Builder.maxValueBytes; nothing was written", valueBytes,
          maxValueBytes);
    }
    long metadataBytes = metadataJson == null ? 0 : 2L * metadataJson.getBytes(StandardCharsets.UTF_8).length;
    long statement = valueBytes + valueBytes / 16 + metadataBytes + 16 * 1024;
    if (statement < PACKET_CHECK_FROM) {
      return;
    }
    long packet = packetLimit(false);
    if (statement > packet) {
      packet = packetLimit(true); // the server's setting may have been raised since it was read
    }
    if (statement > packet) {
      throw new SecretValueTooLargeException("The value has " + valueBytes + " bytes: its statement (about "
          + statement + " bytes with the ciphertext and metadata) is larger than the database server's"
          + " max_allowed_packet of " + packet + " bytes, which would drop the connection; store a smaller value,"
          + " or raise max_allowed_packet on the server (SET GLOBAL max_allowed_packet = ..., and in the server's"
          + " configuration file) to at least " + statement + " bytes; nothing was written", valueBytes, packet);
    }
  }

  /** MariaDB's and MySQL's max_allowed_packet (read once, again on {@code refresh}); others: no limit. */
  private long packetLimit(boolean refresh) {
    Long known = packetLimit;
    if (known != null && !refresh) {
      return known;
    }
    long limit = call("read the server's max_allowed_packet", c -> {
      String product = String.valueOf(c.getMetaData().getDatabaseProductName()).toLowerCase(java.util.Locale.ROOT);
      if (!product.contains("mariadb") && !product.contains("mysql")) {
        return Long.MAX_VALUE;
      }
      try (java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
        return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
      }
    });
    packetLimit = limit;
    return limit;
  }

  /** Tells the rotation listeners; a failing listener is logged by class name and skipped. */
  void rotated(RotationListener.Rotation rotation) {
    for (RotationListener l : rotationListeners) {
      try {
        l.rotated(rotation);
      } catch (RuntimeException e) {
        ROTATION_LOG.warn("A rotation listener ({}) failed for {}: {}", l.getClass().getName(),
            rotation.namespace(), e.getClass().getSimpleName());
      }
    }
  }

  /** A builder over the application's DataSource (pooled, ideally) and cipher. */
  public static Builder builder(DataSource dataSource, FieldCipher cipher) {
    return new Builder(dataSource, cipher);
  }

  // ---------------------------------------------------------------------------------------------
  // Stores

  /**
   * Creates a store (a namespace, optionally of a tenant; {@code tenant} null for none) and returns
   * it acting as the system principal.
   *
   * @throws VaultConfigurationException if it already exists
   */
  public SecretStore createStore(String namespace, String tenant, StoreOptions options) {
    checkOpen();
    requireName(namespace, "namespace");
    if (tenant != null) {
      requireName(tenant, "tenant");
    }
    Objects.requireNonNull(options, "options");
    stores.create(namespace, tenant, options);
    return store(namespace, tenant).as(SYSTEM);
  }

  /** An existing store without a tenant. */
  public SecretStore store(String namespace) {
    return store(namespace, null);
  }

  /**
   * An existing store. Until {@link SecretStore#as(String)} it acts, at each operation, for the principal
   * the vault's principal supplier returns on the calling thread then ({@link Builder#principal}), or for
   * {@code anonymous} (no supplier, or it returned null or a blank name). The handle may be kept and shared
   * (a bean): it asks the supplier at every operation, not once.
   *
   * @throws SecretStoreNotFoundException if it was not created
   */
  public SecretStore store(String namespace, String tenant) {
    checkOpen();
    requireName(namespace, "namespace");
    if (tenant != null) {
      requireName(tenant, "tenant");
    }
    return new SecretStore(this, stores.meta(namespace, tenant), principals == null ? ANONYMOUS : null, null);
  }

  /**
   * The principal of an operation on a handle without one of its own: the supplier's, asked now on the
   * caller's thread; {@code anonymous} when there is no supplier or it returns null or a blank name. An
   * exception of the supplier propagates as it is (the operation fails before anything is read, written or
   * audited).
   *
   * @throws InvalidSecretNameException when the supplier returns a name {@link SecretStore#as(String)} refuses
   */
  /**
   * Whether a name is one of the vault's own principals ({@code anonymous}, and {@code fieldvault-*}: the
   * system, the rotation policies), which the principal supplier may not return. Compared ignoring case
   * and surrounding white space, so that look-alike spellings are refused too.
   */
  static boolean reservedPrincipal(String p) {
    String n = p.strip().toLowerCase(java.util.Locale.ROOT);
    return n.equals(ANONYMOUS) || n.startsWith("fieldvault-");
  }

  String currentPrincipal() {
    if (principals == null) {
      return ANONYMOUS;
    }
    String p = principals.get();
    if (Names.blankLooking(p)) {
      return ANONYMOUS;
    }
    String problem = Names.principalProblem(p);
    if (problem != null) {
      throw new InvalidSecretNameException("The principal supplier (SecretsVault.Builder#principal) returned a"
          + " principal that is not valid: a principal must be a non-blank name of at most 200 characters without"
          + " control characters, U+0000 or unpaired surrogates, but " + problem + "; nothing was read, written or"
          + " audited. Return such a name from the supplier (or null for anonymous)");
    }
    if (reservedPrincipal(p)) {
      // a user who signs in as "fieldvault-rotation" must not get the grants of the vault's own work
      throw new InvalidSecretNameException("The principal supplier (SecretsVault.Builder#principal) returned a"
          + " name reserved for the vault's own principals (" + ANONYMOUS + " and names starting with"
          + " 'fieldvault-'): a user of that name would act as the vault itself; nothing was read, written or audited."
          + " Map such user names to other principals in the supplier (or return null for anonymous)");
    }
    return p;
  }

  StoreMeta meta(String namespace, String tenant) {
    return stores.meta(namespace, tenant);
  }

  Map<Long, StoreMeta> allStores(Connection c) throws SQLException {
    return stores.all(c);
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance

  /**
   * Deletes entries that expired more than {@code retention} ago, and revokes and deletes expired
   * dynamic secrets right away (calling their generator's revoke first). Audited as EXPIRED_CLEANUP
   * and DYNAMIC_REVOKED. Looks at up to 10,000 expired entries per call: call it regularly.
   */
  public MaintenanceReport cleanupExpired(Duration retention) {
    requireRetention(retention, "cleanupExpired");
    return maintenance.cleanupExpired(retention);
  }

  /**
   * Applies every store's version retention: deletes kept versions beyond the store's
   * {@link StoreOptions#maxVersions()} and, for stores with a {@link StoreOptions#versionMaxAge()},
   * versions older than that (the current version of an entry is always kept). Writes apply the same
   * rules to the entry they write; this catches entries not written since. Audited as one
   * VERSIONS_PRUNED event per store that lost versions. Report: stores scanned, versions deleted.
   */
  public MaintenanceReport pruneVersions() {
    return maintenance.pruneVersions();
  }

  /**
   * Runs the registered rotation policies: every entry of a policy's store whose value is older than
   * the policy's period gets a new value from its handler (compare-and-set; an entry written
   * concurrently is skipped and picked up by the next run). Sealed stores cannot have policies.
   */
  public MaintenanceReport runDueRotations() {
    return maintenance.runDueRotations(rotations.values());
  }

  /**
   * Key rotation of stored values, by the shared {@link Rewrapper} (see vault-jdbc's
   * README-rotation.md): the entry and version tables are walked in key order in batches, each
   * value's data key not wrapped by its keyring's primary key (read from the header) is rewrapped in
   * its own context (the value itself is not rewritten), and written with compare-and-set, so a
   * concurrent put is never overwritten; values written before the envelope are then moved to it. The
   * same as {@link #rotateKeys} with this batch size. Every
   * batch commits with its checkpoint in the rotation work tables ({@link Builder#rotationTables}),
   * so a failed run resumes where it stopped, and every instance calling it after the same key
   * promotion joins the same rotation (the default rotation id names the primary keys), each taking
   * its own key ranges. Sealed stores are rewrapped without their secrets (only the vault's outer
   * layer). Records {@link AuditAction#KEY_ROTATED} events (vault-wide and per store) and clears the
   * read cache.
   *
   * <p>For a listener, a throttle, a rotation id, or one rotation over the application's encrypted
   * columns and the vault together, use {@link #rewrap(Rewrapper.Builder)}.
   *
   * @param batchSize rows per batch and transaction, 1 to 10,000
   * @return rows scanned, data keys rewrapped plus values moved to the envelope, and values skipped
   *     because they cannot be rewrapped (not a ciphertext, or no key to decrypt them: they stay as
   *     they are)
   */
  public MaintenanceReport rewrapAll(int batchSize) {
    checkOpen();
    if (batchSize < 1 || batchSize > 10_000) {
      throw new VaultConfigurationException("A batch size must be 1 to 10000, not " + batchSize);
    }
    return rewrap.rewrapAll(batchSize);
  }

  /**
   * Moves a sealed store created before FieldVault 0.2 (its keys derived from the caller's secret with
   * HKDF-SHA256 alone, "generation 1") to generation 2: PBKDF2-HMAC-SHA256 with 600,000 iterations
   * and a random salt of the store, then HKDF-SHA256. New sealed stores are generation 2 from the
   * start. No secret is needed: each entry moves (re-hashed name, re-sealed value and versions, new
   * data keys) the next time a handle opened with its owner's secret uses it; until then it stays
   * readable under generation 1. Handles opened before the upgrade keep generation 1 keys: open new
   * ones (a handle per request, as usual). Audited as {@link AuditAction#KEY_ROTATED}.
   *
   * @return true if the store was upgraded, false if it already was
   * @throws SecretStoreNotFoundException if there is no such store
   * @throws VaultConfigurationException if the store is not sealed
   */
  public boolean upgradeSealedKdf(String namespace, String tenant) {
    checkOpen();
    return stores.upgradeSealedKdf(namespace, tenant);
  }

  /**
   * Rotates the vault's data keys through the shared, checkpointed, multi-instance {@link Rewrapper}:
   * every wrapped data key selected by {@code rotation} (by default every one not wrapped by its
   * keyring's primary AEAD key; with {@link KeyRotation.Builder#fromKeyIds} only those wrapped by the
   * given keys) is rewrapped under the primary key, in batches, with compare-and-set; the values
   * themselves are never rewritten, so a 1 MB secret costs what a 10-byte one does. Values written
   * before the envelope are then moved to it (a new data key each). Each batch commits with its
   * checkpoint in the rotation work tables ({@link Builder#rotationTables}): run again with the same
   * rotation id ({@link KeyRotationReport#rotationId()}) to resume a stopped or failed run, or from
   * several instances to share it. Records {@link AuditAction#KEY_ROTATED} events (one vault-wide,
   * one per store with its counts) and clears the read cache.
   *
   * @return counts of this worker, and per store the selected data keys before and after the run
   */
  public KeyRotationReport rotateKeys(KeyRotation rotation) {
    Objects.requireNonNull(rotation, "rotation");
    checkOpen();
    return rewrap.rotateKeys(rotation);
  }

  /**
   * Runs {@code rewrapper} with this vault's {@link #encryptedTables()} added to the tables it
   * already has, then records one {@link AuditAction#KEY_ROTATED} event (with the rotation id and
   * this worker's counts on the vault's tables) and clears the read cache. One rotation over an
   * application's encrypted columns and its secrets:
   *
   * <pre>{@code
   * RotationResult r = vault.rewrap(Rewrapper.builder(dataSource, cipher)
   *     .tables(HibernateRotation.tables(hibernateVault))   // or tables declared by hand
   *     .throttle(2_000)
   *     .listener(p -> log.info("{}", p)));
   * }</pre>
   */
  public RotationResult rewrap(Rewrapper.Builder rewrapper) {
    return rewrap.rewrap(rewrapper);
  }

  /**
   * The vault's entry and version tables as the rewrapper and the key inventory see them: composite
   * primary keys ({@code store_id, name_key} and {@code store_id, name_key, version}) and the binary
   * {@code dek_ct} column (each value's wrapped data key), whose context is computed per row from its
   * store (namespace and tenant), name key, version and data key version. Values written before the
   * envelope have no data key and are not counted until a rotation moves them. Hand them to {@link Rewrapper.Builder#tables} together with the
   * application's tables for one rotation over both (prefer {@link #rewrap(Rewrapper.Builder)},
   * which also audits it), or to {@code KeyInventory.scan} before disabling a key.
   */
  public List<EncryptedTable> encryptedTables() {
    return rewrap.encryptedTables();
  }

  /**
   * Starts the scheduler configured with {@link Builder#schedule}: daemon threads that run each task of
   * the {@link VaultSchedule} when it is due, each at most once at a time across every instance sharing
   * these tables (a lease row per task in {@code <prefix>task_lease}, claimed with a conditional UPDATE
   * and renewed while the task runs). Not started by {@link Builder#build()}: start it once the tables
   * are migrated and the application is ready; {@link #close()} stops it. Starting it twice does nothing.
   *
   * @throws VaultConfigurationException when the builder had no schedule
   * @throws SecretsStorageException when the lease table is missing (apply the latest changelog)
   */
  public void startScheduler() {
    checkOpen();
    requireScheduler().start();
  }

  /**
   * Stops the scheduler (as {@link #close()} does, without closing the vault): no new run starts; a
   * running task gets {@link VaultSchedule#stopWait()} to end and release its lease. It can be started again.
   */
  public void stopScheduler() {
    requireScheduler().stop();
  }

  /**
   * Whether this instance's scheduler runs now: {@link #startScheduler()} was called and neither
   * {@link #stopScheduler()} nor {@link #close()} since. False without a schedule.
   */
  public boolean schedulerRunning() {
    return scheduler != null && scheduler.started();
  }

  /**
   * Each task of this vault's schedule as the database records it, whichever instance ran it: last run,
   * outcome, next run, lease holder. Empty without a schedule.
   */
  public List<TaskStatus> schedulerStatus() {
    checkOpen();
    return scheduler == null ? List.of() : scheduler.status();
  }

  /**
   * Runs a scheduled task now on the calling thread, due or not (the scheduler need not be started),
   * claiming its lease like a scheduled run: its next run is then due a period from now.
   *
   * @return the run's counts, or empty when it is running already (here or on another instance)
   * @throws VaultConfigurationException when the task is not in the schedule
   * @throws RuntimeException the task's own failure, after it was recorded
   */
  public java.util.Optional<MaintenanceReport> runNow(ScheduledTask task) {
    Objects.requireNonNull(task, "task");
    checkOpen();
    return requireScheduler().runNow(task);
  }

  private VaultScheduler requireScheduler() {
    if (scheduler == null) {
      throw new VaultConfigurationException("This vault has no scheduler: configure one with"
          + " SecretsVault.Builder#schedule(VaultSchedule)");
    }
    return scheduler;
  }

  /** The scheduler, or null (tests). */
  VaultScheduler scheduler() {
    return scheduler;
  }

  // ---------------------------------------------------------------------------------------------
  // Backup and restore

  /**
   * Writes a store (entries and kept versions) to a JSON-lines file. Values stay encrypted exactly as
   * stored (and sealed names stay hashed), so the file is as safe as the database; it can be imported
   * only where the same keys are loaded.
   */
  public BackupReport exportStore(String namespace, String tenant, Path file) {
    return backup.exportStore(namespace, tenant, file);
  }

  /**
   * Imports an export file into this vault's database, creating the store if it does not exist
   * (an entry that already exists there fails the whole import, which is one transaction). Every
   * ciphertext is first checked to decrypt with this vault's keys in its original context. With
   * {@code dryRun} nothing is written: the report says what an import would do.
   */
  public BackupReport importStore(Path file, boolean dryRun) {
    return backup.importStore(file, dryRun);
  }

  // ---------------------------------------------------------------------------------------------
  // Audit

  /** One page of audit events matching the query, oldest first. */
  public Page<AuditEvent> auditEvents(AuditQuery query) {
    return audit.events(query);
  }

  /**
   * Checks the whole audit chain: every event unchanged, none removed or inserted, every event since
   * the chain was keyed authenticated by its MAC under a key of this vault's keyring, and the head row
   * authenticated too. Someone with write access to the tables but not the keys cannot recompute it.
   * What it cannot show (removal of the newest events together with a rollback of the head row to an
   * earlier state) is shown by {@link #verifyAuditChain(AuditAnchor)} with an anchor kept elsewhere.
   * Events written before the upgrade that keyed the chain are checked by hash only and counted in
   * {@link ChainCheck#legacyEvents()}.
   */
  public ChainCheck verifyAuditChain() {
    return audit.verify();
  }

  /**
   * As {@link #verifyAuditChain()}, and also checks the chain against an anchor taken earlier with
   * {@link #auditAnchor()} and kept outside the database: the chain must still reach the anchor's event
   * and that event must still carry the anchor's MAC. An anchor older than the audit retention
   * ({@link #purgeAuditEvents}) can no longer be checked and is reported as such.
   */
  public ChainCheck verifyAuditChain(AuditAnchor anchor) {
    Objects.requireNonNull(anchor, "anchor");
    return audit.verify(anchor);
  }

  /**
   * The operator's anchor of the audit chain now: the newest event's sequence number and MAC. Keep it
   * outside the database (it is not secret) and check it later with
   * {@link #verifyAuditChain(AuditAnchor)}.
   *
   * @throws VaultConfigurationException when the chain has no keyed event yet (append one first: any
   *     audited operation does)
   */
  public AuditAnchor auditAnchor() {
    return audit.anchor();
  }

  /**
   * Deletes audit events older than {@code retention}; the remaining chain still verifies.
   *
   * @throws VaultConfigurationException if {@code retention} is null or negative (a negative one would
   *     reach into the future and delete recent events)
   */
  public long purgeAuditEvents(Duration retention) {
    requireRetention(retention, "purgeAuditEvents");
    return audit.purge(retention);
  }

  // ---------------------------------------------------------------------------------------------
  // Shared with SecretStore

  Instant now() {
    return clock.instant();
  }

  FieldCipher cipher() {
    return cipher;
  }

  Envelope envelope() {
    return envelope;
  }

  /**
   * The inner plaintext of a stored value: opened through its envelope, or, for a value written
   * before the envelope ({@code wrappedKey} null), decrypted with the cipher in its legacy context.
   */
  byte[] openStored(StoreMeta m, String nameKey, long version, byte[] valueCt, byte[] wrappedKey,
      Integer dataKeyVersion) {
    if (wrappedKey == null) {
      return cipher.decrypt(valueCt, m.context(nameKey, version), EncryptionMode.RANDOMIZED);
    }
    return envelope.open(m.slot(nameKey, version), valueCt, wrappedKey,
        dataKeyVersion == null ? Envelope.DATA_KEY_VERSION : dataKeyVersion);
  }

  Tables tables() {
    return tables;
  }

  AccessPolicy policy() {
    return policy;
  }

  ReadAudit readAudit() {
    return readAudit;
  }

  /**
   * Records read events: with {@link ReadAudit#SYNC} through the audit thread, returning once they are
   * committed; queued when batching; in a transaction of their own when reads are not audited.
   *
   * @throws SecretsAuditException when they could not be committed (the read must not return its value)
   */
  void recordReads(List<AuditLog.Draft> drafts) {
    audit.recordReads(drafts);
  }

  /**
   * Appends the read events queued by {@link ReadAudit#BATCHED} now (a no-op otherwise: with
   * {@link ReadAudit#SYNC} a read's event is committed before the read returns), so that
   * {@link #auditEvents} and {@link #verifyAuditChain} see them.
   *
   * @throws SecretsAuditException when they could not be appended (they stay queued for a retry)
   */
  public void flushAudit() {
    audit.flush();
  }

  /**
   * Appends queued read events and stops the audit thread. Afterwards every operation of the vault and
   * of its store handles (reads, writes, maintenance, audit queries) throws
   * {@link SecretsVaultClosedException} before touching the database. Closing twice is harmless. The
   * scheduler, if started, is stopped first: a running task gets {@link VaultSchedule#stopWait()} to end
   * and release its lease.
   */
  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.stop(); // before closing: running tasks may end and release their leases
    }
    closed = true;
    writes.close();
    audit.close();
    if (events != null) {
      events.close();
    }
  }

  /** The event listeners' dispatcher, or null (tests). */
  dev.fieldvault.secrets.internal.EventDispatcher eventDispatcher() {
    return events;
  }

  /** The calling thread's request context from {@link Builder#requestContext}, or null. */
  RequestContext currentRequestContext() {
    return audit.log().currentContext();
  }

  /** Audit transactions committed by the audit thread (tests: reads share them). */
  long auditTransactions() {
    return audit.transactions();
  }

  /** Readers waiting for their audit events to commit (tests). */
  int auditWaiters() {
    return audit.waiters();
  }

  AuditLog audit() {
    return audit.log();
  }

  VaultStores stores() {
    return stores;
  }

  /** Empties the read cache (after a rotation: cached results may name old key versions). */
  void clearCache() {
    if (cache != null) {
      cache.clear();
    }
  }

  Json json() {
    return json;
  }

  DynamicSecretGenerator generator(String name) {
    DynamicSecretGenerator g = generators.get(name);
    if (g == null) {
      throw new VaultConfigurationException("No dynamic secret generator named '" + name + "' is registered:"
          + " register it with SecretsVault.Builder#dynamicSecrets");
    }
    return g;
  }

  SecretResult cached(StoreMeta m, String key) {
    return cache == null ? null : cache.get(m.id() + "\u0000" + key);
  }

  void cache(StoreMeta m, String key, SecretResult r) {
    if (cache != null) {
      cache.put(m.id() + "\u0000" + key, r);
    }
  }

  void invalidate(StoreMeta m, String key) {
    if (cache != null) {
      cache.invalidate(m.id() + "\u0000" + key);
    }
  }

  /** Runs work on one auto-commit connection; database failures become {@link SecretsStorageException}. */
  <T> T call(String operation, Jdbc.Work<T> work) {
    checkOpen();
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw storage(operation, e);
    }
  }

  /** Runs work in one transaction (transient conflicts retried). */
  /**
   * Runs a write in the write thread's next group-committed transaction ({@link WriteBatcher}): its
   * rows and its audit events commit together with those of concurrent writes.
   */
  <T> T write(String operation, WriteBatcher.Write<T> work) {
    checkOpen();
    try {
      return writes.run(work);
    } catch (SQLException e) {
      throw storage(operation, e);
    }
  }

  /** The write thread (tests: batches and queue). */
  WriteBatcher writes() {
    return writes;
  }

  <T> T tx(String operation, Jdbc.Work<T> work) {
    checkOpen();
    try {
      return Jdbc.inTransaction(dataSource, work, audit.log());
    } catch (SQLException e) {
      throw storage(operation, e);
    }
  }

  private SecretsStorageException storage(String operation, SQLException e) {
    return new SecretsStorageException("The secrets vault could not " + operation + " (SQLState " + e.getSQLState()
        + ", vendor code " + e.getErrorCode() + "): " + SqlStates.advice(e, tables), e);
  }

  static void requireName(String v, String what) {
    String problem = Names.problem(v, 200, false);
    if (problem != null) {
      throw new InvalidSecretNameException("A store " + what + " must be a non-blank name of at most 200 characters"
          + " without U+0000 or unpaired surrogates, but " + problem);
    }
  }

  private static void requireRetention(Duration retention, String operation) {
    if (retention == null || retention.isNegative()) {
      throw new VaultConfigurationException(operation + " needs a retention of zero or more, not " + retention
          + ": a negative retention would reach into the future and delete recent rows");
    }
  }

  /**
   * Refuses every operation after {@link #close()}.
   *
   * @throws SecretsVaultClosedException when the vault was closed
   */
  void checkOpen() {
    if (closed) {
      throw new SecretsVaultClosedException("This secrets vault was closed: every operation is refused (nothing"
          + " was read or written); build a new SecretsVault to go on");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Administration by a principal (access policy: Action.ADMIN)

  private static final ThreadLocal<String> ACTOR = new ThreadLocal<>();

  /**
   * The store-level and vault-wide operations (create a store, export, import, key rotation,
   * maintenance, audit) on behalf of {@code principal}: each is checked against the access policy for
   * {@link Action#ADMIN} (on its store, or vault-wide), a refusal is audited and thrown as
   * {@link SecretsAccessDeniedException}, and allowed operations are audited with this principal. The
   * vault's own methods are the application's and are not checked (they audit as
   * {@code fieldvault-system}).
   */
  public VaultAdmin admin(String principal) {
    checkOpen();
    return new VaultAdmin(this, principal);
  }

  /** The principal audit events of vault operations carry: the admin handle's while it runs one, else the system. */
  String actor() {
    String a = ACTOR.get();
    return a == null ? SYSTEM : a;
  }

  /** Runs an operation whose events carry {@code principal} (an admin handle's). */
  <T> T actingAs(String principal, java.util.function.Supplier<T> operation) {
    String before = ACTOR.get();
    ACTOR.set(principal);
    try {
      return operation.get();
    } finally {
      if (before == null) {
        ACTOR.remove();
      } else {
        ACTOR.set(before);
      }
    }
  }

  @Override
  public String toString() {
    return "SecretsVault{tables=" + tables.entry + ", cache=" + (cache != null) + ", readAudit=" + readAudit + "}";
  }

  /** Configures a {@link SecretsVault}; every setter validates its argument. */
  public static final class Builder {
    private final DataSource dataSource;
    private final FieldCipher cipher;
    private String prefix = "fv_secret_";
    private Clock clock = Clock.systemUTC();
    private AccessPolicy policy = AccessPolicy.ALLOW_ALL;
    private ReadAudit readAudit = ReadAudit.SYNC;
    private Duration readAuditTimeout = Duration.ofSeconds(30);
    private Duration cacheTtl;
    private int cacheMax;
    private final Map<String, Rotation> rotations = new HashMap<>();
    private final Map<String, DynamicSecretGenerator> generators = new HashMap<>();
    private VaultTables rotationTables = VaultTables.defaults();
    private AuditListener auditListener;
    private final List<RotationListener> rotationListeners = new ArrayList<>();
    private final List<SecretsEventListener> eventListeners = new ArrayList<>();
    private java.util.function.Supplier<RequestContext> requestContexts;
    private java.util.function.Supplier<String> principals;
    private AccessRules accessRules;
    private VaultSchedule schedule;
    private final List<ExpiryListener> expiryListeners = new ArrayList<>();
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

    private Builder(DataSource dataSource, FieldCipher cipher) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /** The table name prefix (default {@code fv_secret_}), the same as the changelog parameter. */
    public Builder tablePrefix(String p) {
      new Tables(p);
      this.prefix = p;
      return this;
    }

    /**
     * Where {@link SecretsVault#rewrapAll} keeps the rotation work tables (default
     * {@link VaultTables#defaults()}; create them with the shipped fieldvault-changelog.xml or
     * {@link VaultTables#install}).
     */
    public Builder rotationTables(VaultTables rotationTables) {
      this.rotationTables = Objects.requireNonNull(rotationTables, "rotationTables");
      return this;
    }

    /**
     * Tells {@code listener} of every event appended to the audit chain (action, outcome, lag; never a
     * name or value): the hook for metrics of the vault's operations by result.
     */
    public Builder auditListener(AuditListener listener) {
      this.auditListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Tells {@code listener} of every committed value rotation (never the value); may be called again to add more. */
    public Builder rotationListener(RotationListener listener) {
      this.rotationListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The clock for expiry, versions and audit times (default: system UTC). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * A callback deciding each access ({@link AccessPolicy}; default: allow everything); checked
     * together with {@link #accessRules} when both are set.
     */
    public Builder accessPolicy(AccessPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /**
     * The largest value the vault writes, in bytes of its encoded plaintext (default
     * {@value SecretsVault#DEFAULT_MAX_VALUE_BYTES}, 64 MiB); a larger one is refused before any SQL with
     * {@link SecretValueTooLargeException}. Values already stored stay readable whatever the limit.
     */
    public Builder maxValueBytes(int bytes) {
      if (bytes < 1) {
        throw new VaultConfigurationException("The maximum value size must be at least 1 byte, not " + bytes);
      }
      this.maxValueBytes = bytes;
      return this;
    }

    /** How successful reads are audited (default {@link ReadAudit#SYNC}); see {@link ReadAudit}. */
    public Builder readAudit(ReadAudit mode) {
      this.readAudit = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** How long a {@link ReadAudit#SYNC} read waits for its event's commit (default 30 s; tests shorten it). */
    Builder readAuditTimeout(Duration timeout) {
      this.readAuditTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Keeps decrypted reads in memory for {@code ttl} (at most 10 minutes), at most {@code maxEntries}
     * (at most 100,000). Off by default. Writes through this vault invalidate; writes by other
     * instances are seen after the TTL.
     */
    public Builder readCache(Duration ttl, int maxEntries) {
      if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new VaultConfigurationException("A read cache TTL must be positive and at most 10 minutes, not " + ttl);
      }
      if (maxEntries < 1 || maxEntries > 100_000) {
        throw new VaultConfigurationException("A read cache holds 1 to 100000 entries, not " + maxEntries);
      }
      this.cacheTtl = ttl;
      this.cacheMax = maxEntries;
      return this;
    }

    /** Rotates every entry of a (non-sealed) store whose value is older than {@code period}; see {@link #runDueRotations}. */
    public Builder rotationPolicy(String namespace, String tenant, Duration period, RotationHandler handler) {
      if (period == null || period.isNegative() || period.isZero()) {
        throw new VaultConfigurationException("A rotation period must be positive, not " + period);
      }
      rotations.put((tenant == null ? "" : tenant) + "\u0000" + namespace,
          new Rotation(namespace, tenant, period, Objects.requireNonNull(handler, "handler")));
      return this;
    }

    /** Registers a generator of dynamic secrets, used by {@link SecretStore#issue(String, Duration)}. */
    public Builder dynamicSecrets(String name, DynamicSecretGenerator generator) {
      if (name == null || !name.matches("[A-Za-z0-9_.-]{1,60}")) {
        throw new VaultConfigurationException("A generator name must be 1 to 60 letters, digits, '.', '_' or '-'");
      }
      generators.put(name, Objects.requireNonNull(generator, "generator"));
      return this;
    }

    /**
     * Tells {@code listener} of every committed audit event (the whole {@link AuditEvent}, never a value),
     * after the commit and on the vault's event thread; see {@link SecretsEventListener} for the
     * delivery rules. May be called again to add more.
     */
    public Builder eventListener(SecretsEventListener listener) {
      this.eventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The scheduler's tasks and periods; started by {@link SecretsVault#startScheduler()}, stopped by
     * {@link SecretsVault#close()}.
     */
    public Builder schedule(VaultSchedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /**
     * Where the request context of an operation comes from when its store handle has none
     * ({@link SecretStore#withRequestContext}): called on the caller's thread at each audited operation,
     * for frameworks that keep the current request in a thread-local. It may return null (no context);
     * if it throws, the event is recorded without context and the failure is logged (by class name).
     */
    public Builder requestContext(java.util.function.Supplier<RequestContext> supplier) {
      this.requestContexts = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Where the principal of an operation comes from when its store handle has none
     * ({@link SecretStore#as(String)} was not called on it): called on the caller's thread at the start of
     * each operation of a handle from {@link SecretsVault#store(String, String)}, for frameworks that keep
     * the current user in a thread-local (Spring Security's {@code SecurityContextHolder}). So one handle,
     * made once and shared, acts for each caller in turn. The principal an operation resolved is the one its
     * access checks ({@link #accessRules}, {@link #accessPolicy}) and all of its audit events, refusals
     * included, carry.
     *
     * <ul>
     *   <li>null or a blank name: the operation acts as {@code anonymous};
     *   <li>a name {@link SecretStore#as(String)} would refuse (longer than 200 characters, U+0000, an
     *       unpaired surrogate): the operation throws {@link InvalidSecretNameException} (as {@code as}
     *       does, without echoing the name), and nothing is read, written or audited;
     *   <li>an exception: it propagates to the caller as it is, and nothing is read, written or audited (the
     *       vault does not act for an unknown caller, neither as {@code anonymous} nor as anyone else).
     * </ul>
     *
     * <p>{@link SecretStore#as(String)} wins over the supplier; the handles of
     * {@link SecretsVault#createStore} (the system principal), {@link VaultAdmin} (its principal) and the
     * vault's own maintenance do not ask it. A sealed handle ({@link SecretStore#withSecret(byte[])}) keeps
     * its handle's principal rule: opened from a handle without principal it asks the supplier at each
     * operation too (the caller's secret opens the values; the principal is what is checked and audited).
     */
    public Builder principal(java.util.function.Supplier<String> supplier) {
      this.principals = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Tells {@code listener} ahead of entries' expiry (the schedule's
     * {@link VaultSchedule.Builder#expiryWarnings}); may be called again to add more.
     */
    public Builder expiryListener(ExpiryListener listener) {
      this.expiryListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Declarative access rules (roles, principals, stores, name prefixes; deny by default), checked
     * together with {@link #accessPolicy} when both are set: an operation needs both to allow it.
     */
    public Builder accessRules(AccessRules rules) {
      this.accessRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * The vault.
     *
     * @throws VaultConfigurationException when the schedule warns of expiry but no expiry listener is registered
     */
    public SecretsVault build() {
      if (schedule != null && schedule.tasks().contains(ScheduledTask.EXPIRY_WARNINGS) && expiryListeners.isEmpty()) {
        throw new VaultConfigurationException("The schedule has expiryWarnings but no ExpiryListener is registered:"
            + " add one with SecretsVault.Builder#expiryListener");
      }
      return new SecretsVault(this);
    }
  }
}
