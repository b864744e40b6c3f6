package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.RowContext;
import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewraps one key range of one table: keyset pagination in primary-key order (the reads, here),
 * header-based selection and re-encryption ({@link ColumnCrypto}), compare-and-set writes
 * ({@link CasWriter}) and a checkpoint per committed batch. Reading batch n+1, encrypting batch n
 * and writing batch n-1 overlap, on two helper threads and the caller's. At most three batches are
 * in memory. In a plaintext migration, values that do not authenticate as ciphertexts of their
 * column are legacy plaintext: encrypted, and written only over the exact value read. Internal.
 */
public final class RangeRewrapper {

  private static final Logger LOG = LoggerFactory.getLogger(RangeRewrapper.class);

  /**
   * Records a batch in the batch's own transaction; false if the range is no longer ours. {@code last}:
   * the batch ends the range (fewer rows than a batch were left), so the range may be marked done in
   * the same transaction.
   */
  @FunctionalInterface
  public interface Checkpointer {
    boolean record(Connection tx, String lastKey, long scanned, long rewrapped, long conflicted, boolean last)
        throws SQLException;
  }

  /**
   * Claims the range to process after the current one. Called on the caller's thread once the current
   * range's last read is done, between two batches (the writer holds no transaction then), so that the
   * next range's first batch is read while this range's last batches are encrypted and written.
   */
  @FunctionalInterface
  public interface NextRange {
    /** The bounds of the range claimed next (its keys in (after, upper]), or null if there is none. */
    Bounds claim();
  }

  /** A key range (after, upper]; either bound may be null (open). */
  public record Bounds(List<Object> after, List<Object> upper) {}

  /** The next range's first read, started by {@link #process}: hand it to the next call of process. */
  public static final class Ahead {
    private final Bounds bounds;
    private final CompletableFuture<Batch> read;

    private Ahead(Bounds bounds, CompletableFuture<Batch> read) {
      this.bounds = bounds;
      this.read = read;
    }

    public Bounds bounds() {
      return bounds;
    }

    /** Waits for the read (its result or failure is dropped): the reader is free afterwards. */
    public void discard() {
      quietly(read);
    }
  }

  /**
   * The reader and writer connections of a worker, kept across the ranges it processes (a range
   * is often a few dozen batches: opening two connections per range, and one per claim, cost a
   * rotation on a data source without a pool a fifth of its time). Opened on first use; the writer
   * is not in auto-commit and holds no transaction between batches. Not thread-safe: one per worker.
   */
  public static final class Connections implements AutoCloseable {
    private final DataSource dataSource;
    private Connection reader;
    private Connection writer;

    public Connections(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    public Connection reader() throws SQLException {
      if (reader == null) {
        reader = dataSource.getConnection();
      }
      return reader;
    }

    /** The connection batches are written on (not in auto-commit); also the one to claim ranges on. */
    public Connection writer() throws SQLException {
      if (writer == null) {
        Connection c = dataSource.getConnection();
        try {
          c.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
          c.close();
          throw e;
        }
        writer = c;
      }
      return writer;
    }

    /** Closes both (a writer's open transaction, if a failure left one, is rolled back first). */
    @Override
    public void close() {
      Connection w = writer;
      Connection r = reader;
      writer = null;
      reader = null;
      if (w != null) {
        try (w) {
          w.rollback();
        } catch (SQLException | RuntimeException e) {
          LOG.debug("Closing a rewrap connection failed: {}", e.toString());
        }
      }
      if (r != null) {
        try {
          r.close();
        } catch (SQLException | RuntimeException e) {
          LOG.debug("Closing a rewrap connection failed: {}", e.toString());
        }
      }
    }
  }

  /** Pause, stop and throttle, as the caller decides. */
  public interface Control {
    boolean stopRequested();

    /** Called after each batch with the rows it scanned: sleeps to throttle, waits while paused. */
    void afterBatch(long scanned);
  }

