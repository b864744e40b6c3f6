package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.jdbc.ColumnStorage;
import dev.fieldvault.jdbc.rotation.EncryptedColumn;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldVaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewraps one key range of one table: keyset pagination in primary-key order, header-based
 * selection, re-encryption, compare-and-set writes and a checkpoint per committed batch. Reading
 * batch n+1, encrypting batch n and writing batch n-1 overlap, on two helper threads and the
 * caller's. At most three batches are in memory. Internal.
 */
public final class RangeRewrapper {

  private static final Logger LOG = LoggerFactory.getLogger(RangeRewrapper.class);
  /** PostgreSQL accepts at most 65535 bind parameters per statement; stay well below. */
  private static final int MAX_PARAMETERS = 30_000;

  /** Records a batch in the batch's own transaction; false if the range is no longer ours. */
  @FunctionalInterface
  public interface Checkpointer {
    boolean record(Connection tx, String lastKey, long scanned, long rewrapped, long conflicted) throws SQLException;
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
    public final Map<String, Long> byColumn = new LinkedHashMap<>();
    public boolean leaseLost;
    public boolean stopped;

    void add(Stats o) {
      scanned += o.scanned;
      rewrapped += o.rewrapped;
      conflicted += o.conflicted;
      failed += o.failed;
      o.byColumn.forEach((k, v) -> byColumn.merge(k, v, Long::sum));
    }
  }

  private static final class Row {
    final Object key;
    final String tenant;
    final Object[] raw; // per column: value, then blind index (null if none)

    Row(Object key, String tenant, Object[] raw) {
      this.key = key;
      this.tenant = tenant;
      this.raw = raw;
    }
  }

  private record Batch(List<Row> rows, boolean full) {
    Object lastKey() {
      return rows.get(rows.size() - 1).key;
    }
  }

  private record Update(Object key, int mask, Object[] old, Object[] values, Object[] blindIndexes) {}

  private static final class Prepared {
    final List<Update> updates = new ArrayList<>();
    final Stats stats = new Stats();
    Object lastKey;
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final EncryptedTable table;
  private final KeyCodec codec;
  private final List<ColumnCrypto<?>> columns = new ArrayList<>();
  private final int batchSize;
  private final boolean dryRun;
  private final ExecutorService executor;
  private final String selectSql;

  public RangeRewrapper(DataSource dataSource, Dialect dialect, FieldCipher cipher, EncryptedTable table,
      KeyCodec codec, int batchSize, boolean dryRun, ExecutorService executor) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.codec = codec;
    this.batchSize = batchSize;
    this.dryRun = dryRun;
    this.executor = executor;
    StringBuilder cols = new StringBuilder(table.primaryKey());
    if (table.tenantColumn() != null) {
      cols.append(", ").append(table.tenantColumn());
    }
    for (EncryptedColumn c : table.columns()) {
      columns.add(ColumnCrypto.of(cipher, c));
      cols.append(", ").append(c.column());
      if (c.blindIndexColumn() != null) {
        cols.append(", ").append(c.blindIndexColumn());
      }
    }
    this.selectSql = "SELECT " + cols + " FROM " + table.table();
  }

