package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.keystore.internal.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation work tables: the key ranges of each table of a rotation, claimed by workers with
 * leases through {@code SELECT ... FOR UPDATE SKIP LOCKED}, and their checkpoints. Internal.
 */
public final class WorkTable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkTable.class);

  /** A claimed range: (lower, upper], resuming after checkpoint when there is one. */
  public record Claim(String table, int rangeNo, int claimCount, String lowerKey, String upperKey,
      String checkpointKey) {
    /** The key to continue after (exclusive), or null to start at the beginning of the table. */
    public String resumeAfter() {
      return checkpointKey != null ? checkpointKey : lowerKey;
    }
  }

  /** Totals over all ranges of a table. */
  public record Totals(long totalRows, long scanned, long rewrapped, long conflicted, int ranges, int done,
      long earliestLease) {}

  private final DataSource dataSource;
  private final VaultTables names;
  private final Dialect dialect;
  private final String rotationId;
  private final String workerId;
  private final long leaseMillis;

  public WorkTable(DataSource dataSource, VaultTables names, Dialect dialect, String rotationId, String workerId,
      long leaseMillis) {
    this.dataSource = dataSource;
    this.names = names;
    this.dialect = dialect;
    this.rotationId = rotationId;
    this.workerId = workerId;
    this.leaseMillis = leaseMillis;
  }

  /**
   * Splits the table into ranges of about {@code rangeSize} keys, once per rotation: the worker
   * whose insert of the rotation row succeeds plans, the others wait for its commit. The last range
   * ends at the greatest key the table holds at plan time (an empty table gets one range, already
   * done): rows inserted later are written under the new primary keys and are not chased, so a run
   * finishes under sustained inserts. A value written under an old key after planning is found by
   * the final inventory, which re-opens the table for another pass ({@link #reopen}).
   */
  public void ensurePlanned(String table, TableKey key, int rangeSize) {
    try (Connection c = dataSource.getConnection()) {
      if (planned(c, table)) {
        return;
      }
      for (int attempt = 1; ; attempt++) {
        c.setAutoCommit(false);
        try {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + names.rotation()
              + " (rotation_id, table_name, range_count, total_rows, created_at) VALUES (?, ?, 0, 0, ?)")) {
            ps.setString(1, rotationId);
            ps.setString(2, table);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
          }
          break;
        } catch (SQLException duplicate) {
          c.rollback();
          c.setAutoCommit(true);
          if (planned(c, table)) {
            return; // another worker planned it meanwhile
          }
          if (attempt == 3) {
            throw duplicate;
          }
          // no plan was committed: the worker that was planning gave up (its failure is its own; this one
          // plans and reports the cause itself, rather than the deadlock MariaDB may give its waiting inserts)
        }
      }
      try {
        plan(c, table, key, rangeSize);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw fail("plan the key ranges of " + table + " in", e);
    }
  }

  /** Plans the ranges of a table on {@code c}, whose transaction holds the table's new rotation row; commits. */
  private void plan(Connection c, String table, TableKey key, int rangeSize) throws SQLException {
    long total = count(c, table);
    List<String> bounds = boundaries(c, table, key, rangeSize);
    String last = greatestKey(c, table, key);
    if (last != null && (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(last))) {
      bounds.add(last);
    }
    int ranges = Math.max(1, bounds.size());
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + names.rotationRange()
        + " (rotation_id, table_name, range_no, lower_key, upper_key, state, owner, claim_count, lease_until,"
        + " checkpoint_key, rows_scanned, rows_rewrapped, rows_conflicted)"
        + " VALUES (?, ?, ?, ?, ?, ?, NULL, 0, 0, NULL, 0, 0, 0)")) {
      String lower = null;
      for (int i = 0; i < ranges; i++) {
        String upper = bounds.isEmpty() ? null : bounds.get(i);
        ins.setString(1, rotationId);
        ins.setString(2, table);
        ins.setInt(3, i);
        ins.setString(4, lower);
        ins.setString(5, upper);
        ins.setString(6, bounds.isEmpty() ? "DONE" : "PENDING"); // an empty table has nothing to scan
        ins.addBatch();
        lower = upper;
      }
      ins.executeBatch();
    }
    verifyStored(c, table, bounds, ranges);
    try (PreparedStatement upd = c.prepareStatement("UPDATE " + names.rotation()
        + " SET range_count = ?, total_rows = ? WHERE rotation_id = ? AND table_name = ?")) {
      upd.setInt(1, ranges);
      upd.setLong(2, total);
      upd.setString(3, rotationId);
      upd.setString(4, table);
      upd.executeUpdate();
    }
    c.commit();
    LOG.info("Rotation {}: planned {} ranges over {} rows of {}, up to the key {} (rows inserted later are"
        + " already under the new keys)", rotationId, ranges, total, table, last == null ? "(none: empty)" : last);
  }

  /**
   * Reads the bounds just inserted back and compares them with what was written: a work table whose key
   * columns cannot hold a key exactly (a MariaDB/MySQL latin1 column, which strict mode refuses but
   * {@code sql_mode=''} stores as {@code ?}) would otherwise walk other ranges than planned.
   */
  private void verifyStored(Connection c, String table, List<String> bounds, int ranges) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT range_no, lower_key, upper_key FROM " + names.rotationRange()
        + " WHERE rotation_id = ? AND table_name = ? ORDER BY range_no")) {
      ps.setString(1, rotationId);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        int n = 0;
        while (rs.next()) {
          int i = rs.getInt(1);
          String upper = bounds.isEmpty() ? null : bounds.get(i);
          String lower = i == 0 || bounds.isEmpty() ? null : bounds.get(i - 1);
          if (!Objects.equals(lower, rs.getString(2))) {
            throw inexact(table, "range " + i + "'s lower bound", lower);
          }
          if (!Objects.equals(upper, rs.getString(3))) {
            throw inexact(table, "range " + i + "'s upper bound", upper);
          }
          n++;
        }
        if (n != ranges) {
          throw new SQLException("planned " + ranges + " ranges of " + table + " but " + n + " read back");
        }
      }
    }
  }

  /** A key text that the work table did not store as written (the key itself is not named: it may be personal). */
  private VaultStorageException inexact(String table, String what, String text) {
    return new VaultStorageException("Rotation " + rotationId + ": " + names.rotationRange() + " does not store the"
        + " keys of " + table + " exactly (" + what + ", a key of " + (text == null ? 0 : text.length())
        + " characters, reads back changed): its lower_key, upper_key and checkpoint_key columns cannot hold every"
        + " character of the table's keys. Update the FieldVault tables with the shipped changelog (changeset"
        + " fieldvault-rotation-3-exact-keys) or VaultTables.install, which make them utf8mb4 on MariaDB/MySQL,"
        + " and run the rotation again; nothing of " + table + " was planned or rewrapped", null);
  }

  /**
   * Forgets the plan of a table whose ranges are all done, so the next run of this rotation plans
   * and scans it again (values were found still off the primary keys after the scan). Does nothing
   * (false) while a range of it is not done: the workers still on it finish first.
   */
  public boolean reopen(String table) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("SELECT range_count FROM " + names.rotation()
            + " WHERE rotation_id = ? AND table_name = ? FOR UPDATE")) {
          lock.setString(1, rotationId);
          lock.setString(2, table);
          try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
              c.commit();
              return false; // another worker re-opened it already
            }
          }
        }
        try (PreparedStatement open = c.prepareStatement("SELECT COUNT(*) FROM " + names.rotationRange()
            + " WHERE rotation_id = ? AND table_name = ? AND state <> 'DONE'")) {
          open.setString(1, rotationId);
          open.setString(2, table);
          try (ResultSet rs = open.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
              c.commit();
              return false;
            }
          }
        }
        for (String t : List.of(names.rotationRange(), names.rotation())) {
          try (PreparedStatement del = c.prepareStatement("DELETE FROM " + t + " WHERE rotation_id = ? AND table_name = ?")) {
            del.setString(1, rotationId);
            del.setString(2, table);
            del.executeUpdate();
          }
        }
        c.commit();
        LOG.info("Rotation {}: re-opened {} for another pass", rotationId, table);
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw fail("re-open " + table + " in", e);
    }
  }

  private boolean planned(Connection c, String table) throws SQLException {
    // a planning worker commits the rotation row and its ranges together; wait for it briefly
    for (int attempt = 0; ; attempt++) {
      try (PreparedStatement ps = c.prepareStatement("SELECT range_count FROM " + names.rotation()
          + " WHERE rotation_id = ? AND table_name = ?")) {
        ps.setString(1, rotationId);
        ps.setString(2, table);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          if (rs.getInt(1) > 0) {
            return true;
          }
        }
      }
      if (attempt > 600) {
        throw new SQLException("the rotation row of " + table + " exists but has no ranges");
      }
      sleep(100);
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The text of the table's greatest key now, or null for an empty table. */
  private static String greatestKey(Connection c, String table, TableKey key) throws SQLException {
    String desc = String.join(" DESC, ", key.columns()) + " DESC";
    try (PreparedStatement ps = c.prepareStatement("SELECT " + key.columnList() + " FROM " + table + " ORDER BY " + desc
        + " LIMIT 1"); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? key.toText(key.read(rs, 1)) : null;
    }
  }

  /** The rows of a table now (a dry run sizes its progress with it). */
  public static long rowCount(DataSource dataSource, String table) {
    try (Connection c = dataSource.getConnection()) {
      return count(c, table);
    } catch (SQLException e) {
      throw new VaultStorageException("Could not count the rows of " + table + ": " + e.getMessage(), e);
    }
  }

  private static List<String> boundaries(Connection c, String table, TableKey key, int rangeSize)
      throws SQLException {
    List<String> out = new ArrayList<>();
    String cols = key.columnList();
    String tail = " ORDER BY " + cols + " LIMIT 1 OFFSET " + (rangeSize - 1);
    String first = "SELECT " + cols + " FROM " + table + tail;
    String next = "SELECT " + cols + " FROM " + table + " WHERE " + key.after() + tail;
    List<Object> after = null;
    while (true) {
      try (PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
        if (after != null) {
          key.bindBound(ps, 1, after);
        }
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return out;
          }
          after = key.read(rs, 1);
          out.add(key.toText(after));
        }
      }
    }
  }

  /** Claims a pending range, or one whose lease expired (or that this worker held before a restart). */
  public Optional<Claim> claim(String table) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      return claim(c, table);
    } catch (SQLException e) {
      throw fail("claim a key range of " + table + " in", e);
    }
  }

  /**
   * {@link #claim(String)} on a connection the caller keeps across ranges (not in auto-commit): the
   * claim commits its own transaction, so the connection holds none afterwards.
   */
  public Optional<Claim> claim(Connection c, String table) {
    return claim(c, table, null);
  }

  /**
   * {@link #claim(Connection, String)} of a range other than {@code held} (a range this worker still
   * processes, which a claim would otherwise take back as its own), or of any when {@code held} is null.
   */
  public Optional<Claim> claim(Connection c, String table, Claim held) {
    long now = System.currentTimeMillis();
    String select = "SELECT range_no, claim_count, lower_key, upper_key, checkpoint_key FROM " + names.rotationRange()
        + " WHERE rotation_id = ? AND table_name = ? AND (state = 'PENDING' OR (state = 'CLAIMED'"
        + " AND (lease_until < ? OR owner = ?)))" + (held != null ? " AND range_no <> ?" : "")
        + " ORDER BY range_no LIMIT 1" + dialect.lockSkipLocked();
    String update = "UPDATE " + names.rotationRange() + " SET state = 'CLAIMED', owner = ?, lease_until = ?,"
        + " claim_count = claim_count + 1 WHERE rotation_id = ? AND table_name = ? AND range_no = ? AND claim_count = ?";
    try {
      try {
        Claim claim = null;
        try (PreparedStatement ps = c.prepareStatement(select)) {
          ps.setString(1, rotationId);
          ps.setString(2, table);
          ps.setLong(3, now);
          ps.setString(4, workerId);
          if (held != null) {
            ps.setInt(5, held.rangeNo());
          }
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              claim = new Claim(table, rs.getInt(1), rs.getInt(2) + 1, rs.getString(3), rs.getString(4),
                  rs.getString(5));
            }
          }
        }
        if (claim == null) {
          c.commit();
          return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(update)) {
          ps.setString(1, workerId);
          ps.setLong(2, now + leaseMillis);
          ps.setString(3, rotationId);
          ps.setString(4, table);
          ps.setInt(5, claim.rangeNo());
          ps.setInt(6, claim.claimCount() - 1);
          int n = ps.executeUpdate();
          c.commit();
          if (n != 1) {
            return claim(c, table, held); // another worker took it between our read and write: try the next
          }
        }
        LOG.debug("Rotation {}: worker {} claimed range {} of {} (resuming after {})", rotationId, workerId,
            claim.rangeNo(), table, claim.resumeAfter());
        return Optional.of(claim);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw fail("claim a key range of " + table + " in", e);
    }
  }

  /**
   * Records the progress of a batch in the caller's transaction (the one that wrote the batch),
   * extending the lease; false if this worker no longer holds the range (lease lost). When
   * {@code last} (the batch reached the end of the range) it also marks the range done: the range's
   * last batch and its completion commit together, one statement instead of a checkpoint and a
   * {@link #finish}.
   */
  public boolean checkpoint(Connection tx, Claim claim, String lastKey, long scanned, long rewrapped,
      long conflicted, boolean last) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement("UPDATE " + names.rotationRange() + " SET checkpoint_key = ?,"
        + (last ? " state = 'DONE'," : "") + " lease_until = ?,"
        + " rows_scanned = rows_scanned + ?, rows_rewrapped = rows_rewrapped + ?,"
        + " rows_conflicted = rows_conflicted + ? WHERE rotation_id = ? AND table_name = ? AND range_no = ?"
        + " AND owner = ? AND claim_count = ? AND state = 'CLAIMED'")) {
      ps.setString(1, lastKey);
      ps.setLong(2, last ? 0 : System.currentTimeMillis() + leaseMillis);
      ps.setLong(3, scanned);
      ps.setLong(4, rewrapped);
      ps.setLong(5, conflicted);
      ps.setString(6, rotationId);
      ps.setString(7, claim.table());
      ps.setInt(8, claim.rangeNo());
      ps.setString(9, workerId);
      ps.setInt(10, claim.claimCount());
      if (ps.executeUpdate() != 1) {
        return false;
      }
    }
    if (lastKey != null && !lastKey.chars().allMatch(ch -> ch < 0x80)) {
      // every character set holds ASCII; a key beyond it is read back (the bounds were, at planning)
      try (PreparedStatement ps = tx.prepareStatement("SELECT checkpoint_key FROM " + names.rotationRange()
          + " WHERE rotation_id = ? AND table_name = ? AND range_no = ?")) {
        ps.setString(1, rotationId);
        ps.setString(2, claim.table());
        ps.setInt(3, claim.rangeNo());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !lastKey.equals(rs.getString(1))) {
            throw inexact(claim.table(), "the checkpoint of range " + claim.rangeNo(), lastKey);
          }
        }
      }
    }
    return true;
  }

  /**
   * Gives a held range back after a clean stop: its lease ends now, so any worker resumes it at once
   * from its checkpoint (a crashed worker's range is taken over when its lease expires instead).
   */
  public void release(Claim claim) {
    try (Connection c = dataSource.getConnection()) {
      release(c, claim);
    } catch (SQLException e) {
      throw fail("release a range of " + claim.table() + " in", e);
    }
  }

  /** {@link #release(Claim)} on a connection the caller keeps (committed here if not in auto-commit). */
  public void release(Connection c, Claim claim) {
    try {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + names.rotationRange() + " SET lease_until = 0"
          + " WHERE rotation_id = ? AND table_name = ? AND range_no = ? AND owner = ? AND claim_count = ?"
          + " AND state = 'CLAIMED'")) {
        ps.setString(1, rotationId);
        ps.setString(2, claim.table());
        ps.setInt(3, claim.rangeNo());
        ps.setString(4, workerId);
        ps.setInt(5, claim.claimCount());
        ps.executeUpdate();
      }
      commit(c);
    } catch (SQLException e) {
      throw fail("release a range of " + claim.table() + " in", e);
    }
  }

  /** Extends the lease of a held range (while paused or throttled). */
  public boolean renew(Claim claim) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE "
        + names.rotationRange() + " SET lease_until = ? WHERE rotation_id = ? AND table_name = ? AND range_no = ?"
        + " AND owner = ? AND claim_count = ? AND state = 'CLAIMED'")) {
      ps.setLong(1, System.currentTimeMillis() + leaseMillis);
      ps.setString(2, rotationId);
      ps.setString(3, claim.table());
      ps.setInt(4, claim.rangeNo());
      ps.setString(5, workerId);
      ps.setInt(6, claim.claimCount());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw fail("renew the lease of a range of " + claim.table() + " in", e);
    }
  }

  /** Marks a held range done. */
  public boolean finish(Claim claim) {
    try (Connection c = dataSource.getConnection()) {
      return finish(c, claim);
    } catch (SQLException e) {
      throw fail("finish a range of " + claim.table() + " in", e);
    }
  }

  /** {@link #finish(Claim)} on a connection the caller keeps (committed here if not in auto-commit). */
  public boolean finish(Connection c, Claim claim) {
    try {
      boolean done;
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + names.rotationRange() + " SET state = 'DONE',"
          + " lease_until = 0 WHERE rotation_id = ? AND table_name = ? AND range_no = ? AND owner = ?"
          + " AND claim_count = ? AND state = 'CLAIMED'")) {
        ps.setString(1, rotationId);
        ps.setString(2, claim.table());
        ps.setInt(3, claim.rangeNo());
        ps.setString(4, workerId);
        ps.setInt(5, claim.claimCount());
        done = ps.executeUpdate() == 1;
      }
      commit(c);
      return done;
    } catch (SQLException e) {
      throw fail("finish a range of " + claim.table() + " in", e);
    }
  }

  /** Commits the work of a method on a connection the caller keeps, unless it is in auto-commit. */
  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /** Totals of all ranges of a table in this rotation. */
  public Totals totals(String table) {
    try (Connection c = dataSource.getConnection()) {
      return totals(c, table);
    } catch (SQLException e) {
      throw fail("read the progress of " + table + " from", e);
    }
  }

  /**
   * {@link #totals(String)} on a connection the caller keeps (committed here if not in auto-commit, so
   * that no snapshot outlives the call).
   */
  public Totals totals(Connection c, String table) {
    try {
      long total = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT total_rows FROM " + names.rotation()
          + " WHERE rotation_id = ? AND table_name = ?")) {
        ps.setString(1, rotationId);
        ps.setString(2, table);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            total = rs.getLong(1);
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(rows_scanned), 0),"
          + " COALESCE(SUM(rows_rewrapped), 0), COALESCE(SUM(rows_conflicted), 0), COUNT(*),"
          + " COALESCE(SUM(CASE WHEN state = 'DONE' THEN 1 ELSE 0 END), 0),"
          + " COALESCE(MIN(CASE WHEN state = 'CLAIMED' THEN lease_until END), 0)"
          + " FROM " + names.rotationRange() + " WHERE rotation_id = ? AND table_name = ?")) {
        ps.setString(1, rotationId);
        ps.setString(2, table);
        Totals totals;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          totals = new Totals(total, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
              rs.getLong(6));
        }
        commit(c);
        return totals;
      }
    } catch (SQLException e) {
      throw fail("read the progress of " + table + " from", e);
    }
  }

  private VaultStorageException fail(String what, SQLException e) {
    return new VaultStorageException("Rotation " + rotationId + ": could not " + what + " " + names.rotationRange()
        + ": " + e.getMessage() + " (create or update the rotation tables with the shipped changelog or VaultTables.install)", e);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