  /** Totals of a range (or of a batch, when handed to the observer). */
  public static final class Stats {
    public long scanned;
    public long rewrapped;
    public long conflicted;
    public long failed;
    /** Legacy plaintext values encrypted (in a dry run: that would be). */
    public long plaintext;
    public final Map<String, Long> byColumn = new LinkedHashMap<>();
    /** Legacy plaintext values encrypted (in a dry run: that would be) per column. */
    public final Map<String, Long> plaintextByColumn = new LinkedHashMap<>();
    /**
     * Per encrypted column, the longest stored form met: of a ciphertext read, or of the ciphertext a
     * plaintext was (or, in a dry run, would be) encrypted to.
     */
    public final Map<String, Long> longest = new LinkedHashMap<>();
    /**
     * Per encrypted column, the values the job leaves as they are because they cannot be read: a legacy
     * plaintext that is not a text form of the column's type, a ciphertext that does not decrypt here,
     * a value whose context cannot be computed.
     */
    public final Map<String, Long> unreadableByColumn = new LinkedHashMap<>();
    public boolean leaseLost;
    public boolean stopped;
    /** The range's last batch was committed with {@code last}: the checkpointer marked the range done. */
    public boolean finished;
    /**
     * The range {@link NextRange} claimed during this one, with its first read under way (null: none
     * was claimed). The caller owns that claim whatever this range's outcome: process it, or release it.
     */
    public Ahead ahead;

    public void add(Stats o) {
      scanned += o.scanned;
      rewrapped += o.rewrapped;
      conflicted += o.conflicted;
      failed += o.failed;
      plaintext += o.plaintext;
      o.byColumn.forEach((k, v) -> byColumn.merge(k, v, Long::sum));
      o.plaintextByColumn.forEach((k, v) -> plaintextByColumn.merge(k, v, Long::sum));
      o.longest.forEach((k, v) -> longest.merge(k, v, Math::max));
      o.unreadableByColumn.forEach((k, v) -> unreadableByColumn.merge(k, v, Long::sum));
    }
  }

  /** One row as read; also the read-only view a {@link RowContext} gets. */
  private final class Row implements RowContext.Row {
    final List<Object> key;
    final String tenant;
    final Object[] plain; // key, tenant and context columns, in the order of rowColumns
    final Object[] raw; // per column: value, then blind index (null if none)
    final Object[] exact; // per column: the exact compare-and-set operand (null when the value itself is)

    Row(List<Object> key, String tenant, Object[] plain, Object[] raw, Object[] exact) {
      this.key = key;
      this.tenant = tenant;
      this.plain = plain;
      this.raw = raw;
      this.exact = exact;
    }

    /** The row id of row-bound fields without a row context: the value of a single-column key. */
    Object rowId() {
      return key.size() == 1 ? key.get(0) : null;
    }

    @Override
    public Object get(String column) {
      Integer i = rowColumns.get(dev.fieldvault.keys.SqlIdentifier.key(column));
      if (i == null) {
        throw new VaultConfigurationException("A row context of " + table.table() + " reads column " + column
            + ", which its column does not name: add it to rowContext(context, columns...)");
      }
      return plain[i];
    }
  }

  private record Batch(List<Row> rows, boolean full) {
    List<Object> lastKey() {
      return rows.get(rows.size() - 1).key;
    }
  }

  private static final class Prepared {
    final List<RowUpdate> updates = new ArrayList<>();
    final Stats stats = new Stats();
    List<Object> lastKey;
    /** The batch ends the range: fewer rows than a batch were left. */
    boolean last;
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final EncryptedTable table;
  private final TableKey key;
  /** Lower-case name to position of the columns a row context may read: key, tenant, context columns. */
  private final Map<String, Integer> rowColumns = new HashMap<>();
  private final List<ColumnCrypto<?>> columns = new ArrayList<>();
  private final int batchSize;
  private final boolean dryRun;
  private final boolean migrate;
  private final ExecutorService executor;
  private final String selectSql;
  private final CasWriter writes;
  private final boolean[] hasExact;