  /**
   * Processes the keys in (after, upper]; either bound may be null (open).
   *
   * @param observer called after each committed batch with that batch's counts
   */
  public Stats process(Object after, Object upper, Checkpointer checkpointer, Control control,
      java.util.function.Consumer<Stats> observer) {
    Stats total = new Stats();
    try (Connection reader = dataSource.getConnection(); Connection writer = dryRun ? null : dataSource.getConnection()) {
      if (writer != null) {
        writer.setAutoCommit(false);
      }
      CompletableFuture<Batch> read = CompletableFuture.supplyAsync(() -> read(reader, after, upper), executor);
      CompletableFuture<Prepared> pending = null;
      try {
        while (true) {
          Batch batch = join(read);
          read = null;
          if (batch.rows().isEmpty()) {
            break;
          }
          if (batch.full()) {
            Object next = batch.lastKey();
            read = CompletableFuture.supplyAsync(() -> read(reader, next, upper), executor);
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
      } finally {
        // never close a connection under a running read
        quietly(read);
        quietly(pending);
      }
    } catch (SQLException e) {
      throw new dev.fieldvault.jdbc.keystore.VaultStorageException("Rewrapping " + table.table() + " failed: "
          + e.getMessage() + " (the rotation resumes from its last checkpoint when run again)", e);
    }
    return total;
  }

  private Batch read(Connection c, Object after, Object upper) {
    StringBuilder sql = new StringBuilder(selectSql);
    String pk = table.primaryKey();
    if (after != null || upper != null) {
      sql.append(" WHERE ");
      if (after != null) {
        sql.append(pk).append(" > ?");
      }
      if (upper != null) {
        sql.append(after != null ? " AND " : "").append(pk).append(" <= ?");
      }
    }
    sql.append(" ORDER BY ").append(pk).append(" LIMIT ").append(batchSize);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (after != null) {
        codec.bind(ps, i++, after);
      }
      if (upper != null) {
        codec.bind(ps, i, upper);
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
    int col = 1;
    Object key = codec.read(rs, col++);
    String tenant = table.tenantColumn() == null ? null : rs.getString(col++);
    Object[] raw = new Object[columns.size() * 2];
    for (int k = 0; k < columns.size(); k++) {
      EncryptedColumn ec = columns.get(k).column();
      raw[2 * k] = get(rs, col++, ec.storage());
      if (ec.blindIndexColumn() != null) {
        raw[2 * k + 1] = get(rs, col++, ec.blindIndexStorage());
      }
    }
    return new Row(key, tenant, raw);
  }

  private static Object get(ResultSet rs, int index, ColumnStorage storage) throws SQLException {
    return storage == ColumnStorage.BINARY ? rs.getBytes(index) : rs.getString(index);
  }

  private Prepared prepare(Batch batch) {
    Prepared p = new Prepared();
    p.lastKey = batch.rows().isEmpty() ? null : batch.lastKey();
    p.stats.scanned = batch.rows().size();
    int n = columns.size();
    Map<String, Integer> prfPrimaries = new java.util.HashMap<>();
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
        ColumnCrypto.Verdict v = cc.classify(raw, row.raw[2 * k + 1], row.tenant, row.key, prfPrimaries);
        if (v == ColumnCrypto.Verdict.FAILED) {
          failed = true;
          continue;
        }
        if (v == ColumnCrypto.Verdict.CURRENT) {
          continue;
        }
        if (!dryRun) {
          try {
            ColumnCrypto.Rewrapped r = cc.rewrap(raw, row.tenant, row.key);
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
          p.updates.add(new Update(row.key, mask, row.raw, values, bis));
        }
      }
    }
    return p;
  }

  private boolean write(Connection writer, Prepared p, Checkpointer checkpointer, Control control,
      java.util.function.Consumer<Stats> observer, Stats total) throws SQLException {
    if (!dryRun) {
      try {
        List<Update> conflicts = new ArrayList<>();
        long updated = apply(writer, p.updates, conflicts);
        long conflicted = conflicts.size();
        if (!conflicts.isEmpty()) {
          // the application changed these rows since they were read: lock them, read them again and
          // rewrap what is still stale, so that a skipped row is picked up now, not by another pass
          List<Update> again = new ArrayList<>();
          updated += apply(writer, prepare(new Batch(lockAndRead(writer, conflicts), false)).updates, again);
          if (!again.isEmpty()) {
            LOG.warn("{}: {} rows changed again while locked and are left for a later pass", table.table(), again.size());
          }
        }
        p.stats.rewrapped = updated;
        p.stats.conflicted = conflicted;
        if (!checkpointer.record(writer, codec.toText(p.lastKey), p.stats.scanned, p.stats.rewrapped,
            p.stats.conflicted)) {
          writer.rollback();
          total.leaseLost = true;
          LOG.warn("{}: the lease of a range was lost to another worker; its last batch was rolled back", table.table());
          return false;
        }
        writer.commit();
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

  private long apply(Connection writer, List<Update> updates, List<Update> conflicts) throws SQLException {
    long updated = 0;
    Map<Integer, List<Update>> byMask = new LinkedHashMap<>();
    for (Update u : updates) {
      byMask.computeIfAbsent(u.mask(), m -> new ArrayList<>()).add(u);
    }
    for (Map.Entry<Integer, List<Update>> e : byMask.entrySet()) {
      updated += dialect.setBasedUpdate() ? writeSetBased(writer, e.getKey(), e.getValue(), conflicts)
          : writeBatched(writer, e.getKey(), e.getValue(), conflicts);
    }
    return updated;
  }

  /** The current content of these rows, locked until the batch commits. */
  private List<Row> lockAndRead(Connection c, List<Update> stale) throws SQLException {
    String marks = String.join(", ", java.util.Collections.nCopies(stale.size(), "?"));
    try (PreparedStatement ps = c.prepareStatement(selectSql + " WHERE " + table.primaryKey() + " IN (" + marks
        + ") ORDER BY " + table.primaryKey() + " FOR UPDATE")) {
      int i = 1;
      for (Update u : stale) {
        codec.bind(ps, i++, u.key());
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

  /** {@code UPDATE t SET c = v.n ... FROM (VALUES ...) v WHERE t.pk = v.k AND t.c = v.o}: one statement per chunk. */
  private long writeSetBased(Connection c, int mask, List<Update> updates, List<Update> conflicts) throws SQLException {
    List<Integer> cols = columnsOf(mask);
    StringBuilder set = new StringBuilder();
    StringBuilder alias = new StringBuilder("k");
    StringBuilder where = new StringBuilder("fv_t." + table.primaryKey() + " = fv_v.k");
    int perRow = 1;
    for (int k : cols) {
      EncryptedColumn ec = columns.get(k).column();
      set.append(set.length() == 0 ? "" : ", ").append(ec.column()).append(" = fv_v.n").append(k);
      alias.append(", o").append(k).append(", n").append(k);
      where.append(" AND fv_t.").append(ec.column()).append(" = fv_v.o").append(k);
      perRow += 2;
      if (ec.blindIndexColumn() != null) {
        set.append(", ").append(ec.blindIndexColumn()).append(" = fv_v.b").append(k);
        alias.append(", b").append(k);
        perRow++;
      }
    }
    String row = "(" + String.join(", ", java.util.Collections.nCopies(perRow, "?")) + ")";
    int chunk = Math.max(1, MAX_PARAMETERS / perRow);
    long updated = 0;
    for (int from = 0; from < updates.size(); from += chunk) {
      List<Update> part = updates.subList(from, Math.min(updates.size(), from + chunk));
      String sql = "UPDATE " + table.table() + " AS fv_t SET " + set + " FROM (VALUES "
          + String.join(", ", java.util.Collections.nCopies(part.size(), row)) + ") AS fv_v(" + alias + ") WHERE "
          + where + " RETURNING fv_t." + table.primaryKey();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        for (Update u : part) {
          codec.bind(ps, i++, u.key());
          for (int k : cols) {
            EncryptedColumn ec = columns.get(k).column();
            bind(ps, i++, u.old()[2 * k], ec.storage());
            bind(ps, i++, u.values()[k], ec.storage());
            if (ec.blindIndexColumn() != null) {
              bind(ps, i++, u.blindIndexes()[k], ec.blindIndexStorage());
            }
          }
        }
        java.util.Set<Object> done = new java.util.HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            done.add(codec.read(rs, 1));
          }
        }
        updated += done.size();
        for (Update u : part) {
          if (!done.contains(u.key())) {
            conflicts.add(u);
          }
        }
      }
    }
    return updated;
  }

  /** {@code UPDATE t SET c = ? WHERE pk = ? AND c = ?} as a JDBC batch. */
  private long writeBatched(Connection c, int mask, List<Update> updates, List<Update> conflicts) throws SQLException {
    List<Integer> cols = columnsOf(mask);
    StringBuilder set = new StringBuilder();
    StringBuilder where = new StringBuilder(table.primaryKey() + " = ?");
    for (int k : cols) {
      EncryptedColumn ec = columns.get(k).column();
      set.append(set.length() == 0 ? "" : ", ").append(ec.column()).append(" = ?");
      if (ec.blindIndexColumn() != null) {
        set.append(", ").append(ec.blindIndexColumn()).append(" = ?");
      }
      where.append(" AND ").append(ec.column()).append(" = ?");
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + table.table() + " SET " + set + " WHERE " + where)) {
      for (Update u : updates) {
        int i = 1;
        for (int k : cols) {
          EncryptedColumn ec = columns.get(k).column();
          bind(ps, i++, u.values()[k], ec.storage());
          if (ec.blindIndexColumn() != null) {
            bind(ps, i++, u.blindIndexes()[k], ec.blindIndexStorage());
          }
        }
        codec.bind(ps, i++, u.key());
        for (int k : cols) {
          bind(ps, i++, u.old()[2 * k], columns.get(k).column().storage());
        }
        ps.addBatch();
      }
      long updated = 0;
      int[] counts = ps.executeBatch();
      for (int r = 0; r < counts.length; r++) {
        int n = counts[r];
        if (n == 0) {
          conflicts.add(updates.get(r));
        }
        if (n == Statement.SUCCESS_NO_INFO) {
          throw new SQLException("the driver does not report per-row update counts for batches, which"
              + " compare-and-set needs (MariaDB: do not set useBulkStmts=true on the rewrapper's DataSource)");
        }
        updated += n;
      }
      return updated;
    }
  }

  private List<Integer> columnsOf(int mask) {
    List<Integer> out = new ArrayList<>();
    for (int k = 0; k < columns.size(); k++) {
      if ((mask & (1 << k)) != 0) {
        out.add(k);
      }
    }
    return out;
  }

  private static void bind(PreparedStatement ps, int index, Object value, ColumnStorage storage) throws SQLException {
    if (storage == ColumnStorage.BINARY) {
      ps.setBytes(index, (byte[]) value);
    } else {
      ps.setString(index, (String) value);
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
