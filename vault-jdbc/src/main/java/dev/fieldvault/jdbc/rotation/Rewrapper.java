package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.jdbc.rotation.internal.ColumnTypes;
import dev.fieldvault.jdbc.rotation.internal.PlaintextCount;
import dev.fieldvault.jdbc.rotation.internal.RangeRewrapper;
import dev.fieldvault.jdbc.rotation.internal.TableKey;
import dev.fieldvault.jdbc.rotation.internal.WorkTable;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch rewrapper: moves every value of the declared encrypted columns (and its blind index)
 * to the primary keys of a {@link FieldCipher}, in place, while the application keeps running.
 *
 * <pre>{@code
 * RotationResult r = Rewrapper.builder(dataSource, cipher)
 *     .table(customers)
 *     .listener(p -> log.info("{}", p))
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Each table is walked in primary-key order with keyset pagination, in batches. Whether a value
 * needs re-encryption is read from its header; it is written back with compare-and-set (the row is
 * updated only if the column still holds what was read), so a concurrent application write is
 * never overwritten. Every batch commits together with its checkpoint, so a stopped, failed or
 * killed run resumes where it was when run again with the same rotation id, and running a finished
 * rotation again does nothing.
 *
 * <p>A run covers the rows that existed when its rotation was planned: the last key range ends at
 * the greatest key the table held then, so rows the application inserts meanwhile (under the new
 * primary keys) are not chased. Every run ends with an inventory of the declared columns; values it
 * still finds off the primary keys (written under an old key by an instance that has not reloaded,
 * for example) make the result not {@link RotationResult#complete() complete}, are reported per
 * column and logged, and re-open their tables so that running the same rotation again scans them.
 *
 * <p>Several workers (threads or application instances) can run one rotation: each table is split
 * into key ranges recorded in {@link VaultTables#rotationRange()}, claimed with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} and held with a lease that every batch extends; the
 * range of a crashed worker is taken over when its lease expires. Leases compare wall-clock times
 * of the workers, so their clocks must agree to well within the lease.
 *
 * <p><b>Plaintext migration</b> ({@link Builder#migratePlaintext}): the same job, starting from
 * columns that still hold plaintext. A value that authenticates as a ciphertext of its column is
 * handled as above; any other non-null value is legacy plaintext (even base64 that starts like a
 * FieldVault header), read as the column's type by {@link dev.fieldvault.keys.LegacyPlaintext} (as the
 * Hibernate integration reads it under {@code MIGRATE}), encrypted with its blind index, and written
 * only if the column still holds exactly the plaintext read (no collation: a change of case or of
 * trailing spaces is a change). NULL stays NULL. A value whose ciphertext would not fit its column
 * is left as it is and counted as failed ({@link MigrationPlan} says which columns to widen). The
 * final inventory also counts the values still plaintext; the run is not complete while any remain.
 *
 * <p>{@link #run()} blocks; {@link #pause()}, {@link #resume()} and {@link #stop()} may be called
 * from other threads. A rewrapper runs once.
 */
public final class Rewrapper {

  private static final Logger LOG = LoggerFactory.getLogger(Rewrapper.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final DataSource dataSource;
  private final FieldCipher cipher;
  private final List<EncryptedTable> tables;
  private final int batchSize;
  private final int rangeSize;
  private final double rowsPerSecond;
  private final boolean dryRun;
  private final RotationListener listener;
  private final String rotationId;
  private final String workerId;
  private final Duration lease;
  private final VaultTables vaultTables;
  private final boolean finalInventory;
  private final boolean migrate;
  /** Only values under these key ids are moved (null: every value off the primary keys). */
  private final Set<Integer> fromKeyIds;

  private volatile boolean stopRequested;
  private volatile boolean paused;
  private volatile WorkTable.Claim current;
  /** The range claimed to follow {@link #current} while its last batches are written (leases kept alive too). */
  private volatile WorkTable.Claim next;
  private volatile WorkTable work;
  private boolean started;

  private Rewrapper(Builder b) {
    this.dataSource = b.dataSource;
    this.cipher = b.cipher;
    this.tables = List.copyOf(b.tables);
    this.batchSize = b.batchSize;
    this.rangeSize = b.rangeSize;
    this.rowsPerSecond = b.rowsPerSecond;
    this.dryRun = b.dryRun;
    this.listener = b.listener;
    this.migrate = b.migrate;
    this.fromKeyIds = b.fromKeyIds;
    this.rotationId = b.rotationId != null ? b.rotationId
        : (migrate ? "migrate-" : "") + defaultRotationId(cipher.keyring()) + fromSuffix(fromKeyIds);
    this.workerId = b.workerId != null ? b.workerId : "worker-" + UUID.randomUUID();
    this.lease = b.lease;
    this.vaultTables = b.vaultTables;
    this.finalInventory = b.finalInventory;
  }

  public static Builder builder(DataSource dataSource, FieldCipher cipher) {
    return new Builder(dataSource, cipher);
  }

  /**
   * The default rotation id names the primary keys the values are moved to, so every instance that
   * starts the rewrapper after the same promotion joins the same rotation (a plaintext migration's
   * is this id prefixed with {@code migrate-}).
   */
  public static String defaultRotationId(Keyring keyring) {
    StringBuilder sb = new StringBuilder("to");
    for (Optional<VaultKeyset> ks : List.of(keyring.aead(), keyring.deterministic(), keyring.prf())) {
      sb.append('-').append(ks.map(k -> k.primary().keyIdText()).orElse("0"));
    }
    return sb.toString();
  }

  /** {@code -from-} and the sorted key ids of {@link Builder#fromKeyIds}, or nothing. */
  private static String fromSuffix(Set<Integer> ids) {
    if (ids == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("-from");
    ids.stream().sorted(java.util.Comparator.comparingLong(Integer::toUnsignedLong))
        .forEach(id -> sb.append('-').append(Integer.toUnsignedString(id)));
    return sb.toString();
  }

  public String rotationId() {
    return rotationId;
  }

  public String workerId() {
    return workerId;
  }

  /** Pauses after the current batch (leases are kept alive while paused). */
  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
  }

  public boolean isPaused() {
    return paused;
  }

  /** Stops after the current batch; what was committed stays, and a later run resumes from there. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Checks, without changing anything, that every declared table can be read under the name declared,
   * with its key columns, encrypted columns (and, migrating, column types): what {@link #run()} checks
   * first. Call it before promoting new keys, so that a rotation that cannot run does not leave newly
   * promoted keys behind it.
   *
   * @throws VaultStorageException naming the cause when a table or column cannot be read
   */
  public void checkTables() {
    try (Connection c = dataSource.getConnection()) {
      for (EncryptedTable t : tables) {
        TableKey.detect(c, t.table(), t.primaryKeys());
        validateColumns(c, t);
        if (migrate) {
          migrationTypes(c, t);
        }
      }
    } catch (SQLException e) {
      throw new VaultStorageException("Rotation " + rotationId + ": cannot read the declared tables: " + e.getMessage(), e);
    }
  }

  /** Runs (or resumes, or joins) the rotation until it is complete or stopped. */
  public RotationResult run() {
    synchronized (this) {
      if (started) {
        throw new IllegalStateException("A Rewrapper runs once: build another to run again");
      }
      started = true;
    }
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fieldvault-rewrap-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      Dialect dialect;
      Map<EncryptedTable, TableKey> keys = new LinkedHashMap<>();
      Map<EncryptedTable, ColumnTypes> types = new HashMap<>();
      try (Connection c = dataSource.getConnection()) {
        dialect = Dialect.of(c);
        for (EncryptedTable t : tables) {
          keys.put(t, TableKey.detect(c, t.table(), t.primaryKeys()));
          validateColumns(c, t);
          if (migrate) {
            types.put(t, migrationTypes(c, t));
          }
        }
      } catch (SQLException e) {
        throw new VaultStorageException("Rotation " + rotationId + ": cannot read the declared tables: " + e.getMessage(), e);
      }
      LOG.info("{}{} {} starting as {} on {} table(s), batch {}, {}", dryRun ? "[dry run] " : "",
          migrate ? "plaintext migration" : "rotation", rotationId, workerId, tables.size(), batchSize,
          rowsPerSecond > 0 ? "throttled to " + rowsPerSecond + " rows/s" : "unthrottled");
      Map<String, Tracker> trackers = new LinkedHashMap<>();
      for (EncryptedTable t : tables) {
        trackers.put(t.table(), new Tracker(t.table()));
      }
      Control control = new Control();
      boolean complete;
      if (dryRun) {
        for (EncryptedTable t : tables) {
          if (stopRequested) {
            break;
          }
          Tracker tr = trackers.get(t.table());
          tr.tableRows = WorkTable.rowCount(dataSource, t.table()); // the whole table, for the progress bar
          RangeRewrapper range = new RangeRewrapper(dataSource, dialect, cipher, t, keys.get(t), batchSize, true, executor,
              types.get(t), fromKeyIds);
          range.process(null, null, (tx, k, s, r, cf, last) -> true, control, tr::add);
        }
        complete = !stopRequested;
      } else {
        complete = runClaimed(dialect, keys, types, trackers, control, executor);
      }
      List<RotationProgress> finals = new ArrayList<>();
      for (Tracker tr : trackers.values()) {
        RotationProgress p = tr.progress();
        finals.add(p);
        LOG.info("Finished: {}", p);
        listener.onProgress(p);
      }
      return conclude(complete, finals);
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * Ends a run with the inventory: values still off the primary keys after every range was done
   * make it not complete, are reported per column (and logged), and re-open their tables so that
   * the next run of this rotation scans them again.
   */
  private RotationResult conclude(boolean rangesDone, List<RotationProgress> finals) {
    boolean complete = rangesDone;
    KeyInventory inventory = null;
    long offPrimary = 0;
    Map<String, Long> left = new LinkedHashMap<>();
    List<String> reopened = new ArrayList<>();
    PlaintextCount.Result plaintext = null;
    if (finalInventory) {
      inventory = KeyInventory.scan(dataSource, tables);
      Set<Integer> primaries = primaryKeyIds(cipher.keyring());
      offPrimary = inventory.valuesNotUsing(primaries);
      if (offPrimary > 0 && tables.stream().anyMatch(t -> t.tenantColumn() != null)) {
        primaries.addAll(tenantPrimaryKeyIds()); // per-tenant keyrings have primaries of their own
        offPrimary = inventory.valuesNotUsing(primaries);
      }
      LOG.info("{}", inventory.describe(cipher.keyring()));
      long fromLeft = 0;
      for (ColumnInventory col : inventory.columns()) {
        long n = fromKeyIds != null
            ? col.valuesByKeyId().entrySet().stream()
                .filter(e -> fromKeyIds.contains(e.getKey()) && !primaries.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum()
            : col.encryptedValues() - col.valuesByKeyId().entrySet().stream()
                .filter(e -> primaries.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        if (n > 0) {
          left.put(col.qualifiedName(), n);
        }
        fromLeft += n;
      }
      if (fromKeyIds != null) {
        offPrimary = fromLeft; // only values under the keys this rotation moves are "left"
      }
      if (migrate) {
        plaintext = PlaintextCount.count(dataSource, cipher, tables);
        // header-like plaintext is in the inventory under the key id its header names: it is plaintext,
        // not a value left on an old key (one naming a primary key id was not counted as left)
        for (Map.Entry<String, Map<Integer, Long>> e : plaintext.headerLike().entrySet()) {
          long n = e.getValue().entrySet().stream().filter(k -> !primaries.contains(k.getKey()))
              .mapToLong(Map.Entry::getValue).sum();
          if (n == 0) {
            continue;
          }
          offPrimary -= n;
          left.computeIfPresent(e.getKey(), (k, v) -> v - n > 0 ? v - n : null);
        }
      }
      long plaintextLeft = plaintext == null ? 0 : plaintext.total();
      if (complete && (offPrimary > 0 || plaintextLeft > 0)) {
        // every range was scanned, yet values are still under old keys (written meanwhile by an
        // instance that has not reloaded its keyring, skipped as changed concurrently, or not
        // decryptable) or still plaintext (written meanwhile by an instance that does not encrypt)
        complete = false;
        if (!dryRun) {
          Set<String> columnsLeft = new HashSet<>(left.keySet());
          if (plaintext != null) {
            columnsLeft.addAll(plaintext.byColumn().keySet());
          }
          for (EncryptedTable t : tables) {
            boolean hasLeft = columnsLeft.stream().anyMatch(k -> k.startsWith(t.table() + "."));
            if (hasLeft && work.reopen(t.table())) {
              reopened.add(t.table());
            }
          }
        }
      }
    }
    RotationResult result = new RotationResult(rotationId, complete, stopRequested, finals, inventory, offPrimary,
        left, reopened, migrate, plaintext == null ? 0 : plaintext.total(),
        plaintext == null ? Map.of() : plaintext.byColumn());
    if (!left.isEmpty() || result.plaintextValues() > 0) {
      LOG.warn("{}", result.describeRemaining());
    }
    return result;
  }

  private boolean runClaimed(Dialect dialect, Map<EncryptedTable, TableKey> keys, Map<EncryptedTable, ColumnTypes> types,
      Map<String, Tracker> trackers, Control control, ExecutorService executor) {
    work = new WorkTable(dataSource, vaultTables, dialect, rotationId, workerId, lease.toMillis());
    for (EncryptedTable t : tables) {
      work.ensurePlanned(t.table(), keys.get(t), rangeSize);
    }
    Map<String, RangeRewrapper> rangers = new HashMap<>();
    for (EncryptedTable t : tables) {
      rangers.put(t.table(), new RangeRewrapper(dataSource, dialect, cipher, t, keys.get(t), batchSize, false, executor,
          types.get(t), fromKeyIds));
    }
    while (!stopRequested) {
      // one pair of connections for every range this pass claims (claims, totals and completions on the
      // writer, between batches), closed before waiting for other workers' ranges
      try (RangeRewrapper.Connections connections = new RangeRewrapper.Connections(dataSource)) {
        for (EncryptedTable t : tables) {
          if (!stopRequested) {
            rewrapClaimed(t, keys.get(t), rangers.get(t.table()), trackers.get(t.table()), control, connections);
          }
        }
      }
      if (stopRequested) {
        break;
      }
      long earliestLease = Long.MAX_VALUE;
      boolean allDone = true;
      Map<String, WorkTable.Totals> done = new HashMap<>();
      for (EncryptedTable t : tables) {
        WorkTable.Totals totals = work.totals(t.table());
        done.put(t.table(), totals);
        if (totals.done() < totals.ranges()) {
          allDone = false;
          earliestLease = Math.min(earliestLease, totals.earliestLease());
        }
      }
      if (allDone) {
        // every range of every table is done, by this worker or others: the final report of each table
        // says the whole table's totals (a worker's own counts since its last claim miss the ranges
        // other workers finished after it)
        done.forEach((table, totals) -> trackers.get(table).finished(totals.totalRows(), totals.scanned()));
        return true;
      }
      // other workers hold the remaining ranges: wait for them, or for their leases to expire. Polled every
      // 100 ms at most (one totals query per table): a 1 s poll added up to a second to a run shared by two
      // workers (RotationBenchmark's two-worker runs of 100,000 rows take about two seconds)
      long wait = Math.max(20, Math.min(100, earliestLease - System.currentTimeMillis()));
      sleep(wait);
    }
    return false;
  }

  /**
   * Claims and rewraps ranges of one table until none is left to claim. Each range's successor is
   * claimed, and its first batch read, while the range's last batches are encrypted and written.
   */
  private void rewrapClaimed(EncryptedTable t, TableKey key, RangeRewrapper ranger, Tracker tr, Control control,
      RangeRewrapper.Connections connections) {
    WorkTable.Claim cl = work.claim(writer(connections), t.table()).orElse(null);
    RangeRewrapper.Ahead ahead = null;
    while (cl != null) {
      current = cl;
      WorkTable.Totals totals = work.totals(writer(connections), t.table());
      tr.rebase(totals.totalRows(), totals.scanned());
      WorkTable.Claim claimed = cl;
      WorkTable.Claim[] following = new WorkTable.Claim[1];
      boolean[] asked = new boolean[1];
      RangeRewrapper.Stats s = ranger.process(connections, bounds(key, cl), ahead,
          (tx, lastKey, scanned, rewrapped, conflicted, last) ->
              work.checkpoint(tx, claimed, lastKey, scanned, rewrapped, conflicted, last),
          control, tr::add, () -> {
            asked[0] = true;
            following[0] = work.claim(writer(connections), t.table(), claimed).orElse(null);
            next = following[0];
            return following[0] == null ? null : bounds(key, following[0]);
          });
      if (s.finished) {
        // the range's last batch marked it done in its own transaction
      } else if (!s.leaseLost && !s.stopped && !stopRequested) {
        work.finish(writer(connections), cl);
      } else if (!s.leaseLost) {
        work.release(writer(connections), cl); // stopped cleanly: another worker may resume the range at once
      }
      cl = following[0];
      ahead = s.ahead;
      current = cl;
      next = null;
      if (cl != null && stopRequested) {
        ahead.discard();
        work.release(writer(connections), cl);
        cl = null;
      } else if (!asked[0] && !stopRequested) {
        cl = work.claim(writer(connections), t.table()).orElse(null); // the range ended early (lease lost)
      }
    }
    current = null;
  }

  private static RangeRewrapper.Bounds bounds(TableKey key, WorkTable.Claim claim) {
    return new RangeRewrapper.Bounds(key.fromText(claim.resumeAfter()), key.fromText(claim.upperKey()));
  }

  private Connection writer(RangeRewrapper.Connections connections) {
    try {
      return connections.writer();
    } catch (SQLException e) {
      throw new VaultStorageException("Rotation " + rotationId + ": cannot get a connection: " + e.getMessage(), e);
    }
  }

  private void validateColumns(Connection c, EncryptedTable t) throws SQLException {
    StringBuilder cols = new StringBuilder(String.join(", ", t.primaryKeys()));
    if (t.tenantColumn() != null) {
      cols.append(", ").append(t.tenantColumn());
    }
    for (String col : t.contextColumns()) {
      cols.append(", ").append(col);
    }
    for (EncryptedColumn col : t.columns()) {
      cols.append(", ").append(col.column());
      if (col.blindIndexColumn() != null) {
        cols.append(", ").append(col.blindIndexColumn());
      }
      cipher.field(col.spec()); // fails now, naming the field, if the keyring lacks its keyset
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + t.table() + " WHERE 1 = 0")) {
      ps.executeQuery().close();
    } catch (SQLException e) {
      throw new VaultConfigurationException("The declared table " + t + " does not match the database: "
          + e.getMessage() + "; fix the table or column names in the declaration", e);
    }
    if (t.columns().size() > 30) {
      throw new VaultConfigurationException("Table " + t.table() + " declares more than 30 encrypted columns;"
          + " declare it as several tables of at most 30 columns each");
    }
  }

  /**
   * A migration writes ciphertext into columns that held plaintext: each must be of a type that
   * holds its storage (text for TEXT, binary for BINARY). Their sizes are checked per value.
   */
  private ColumnTypes migrationTypes(Connection c, EncryptedTable t) throws SQLException {
    ColumnTypes types = ColumnTypes.read(c, t);
    List<String> wrong = new ArrayList<>();
    for (EncryptedColumn col : t.columns()) {
      if (!dev.fieldvault.keys.LegacyPlaintext.supports(col.spec().codec().type())) {
        throw new VaultConfigurationException("Encrypted column " + col.qualifiedName() + " has values of type "
            + col.spec().codec().type().getName() + ", which has no legacy plaintext form: migrate it with your own"
            + " code, or declare it with a built-in type");
      }
      checkHolds(types.of(col.column()), col.storage(), wrong);
      if (col.blindIndexColumn() != null) {
        checkHolds(types.of(col.blindIndexColumn()), col.blindIndexStorage(), wrong);
      }
    }
    if (!wrong.isEmpty()) {
      throw new VaultConfigurationException("Plaintext migration " + rotationId + ": " + String.join("; ", wrong)
          + ". Change their types first (MigrationPlan.scan, or `fieldvault migrate --plan`, prints the DDL), or"
          + " declare each column's storage to match its type");
    }
    return types;
  }

  private static void checkHolds(ColumnTypes.Type type, dev.fieldvault.keys.ColumnStorage storage, List<String> wrong) {
    if (!type.holds(storage)) {
      wrong.add("column " + type.table() + "." + type.column() + " is " + type.describe() + ", which cannot hold "
          + (storage == dev.fieldvault.keys.ColumnStorage.TEXT ? "base64 (TEXT storage)" : "binary (BINARY storage)")
          + " ciphertext");
    }
  }

  /**
   * The primary key ids of the keyrings of every tenant in the declared tenant columns, read from
   * the header of an empty value encrypted in each tenant's context (a tenant without a keyring is
   * left out: its values cannot be moved). Without per-tenant keyrings these are the default ones.
   */
  private Set<Integer> tenantPrimaryKeyIds() {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = dataSource.getConnection()) {
      for (EncryptedTable t : tables) {
        if (t.tenantColumn() == null) {
          continue;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT " + t.tenantColumn() + " FROM " + t.table()
            + " WHERE " + t.tenantColumn() + " IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String tenant = rs.getString(1);
            for (EncryptedColumn col : t.columns()) {
              EncryptionContext ctx = EncryptionContext.of(col.spec().domain(), col.spec().field(), tenant, null);
              try {
                ids.add(CiphertextHeader.parse(cipher.encrypt(new byte[0], ctx, col.spec().mode())).keyId());
                if (col.blindIndexColumn() != null) {
                  ids.add(FieldCipher.blindIndexKeyId(cipher.blindIndex(new byte[0], ctx,
                      FieldCipher.MIN_BLIND_INDEX_LENGTH)));
                }
              } catch (KeyUnavailableException noKeyring) {
                break;
              }
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new VaultStorageException("Rotation " + rotationId + ": cannot read the tenants of the declared tables: "
          + e.getMessage(), e);
    }
    return ids;
  }

  static Set<Integer> primaryKeyIds(Keyring keyring) {
    Set<Integer> ids = new HashSet<>();
    keyring.aead().ifPresent(k -> ids.add(k.primary().keyId()));
    keyring.deterministic().ifPresent(k -> ids.add(k.primary().keyId()));
    keyring.prf().ifPresent(k -> ids.add(k.primary().keyId()));
    return ids;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("The rewrapper was interrupted; run it again to resume", e);
    }
  }

  /** Throttle and pause between batches. */
  private final class Control implements RangeRewrapper.Control {
    private final long start = System.nanoTime();
    private long scanned;

    @Override
    public boolean stopRequested() {
      return stopRequested;
    }

    @Override
    public void afterBatch(long rows) {
      scanned += rows;
      long dueNanos = rowsPerSecond > 0 ? start + (long) (scanned * 1e9 / rowsPerSecond) : 0;
      long lastRenew = System.currentTimeMillis();
      // sleep in short slices, keeping the lease of the held range alive while throttled or paused
      while (!stopRequested && (paused || System.nanoTime() < dueNanos)) {
        long left = (dueNanos - System.nanoTime()) / 1_000_000;
        sleep(paused ? 50 : Math.max(1, Math.min(250, left)));
        WorkTable.Claim c = current;
        WorkTable.Claim n = next;
        if (c != null && work != null && System.currentTimeMillis() - lastRenew > lease.toMillis() / 3) {
          work.renew(c);
          if (n != null) {
            work.renew(n);
          }
          lastRenew = System.currentTimeMillis();
        }
      }
    }
  }

  /** One table's progress for this worker. */
  private final class Tracker {
    private final String table;
    private final long startNanos = System.nanoTime();
    private final RangeRewrapper.Stats stats = new RangeRewrapper.Stats();
    private long tableRows = -1;
    private long baseDone;
    private long sinceRebase;
    private long lastLog = System.nanoTime();
    private boolean finished;

    Tracker(String table) {
      this.table = table;
    }

    void rebase(long totalRows, long doneByAll) {
      tableRows = totalRows;
      baseDone = doneByAll;
      sinceRebase = 0;
    }

    /** Every range of the table is done: the progress says the table's totals from the work table. */
    void finished(long totalRows, long doneByAll) {
      rebase(totalRows, doneByAll);
      finished = true;
    }

    void add(RangeRewrapper.Stats batch) {
      stats.scanned += batch.scanned;
      stats.rewrapped += batch.rewrapped;
      stats.conflicted += batch.conflicted;
      stats.failed += batch.failed;
      stats.plaintext += batch.plaintext;
      batch.byColumn.forEach((k, v) -> stats.byColumn.merge(k, v, Long::sum));
      sinceRebase += batch.scanned;
      RotationProgress p = progress();
      listener.onProgress(p);
      if (System.nanoTime() - lastLog > 5_000_000_000L) {
        lastLog = System.nanoTime();
        LOG.info("{}", p);
      }
    }

    RotationProgress progress() {
      double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
      double rate = stats.scanned / secs;
      long done = dryRun ? stats.scanned : baseDone + sinceRebase;
      long rows = dryRun ? Math.max(tableRows, done) : tableRows;
      Duration eta = finished ? Duration.ZERO
          : rate > 0 && rows >= done ? Duration.ofMillis((long) ((rows - done) / rate * 1000)) : null;
      return new RotationProgress(rotationId, table, stats.scanned, stats.rewrapped, stats.conflicted, stats.failed,
          stats.byColumn, rate, done, rows, eta, dryRun, stats.plaintext);
    }
  }

  /** Builds a {@link Rewrapper}; each setting is validated when set. */
  public static final class Builder {
    private final DataSource dataSource;
    private final FieldCipher cipher;
    private final List<EncryptedTable> tables = new ArrayList<>();
    private int batchSize = 1000;
    private int rangeSize = 50_000;
    private double rowsPerSecond;
    private boolean dryRun;
    private RotationListener listener = p -> { };
    private String rotationId;
    private String workerId;
    private Duration lease = Duration.ofSeconds(60);
    private VaultTables vaultTables = VaultTables.defaults();
    private boolean finalInventory = true;
    private boolean migrate;
    private Set<Integer> fromKeyIds;

    private Builder(DataSource dataSource, FieldCipher cipher) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    public Builder table(EncryptedTable table) {
      tables.add(Objects.requireNonNull(table, "table"));
      return this;
    }

    /** Adds tables, for example those discovered from a Hibernate mapping model. */
    public Builder tables(List<EncryptedTable> more) {
      more.forEach(this::table);
      return this;
    }

    /** Rows per batch and transaction: 1 to 10,000 (default 1,000). */
    public Builder batchSize(int rows) {
      if (rows < 1 || rows > 10_000) {
        throw new VaultConfigurationException("The batch size must be 1 to 10,000 rows, not " + rows);
      }
      this.batchSize = rows;
      return this;
    }

    /** Rows per claimable key range: 100 to 10,000,000 (default 50,000). */
    public Builder rangeSize(int rows) {
      if (rows < 100 || rows > 10_000_000) {
        throw new VaultConfigurationException("The range size must be 100 to 10,000,000 rows, not " + rows);
      }
      this.rangeSize = rows;
      return this;
    }

    /** Limits this worker to about this many scanned rows per second (0: unlimited, the default). */
    public Builder throttle(double rowsPerSecond) {
      if (rowsPerSecond < 0 || Double.isNaN(rowsPerSecond)) {
        throw new VaultConfigurationException("The throttle must be >= 0 rows/s (0 = unlimited), not " + rowsPerSecond);
      }
      this.rowsPerSecond = rowsPerSecond;
      return this;
    }

    /** Only count what would be re-encrypted (from the headers): writes nothing, not even a checkpoint. */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder listener(RotationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The rotation to run, resume or join (default: {@link #defaultRotationId(Keyring)}); up to 160 characters. */
    public Builder rotationId(String id) {
      if (id == null || id.isBlank() || id.length() > 160) {
        throw new VaultConfigurationException("A rotation id must be 1-160 characters, not "
            + (id == null ? "null" : "'" + id + "'"));
      }
      this.rotationId = id;
      return this;
    }

    /**
     * This worker's name in the work table (default: random). A worker restarted under the same name
     * takes its own ranges back at once instead of waiting for their leases; never give two running
     * workers the same name.
     */
    public Builder workerId(String id) {
      if (id == null || id.isBlank() || id.length() > 160) {
        throw new VaultConfigurationException("A worker id must be 1-160 characters, not "
            + (id == null ? "null" : "'" + id + "'"));
      }
      this.workerId = id;
      return this;
    }

    /** How long a claimed range stays ours without a committed batch: 1 s to 1 h (default 60 s). */
    public Builder lease(Duration lease) {
      if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
        throw new VaultConfigurationException("The lease must be between 1 second and 1 hour, not " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** Where the rotation work tables are (default prefix {@code fieldvault_}). */
    public Builder vaultTables(VaultTables vaultTables) {
      this.vaultTables = Objects.requireNonNull(vaultTables, "vaultTables");
      return this;
    }

    /**
     * Makes this run a plaintext migration (default false: a key rotation): values that do not
     * authenticate as ciphertexts of their column are legacy plaintext, encrypted in place with
     * compare-and-set on the exact plaintext read, and the final inventory counts the values still
     * plaintext ({@link RotationResult#plaintextByColumn()}); the run is complete only when none is
     * left. Values already encrypted are rewrapped if they are off the primary keys. Each column must
     * be of a type that holds its storage, else {@code run()} fails naming it (see
     * {@link MigrationPlan}). The default rotation id is {@code migrate-} and the primary key ids.
     */
    public Builder migratePlaintext(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Moves only the values encrypted under these key ids (for example the key being retired),
     * leaving values under other old keys as they are; the final inventory then counts as left only
     * values still under these ids. By default every value off the primary keys is moved. The
     * default rotation id ends with {@code -from-} and the ids, so a pass from other keys is another
     * rotation. Not with {@link #migratePlaintext}.
     *
     * @param keyIds one or more key ids, as {@link dev.fieldvault.keys.CiphertextHeader} reads them
     */
    public Builder fromKeyIds(java.util.Collection<Integer> keyIds) {
      if (keyIds == null || keyIds.isEmpty() || keyIds.stream().anyMatch(java.util.Objects::isNull)) {
        throw new VaultConfigurationException("fromKeyIds needs one or more key ids (the keys whose values to move)");
      }
      this.fromKeyIds = Set.copyOf(keyIds);
      return this;
    }

    /** Whether to count values per key version at the end (default true). */
    public Builder finalInventory(boolean take) {
      this.finalInventory = take;
      return this;
    }

    public Rewrapper build() {
      if (tables.isEmpty()) {
        throw new VaultConfigurationException("The rewrapper has no table: declare them with table()");
      }
      if (migrate && fromKeyIds != null) {
        throw new VaultConfigurationException("A plaintext migration moves every value: do not combine"
            + " migratePlaintext with fromKeyIds");
      }
      Set<String> names = new HashSet<>();
      for (EncryptedTable t : tables) {
        if (!names.add(t.table().toLowerCase(java.util.Locale.ROOT))) {
          throw new VaultConfigurationException("Table " + t.table() + " is declared twice: merge its columns");
        }
      }
      return new Rewrapper(this);
    }
  }

  @Override
  public String toString() {
    return "Rewrapper{" + rotationId + ", worker " + workerId + (migrate ? ", plaintext migration" : "")
        + (dryRun ? ", dry run" : "") + ", tables "
        + tables.stream().map(EncryptedTable::table).toList() + "}";
  }
}