  public RangeRewrapper(DataSource dataSource, Dialect dialect, FieldCipher cipher, EncryptedTable table,
      TableKey key, int batchSize, boolean dryRun, ExecutorService executor) {
    this(dataSource, dialect, cipher, table, key, batchSize, dryRun, executor, null);
  }

  /**
   * @param migrationTypes the declared column types for a plaintext migration (values whose ciphertext
   *     is longer than its column are left as they are), or null for a rotation
   */
  public RangeRewrapper(DataSource dataSource, Dialect dialect, FieldCipher cipher, EncryptedTable table,
      TableKey key, int batchSize, boolean dryRun, ExecutorService executor, ColumnTypes migrationTypes) {
    this(dataSource, dialect, cipher, table, key, batchSize, dryRun, executor, migrationTypes, null);
  }

  /**
   * @param fromKeyIds in a rotation, only values under these key ids are moved (null: every value off
   *     the primary keys)
   */
  public RangeRewrapper(DataSource dataSource, Dialect dialect, FieldCipher cipher, EncryptedTable table,
      TableKey key, int batchSize, boolean dryRun, ExecutorService executor, ColumnTypes migrationTypes,
      java.util.Set<Integer> fromKeyIds) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.key = key;
    this.batchSize = batchSize;
    this.dryRun = dryRun;
    this.migrate = migrationTypes != null;
    this.executor = executor;
    List<String> plain = new ArrayList<>(key.columns());
    if (table.tenantColumn() != null) {
      plain.add(table.tenantColumn());
    }
    plain.addAll(table.contextColumns());
    for (String c : plain) {
      rowColumns.put(dev.fieldvault.keys.SqlIdentifier.key(c), rowColumns.size());
    }
    StringBuilder cols = new StringBuilder(String.join(", ", plain));
    for (EncryptedColumn c : table.columns()) {
      columns.add(migrate ? ColumnCrypto.of(cipher, c, migrationTypes) : ColumnCrypto.of(cipher, c, fromKeyIds));
      cols.append(", ").append(c.column());
      if (c.blindIndexColumn() != null) {
        cols.append(", ").append(c.blindIndexColumn());
      }
    }
    this.writes = new CasWriter(dialect, table.table(), key, columns, migrate);
    this.hasExact = new boolean[columns.size()];
    for (int k = 0; k < columns.size(); k++) {
      String exact = writes.exactExpression(columns.get(k).column(), "");
      if (exact != null) {
        hasExact[k] = true;
        cols.append(", ").append(exact);
      }
    }
    this.selectSql = "SELECT " + cols + " FROM " + table.table();
  }

  /**
   * Processes the keys in (after, upper]; either bound may be null (open).
   *
   * @param observer called after each committed batch with that batch's counts
   */
  public Stats process(List<Object> after, List<Object> upper, Checkpointer checkpointer, Control control,
      java.util.function.Consumer<Stats> observer) {
    try (Connections connections = new Connections(dataSource)) {
      return process(connections, after, upper, checkpointer, control, observer);
    }
  }

  /**
   * {@link #process(List, List, Checkpointer, Control, java.util.function.Consumer)} on connections the
   * caller keeps across ranges; when it returns (or throws) no read of it is still running.
   */
  public Stats process(Connections connections, List<Object> after, List<Object> upper, Checkpointer checkpointer,
      Control control, java.util.function.Consumer<Stats> observer) {
    return process(connections, new Bounds(after, upper), null, checkpointer, control, observer, null);
  }

