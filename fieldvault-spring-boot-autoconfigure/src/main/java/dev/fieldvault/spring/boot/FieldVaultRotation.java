package dev.fieldvault.spring.boot;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation job: promotes a new primary key in each configured keyset of the key store, then
 * rewraps every stored value (the {@code @Encrypted} entities' columns, the application's
 * {@code EncryptedTable} beans and, unless {@code fieldvault.rotation.include-secrets=false}, the
 * secrets vault's values) on one background thread, never a request thread. One run at a time per
 * instance; instances that start the same rotation share its work (vault-jdbc's {@code Rewrapper}).
 * A bean, started from the {@code fieldvault} Actuator endpoint, a schedule, or application code.
 */
public class FieldVaultRotation implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FieldVaultRotation.class);

  /** The state of the job. */
  public enum State {
    /** No rotation has run since start-up. */
    IDLE,
    /** A rotation is running. */
    RUNNING,
    /** The last rotation finished with every value on the primary keys. */
    COMPLETED,
    /** The last rotation finished with values left off the primary keys (see {@link Status#message()}). */
    INCOMPLETE,
    /** The last rotation failed (see {@link Status#message()}). */
    FAILED
  }

  /** Progress of one table: counts only, never a value. */
  public record TableProgress(String table, long rowsDone, long rows, long rowsRewrapped, long rowsConflicted,
      long rowsFailed) {}

  /**
   * A snapshot of the job.
   *
   * @param state the state
   * @param rotationId the rotation's id (null before the first run)
   * @param startedAt when the last run started (null before the first)
   * @param finishedAt when it finished (null while running)
   * @param tables progress per table
   * @param valuesOffPrimary values the last finished run left off the primary keys (-1 unknown)
   * @param message what happened, or what to do
   */
  public record Status(State state, String rotationId, Instant startedAt, Instant finishedAt,
      List<TableProgress> tables, long valuesOffPrimary, String message) {}

  private final FieldVaultKeys keys;
  private final DataSource dataSource;
  private final Supplier<List<EncryptedTable>> tables;
  private final Supplier<List<EncryptedTable>> secretTables;
  private final Supplier<List<EncryptedTable>> countedOnly;
  private final Function<Rewrapper.Builder, RotationResult> runner;
  private final FieldVaultProperties.Rotation settings;
  private final VaultTables vaultTables;
  private final java.util.function.IntPredicate auditUses;
  private final List<RotationListener> listeners = new CopyOnWriteArrayList<>();
  /** Why this job cannot cover every encrypted table (null: it can). */
  private volatile Supplier<String> unsupported = () -> null;
  /** This instance's fieldvault.keys.refresh-interval (null: unknown, no warning). */
  private volatile java.time.Duration refreshInterval;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fieldvault-rotation");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, RotationProgress> progress = new LinkedHashMap<>();
  private volatile Status status = new Status(State.IDLE, null, null, null, List.of(), -1, "no rotation has run yet");

  /**
   * A job over {@code tables} (and {@code secretTables}, rotated by {@code runner}, which may add and
   * audit them).
   */
  public FieldVaultRotation(FieldVaultKeys keys, DataSource dataSource, Supplier<List<EncryptedTable>> tables,
      Supplier<List<EncryptedTable>> secretTables, Function<Rewrapper.Builder, RotationResult> runner,
      FieldVaultProperties.Rotation settings, VaultTables vaultTables, java.util.function.IntPredicate auditUses) {
    this(keys, dataSource, tables, secretTables, List::of, runner, settings, vaultTables, auditUses);
  }

  /**
   * As above, and {@code countedOnly}: tables this job does not rewrap but whose values still use the
   * keys (the secrets vault's with {@code fieldvault.rotation.include-secrets=false}), counted by
   * {@link #inventory()} so that {@link #retire} never disables a key they use.
   */
  public FieldVaultRotation(FieldVaultKeys keys, DataSource dataSource, Supplier<List<EncryptedTable>> tables,
      Supplier<List<EncryptedTable>> secretTables, Supplier<List<EncryptedTable>> countedOnly,
      Function<Rewrapper.Builder, RotationResult> runner, FieldVaultProperties.Rotation settings,
      VaultTables vaultTables, java.util.function.IntPredicate auditUses) {
    this.countedOnly = countedOnly;
    this.keys = keys;
    this.dataSource = dataSource;
    this.tables = tables;
    this.secretTables = secretTables;
    this.runner = runner;
    this.settings = settings;
    this.vaultTables = vaultTables;
    this.auditUses = auditUses;
  }

  /** The starter's: this instance's {@code fieldvault.keys.refresh-interval}, for the warning at a rotation's start. */
  void refreshInterval(java.time.Duration interval) {
    this.refreshInterval = interval;
  }

  /** The starter's: a check run before a rotation, an inventory or a retirement; a message refuses them. */
  void unsupported(Supplier<String> check) {
    this.unsupported = check;
  }

  private void refuseIfUnsupported() {
    String why = unsupported.get();
    if (why != null) {
      throw new VaultConfigurationException(why);
    }
  }

  /** Also reports every batch's progress to {@code listener} (metrics, logs). */
  public void addListener(RotationListener listener) {
    listeners.add(listener);
  }

  /**
   * Starts a rotation in the background and returns at once.
   *
   * @param promote whether to promote a new primary key in each keyset first (false: only move the
   *     values still under older keys, e.g. after promoting with the CLI)
   * @return the job's status: {@link State#RUNNING}, or the running rotation's if one already runs
   */
  public synchronized Status start(boolean promote) {
    if (status.state() == State.RUNNING) {
      return status;
    }
    KeyStore store = keys.keyStore().orElseThrow(() -> new VaultConfigurationException("The rotation job needs"
        + " the database key store (fieldvault.keys.store=database): with keyset files, promote keys with the CLI"
        + " and restart"));
    refuseIfUnsupported(); // before any key is added or promoted
    synchronized (progress) {
      progress.clear();
    }
    status = new Status(State.RUNNING, null, Instant.now(), null, List.of(), -1,
        promote ? "promoting new keys" : "running");
    java.time.Duration refresh = refreshInterval;
    if (promote && refresh != null && (refresh.isZero() || refresh.isNegative())) {
      LOG.warn("FieldVault rotation: fieldvault.keys.refresh-interval is 0s, so the new keys reach only this instance"
          + " (others load them at their next start): if other instances use the same keys, they miss rows written"
          + " under them in searches and cannot read them. Rotate with a refresh interval on every instance and a"
          + " promotion delay of at least that interval.");
    }
    worker.execute(() -> {
      try {
        // every table must be readable as declared before a key changes: a rotation that cannot run must not
        // leave newly promoted keys behind it
        Rewrapper.builder(dataSource, keys.cipher()).tables(tables.get()).vaultTables(vaultTables).build()
            .checkTables();
      } catch (RuntimeException e) {
        status = new Status(State.FAILED, null, status.startedAt(), Instant.now(), List.of(), -1,
            "the tables could not be checked (no key was added or promoted): " + e.getClass().getSimpleName() + ": "
                + e.getMessage());
        LOG.warn("FieldVault rotation: checking the tables failed, no key was added or promoted: {}", e.toString());
        return;
      }
      try {
        if (promote) {
          promote(store);
        }
      } catch (RuntimeException e) {
        status = new Status(State.FAILED, null, status.startedAt(), Instant.now(), List.of(), -1,
            "promoting new keys failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        LOG.warn("FieldVault rotation: promoting new keys failed: {}", e.toString());
        return;
      }
      run(Rewrapper.defaultRotationId(keys.keyring()));
    });
    return status;
  }

  /**
   * Promotes in two steps, so that equality searches never miss a row: first a new key is added as
   * readable but not primary (searches then match values under both keys, and every instance re-plans
   * its queries when it loads it), then, once the other instances had a refresh interval to load it, it
   * becomes primary. Promoting in one step would let a query planned for one key meet values written
   * under the other.
   */
  private void promote(KeyStore store) {
    List<String> names = keys.keysets().stream().map(VaultKeyset::name).toList();
    for (String name : names) {
      store.update(name, VaultKeyset::addKey);
    }
    keys.reload();
    java.time.Duration wait = settings.getPromotionDelay();
    if (wait != null && !wait.isNegative() && !wait.isZero()) {
      status = new Status(State.RUNNING, null, status.startedAt(), null, List.of(), -1,
          "new keys added; waiting " + wait.toSeconds() + " s for every instance to load them before promoting");
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting to promote the new keys", e);
      }
    }
    for (String name : names) {
      store.update(name, ks -> ks.promote(ks.keys().size()));
    }
    keys.reload();
    LOG.info("FieldVault rotation: promoted new primary keys in {}", names);
  }

  /** Passes over the re-opened tables when values were written under an old key during a pass. */
  private static final int PASSES = 3;

  private void run(String id) {
    Instant started = status.startedAt();
    status = new Status(State.RUNNING, id, started, null, List.of(), -1, "running");
    try {
      RotationResult r = null;
      for (int pass = 1; pass <= PASSES; pass++) {
        Rewrapper.Builder b = Rewrapper.builder(dataSource, keys.cipher()).tables(tables.get()).vaultTables(vaultTables)
            .batchSize(settings.getBatchSize()).rangeSize(settings.getRangeSize()).throttle(settings.getThrottle())
            .rotationId(id).listener(this::onProgress);
        r = runner.apply(b);
        if (r.complete() || r.reopenedTables().isEmpty()) {
          break;
        }
        // a transaction that encrypted under the old primary before the promotion and committed after the
        // pass had scanned its row: the re-opened tables are scanned again (the Rewrapper's own advice)
        LOG.info("FieldVault rotation {}: pass {} left {} values off the primary keys; another pass", id, pass,
            r.valuesOffPrimary());
        Thread.sleep(500);
      }
      Status done = new Status(r.complete() ? State.COMPLETED : State.INCOMPLETE, id, started, Instant.now(),
          snapshot(), r.valuesOffPrimary(), r.describeRemaining());
      status = done;
      LOG.info("FieldVault rotation {}: {} ({} rows rewrapped in the last pass)", id, done.state(), r.rowsRewrapped());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = new Status(State.FAILED, id, started, Instant.now(), snapshot(), -1, "interrupted (shutting down)");
    } catch (RuntimeException e) {
      status = new Status(State.FAILED, id, started, Instant.now(), snapshot(), -1,
          e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.warn("FieldVault rotation {} failed: {}", id, e.toString());
    }
  }

  private void onProgress(RotationProgress p) {
    synchronized (progress) {
      progress.put(p.table(), p);
    }
    Status s = status;
    if (s.state() == State.RUNNING) {
      status = new Status(State.RUNNING, s.rotationId(), s.startedAt(), null, snapshot(), -1, "running");
    }
    for (RotationListener l : listeners) {
      try {
        l.onProgress(p);
      } catch (RuntimeException e) {
        LOG.warn("A rotation listener failed: {}", e.toString());
      }
    }
  }

  private List<TableProgress> snapshot() {
    synchronized (progress) {
      List<TableProgress> out = new ArrayList<>();
      for (RotationProgress p : progress.values()) {
        out.add(new TableProgress(p.table(), p.tableRowsDone(), p.tableRows(), p.rowsRewrapped(), p.rowsConflicted(),
            p.rowsFailed()));
      }
      return out;
    }
  }

  /** The job's status now. */
  public Status status() {
    return status;
  }

  /** Waits up to {@code millis} for a running rotation to finish; returns the status then. */
  public Status awaitCompletion(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (status.state() == State.RUNNING && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    return status;
  }

  /** Every table the rotation covers (the application's and, if included, the secrets vault's). */
  public List<EncryptedTable> tables() {
    List<EncryptedTable> all = new ArrayList<>(tables.get());
    all.addAll(secretTables.get());
    return all;
  }

  /**
   * Values per key version per column of every table whose values use the keys, counted by the
   * database now: the covered tables and those not rewrapped by this job (the secrets vault's with
   * {@code include-secrets=false}).
   */
  public KeyInventory inventory() {
    refuseIfUnsupported();
    List<EncryptedTable> all = new ArrayList<>(tables());
    all.addAll(countedOnly.get());
    return KeyInventory.scan(dataSource, all);
  }

  /**
   * Disables key {@code ordinal} of {@code keyset} (retires it) if no stored value uses it any more
   * (counted in every table of {@link #inventory()}, the secrets vault's included whatever
   * {@code include-secrets} says), then reloads the keys.
   *
   * @throws dev.fieldvault.jdbc.keystore.KeyInUseException if values still use it (the message says
   *     how many in which columns: run a rotation first)
   * @throws VaultConfigurationException if the secrets vault's audit events carry MACs under it (the
   *     audit chain could no longer be verified; those events keep their MACs, so the key stays)
   */
  public void retire(String keyset, int ordinal) {
    KeyStore store = keys.keyStore().orElseThrow(() -> new VaultConfigurationException("Retiring a key needs the"
        + " database key store (fieldvault.keys.store=database)"));
    VaultKeyset ks = keys.keysets().stream().filter(k -> k.name().equals(keyset)).findFirst()
        .orElseThrow(() -> new VaultConfigurationException("'" + keyset + "' is not one of this application's keysets "
            + keys.keysets().stream().map(VaultKeyset::name).toList()));
    int keyId = ks.byOrdinal(ordinal).keyId();
    if (ks.purpose() == dev.fieldvault.keys.KeyPurpose.AEAD && auditUses.test(keyId)) {
      throw new VaultConfigurationException("Key " + ordinal + " of keyset '" + keyset + "' authenticates events of the"
          + " secrets vault's audit chain (their MACs are under it): retiring it would make the chain unverifiable."
          + " Keep it enabled while those events are kept (SecretsVault.purgeAuditEvents removes old ones)");
    }
    store.disableKey(keyset, ordinal, inventory());
    keys.reload();
  }

  /** Stops the background thread (a run in progress resumes from its checkpoint at the next start). */
  @Override
  public void close() {
    worker.shutdownNow();
  }
}