  /**
   * Processes the keys in {@code range}, whose first read {@code started} may already be under way
   * (from the previous range's {@link Stats#ahead}, else null); if {@code next} is given, claims the
   * next range once this one's last read is done and starts reading it ({@link Stats#ahead}).
   */
  public Stats process(Connections connections, Bounds range, Ahead started, Checkpointer checkpointer,
      Control control, java.util.function.Consumer<Stats> observer, NextRange next) {
    Stats total = new Stats();
    List<Object> upper = range.upper();
    try {
      Connection reader = connections.reader();
      Connection writer = dryRun ? null : connections.writer();
      CompletableFuture<Batch> read = started != null ? started.read
          : CompletableFuture.supplyAsync(() -> read(reader, range.after(), upper), executor);
      CompletableFuture<Prepared> pending = null;
      boolean done = false;
      try {
        while (true) {
          Batch batch = join(read);
          read = null;
          if (!batch.full() && next != null && !control.stopRequested()) {
            // this range's reads are done: claim the next range and read its first batch meanwhile
            Bounds following = next.claim();
            next = null;
            if (following != null) {
              total.ahead = new Ahead(following,
                  CompletableFuture.supplyAsync(() -> read(reader, following.after(), following.upper()), executor));
            }
          }
          if (batch.rows().isEmpty()) {
            break;
          }
          if (batch.full()) {
            List<Object> after = batch.lastKey();
            read = CompletableFuture.supplyAsync(() -> read(reader, after, upper), executor);
          }
          CompletableFuture<Prepared> crypto = CompletableFuture.supplyAsync(() -> prepare(batch), executor);
          if (pending != null && !write(writer, join(pending), checkpointer, control, observer, total)) {
            pending = crypto;
            break;
          }
          pending = crypto;
          if (read == null) {
            break;
          }
          if (control.stopRequested()) {
            total.stopped = true;
            break;
          }
        }
        if (pending != null && !total.leaseLost && !total.stopped) {
          CompletableFuture<Prepared> last = pending;
          pending = null;
          write(writer, join(last), checkpointer, control, observer, total);
        }
        done = true;
      } finally {
        // never close a connection under a running read
        quietly(read);
        quietly(pending);
        if (!done && total.ahead != null) {
          // failing: the next range's claim lapses with its lease (or this worker takes it back on restart)
          total.ahead.discard();
        }
      }
    } catch (SQLException e) {
      throw new dev.fieldvault.jdbc.keystore.VaultStorageException("Rewrapping " + table.table() + " failed: "
          + e.getMessage() + " (the rotation resumes from its last checkpoint when run again)", e);
    }
    return total;
  }

  private Batch read(Connection c, List<Object> after, List<Object> upper) {
    StringBuilder sql = new StringBuilder(selectSql);
    if (after != null || upper != null) {
      sql.append(" WHERE ");
      if (after != null) {
        sql.append('(').append(key.after()).append(')');
      }
      if (upper != null) {
        sql.append(after != null ? " AND " : "").append('(').append(key.atMost()).append(')');
      }
    }
    sql.append(" ORDER BY ").append(key.columnList()).append(" LIMIT ").append(batchSize);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (after != null) {
        i = key.bindBound(ps, i, after);
      }
      if (upper != null) {
        key.bindBound(ps, i, upper);
      }
      List<Row> rows = new ArrayList<>(batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
      return new Batch(rows, rows.size() == batchSize);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private Row row(ResultSet rs) throws SQLException {
    List<Object> rowKey = key.read(rs, 1);
    Object[] plain = new Object[rowColumns.size()];
    for (int i = 0; i < rowKey.size(); i++) {
      plain[i] = rowKey.get(i);
    }
    int col = 1 + rowKey.size();
    String tenant = null;
    if (table.tenantColumn() != null) {
      tenant = rs.getString(col);
      plain[col++ - 1] = tenant;
    }
    while (col <= plain.length) {
      plain[col - 1] = normalized(rs.getObject(col));
      col++;
    }
    Object[] raw = new Object[columns.size() * 2];
    for (int k = 0; k < columns.size(); k++) {
      EncryptedColumn ec = columns.get(k).column();
      raw[2 * k] = get(rs, col++, ec.storage());
      if (ec.blindIndexColumn() != null) {
        raw[2 * k + 1] = get(rs, col++, ec.blindIndexStorage());
      }
    }
    Object[] exact = null;
    for (int k = 0; k < columns.size(); k++) {
      if (hasExact[k]) {
        if (exact == null) {
          exact = new Object[columns.size()];
        }
        exact[k] = writes.exactIsBinary() ? rs.getBytes(col++) : rs.getString(col++);
      }
    }
    return new Row(rowKey, tenant, plain, raw, exact);
  }

  /** Integral numbers as Long, character values as String (what {@link RowContext.Row} promises). */
  private static Object normalized(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger && ((java.math.BigInteger) v).bitLength() < 64) {
      return ((java.math.BigInteger) v).longValue();
    }
    if (v instanceof CharSequence) {
      return v.toString();
    }
    return v;
  }

  private static Object get(ResultSet rs, int index, ColumnStorage storage) throws SQLException {
    return storage == ColumnStorage.BINARY ? rs.getBytes(index) : rs.getString(index);
  }

  private Prepared prepare(Batch batch) {
    Prepared p = new Prepared();
    p.lastKey = batch.rows().isEmpty() ? null : batch.lastKey();
    p.last = !batch.full();
    p.stats.scanned = batch.rows().size();
    int n = columns.size();
    Map<String, Integer> prfPrimaries = new HashMap<>();
    for (Row row : batch.rows()) {
      int mask = 0;
      Object[] values = null;
      Object[] bis = null;
      boolean failed = false;
      for (int k = 0; k < n; k++) {
        Object raw = row.raw[2 * k];
        if (raw == null) {
          continue;
        }
        ColumnCrypto<?> cc = columns.get(k);
        EncryptionContext context;
        try {
          context = cc.context(row.tenant, row.rowId(), row);
        } catch (RuntimeException e) {
          LOG.warn("{}.{} of key {}: its context cannot be computed, so it is left as is: {}", table.table(),
              cc.column().column(), row.key, e.toString());
          p.stats.unreadableByColumn.merge(cc.column().column(), 1L, Long::sum);
          failed = true;
          continue;
        }
        ColumnCrypto.Verdict v = migrate
            ? cc.classifyForMigration(raw, row.raw[2 * k + 1], context, row.tenant, prfPrimaries)
            : cc.classify(raw, row.raw[2 * k + 1], context, row.tenant, prfPrimaries);
        if (v == ColumnCrypto.Verdict.FAILED) {
          failed = true;
          continue;
        }
        if (v == ColumnCrypto.Verdict.UNREADABLE) {
          LOG.warn("{}.{} of key {} has the form of a ciphertext but cannot be decrypted here (an unknown, disabled or"
              + " destroyed key, a tenant without keyring, or it fails to authenticate in this place): left as it is,"
              + " not taken for plaintext", table.table(),
              cc.column().column(), row.key);
          p.stats.unreadableByColumn.merge(cc.column().column(), 1L, Long::sum);
          failed = true;
          continue;
        }
        if (migrate) {
          p.stats.longest.merge(cc.column().column(), ColumnCrypto.storedLength(raw), Math::max);
        }
        if (v == ColumnCrypto.Verdict.CURRENT) {
          continue;
        }
        if (v == ColumnCrypto.Verdict.PLAINTEXT) {
          try {
            ColumnCrypto.Rewrapped r = cc.encryptPlaintext(raw, context, row.tenant);
            p.stats.longest.merge(cc.column().column(), ColumnCrypto.storedLength(r.value()), Math::max);
            if (values == null) {
              values = new Object[n];
              bis = new Object[n];
            }
            values[k] = r.value();
            bis[k] = r.blindIndex();
          } catch (ColumnCrypto.TooLongException e) {
            LOG.warn("{}.{} of key {} is plaintext but is left as it is: {}; widen the column (the migration plan"
                + " prints the DDL)", table.table(), cc.column().column(), row.key, e.getMessage());
            failed = true;
            continue;
          } catch (FieldVaultException e) {
            LOG.warn("{}.{} of key {} is plaintext but cannot be encrypted, so it is left as it is: {}", table.table(),
                cc.column().column(), row.key, e.getMessage());
            p.stats.unreadableByColumn.merge(cc.column().column(), 1L, Long::sum);
            failed = true;
            continue;
          }
          mask |= 1 << k;
          p.stats.plaintext++;
          p.stats.byColumn.merge(cc.column().column(), 1L, Long::sum);
          p.stats.plaintextByColumn.merge(cc.column().column(), 1L, Long::sum);
          continue;
        }
        if (!dryRun) {
          try {
            ColumnCrypto.Rewrapped r = cc.rewrap(raw, context, row.tenant, row.rowId());
            if (values == null) {
              values = new Object[n];
              bis = new Object[n];
            }
            values[k] = r.value();
            bis[k] = r.blindIndex();
          } catch (FieldVaultException e) {
            LOG.warn("{}.{} of key {} cannot be rewrapped and is left as is: {}", table.table(), cc.column().column(),
                row.key, e.getMessage());
            failed = true;
            continue;
          }
        }
        mask |= 1 << k;
        p.stats.byColumn.merge(cc.column().column(), 1L, Long::sum);
      }
      if (failed) {
        p.stats.failed++;
      }
      if (mask != 0) {
        if (dryRun) {
          p.stats.rewrapped++;
        } else {
          p.updates.add(new RowUpdate(row.key, mask, row.raw, values, bis, row.exact));
        }
      }
    }
    return p;
  }

  private boolean write(Connection writer, Prepared p, Checkpointer checkpointer, Control control,
      java.util.function.Consumer<Stats> observer, Stats total) throws SQLException {
    if (!dryRun) {
      try {
        List<RowUpdate> conflicts = new ArrayList<>();
        long updated = writes.apply(writer, p.updates, conflicts);
        long conflicted = conflicts.size();
        if (!conflicts.isEmpty()) {
          // the application changed these rows since they were read: lock them, read them again and
          // rewrap what is still stale, so that a skipped row is picked up now, not by another pass
          List<RowUpdate> again = new ArrayList<>();
          updated += writes.apply(writer, prepare(new Batch(lockAndRead(writer, conflicts), false)).updates, again);
          if (!again.isEmpty()) {
            LOG.warn("{}: {} rows changed again while locked and are left for a later pass", table.table(), again.size());
          }
        }
        p.stats.rewrapped = updated;
        p.stats.conflicted = conflicted;
        if (!checkpointer.record(writer, key.toText(p.lastKey), p.stats.scanned, p.stats.rewrapped,
            p.stats.conflicted, p.last)) {
          writer.rollback();
          total.leaseLost = true;
          LOG.warn("{}: the lease of a range was lost to another worker; its last batch was rolled back", table.table());
          return false;
        }
        writer.commit();
        total.finished = p.last;
      } catch (SQLException | RuntimeException e) {
        writer.rollback();
        throw e;
      }
    }
    total.add(p.stats);
    observer.accept(p.stats);
    control.afterBatch(p.stats.scanned);
    return true;
  }

  /** The current content of these rows, locked until the batch commits. */
  private List<Row> lockAndRead(Connection c, List<RowUpdate> stale) throws SQLException {
    String where = key.size() == 1
        ? key.columnList() + " IN (" + String.join(", ", java.util.Collections.nCopies(stale.size(), "?")) + ")"
        : String.join(" OR ", java.util.Collections.nCopies(stale.size(), "(" + key.equalTo("") + ")"));
    try (PreparedStatement ps = c.prepareStatement(selectSql + " WHERE " + where + " ORDER BY " + key.columnList()
        + " FOR UPDATE")) {
      int i = 1;
      for (RowUpdate u : stale) {
        i = key.bind(ps, i, u.key());
      }
      List<Row> rows = new ArrayList<>(stale.size());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
      return rows;
    }
  }

  private static <T> T join(CompletableFuture<T> f) throws SQLException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException) {
        throw (SQLException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  private static void quietly(CompletableFuture<?> f) {
    if (f != null) {
      try {
        f.join();
      } catch (RuntimeException ignored) {
        // the error of a batch we no longer need
      }
    }
  }
}
