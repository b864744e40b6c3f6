package dev.fieldvault.secrets.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The scheduler's lease rows ({@code <prefix>task_lease}, one per task): who runs a task now and until
 * when, when it is next due, and how its last run ended. Every change is one conditional UPDATE (or a
 * plain INSERT that may lose to another instance's), atomic on H2, PostgreSQL and MariaDB alike: of
 * several instances claiming a free task at once, exactly one updates the row.
 */
public final class TaskLeases {

  /** One lease row. Times are epoch milliseconds; nullable ones are null when never set. */
  public record Row(String task, String owner, long leaseUntil, long nextRun, Long lastStart, Long lastEnd,
      String lastOwner, String lastOutcome, String lastDetail) {}

  private final DataSource dataSource;
  /** The table's name (prefix + {@code task_lease}). */
  public final String table;

  /** The lease rows of the vault tables under {@code prefix} (validated), reached through {@code dataSource}. */
  public TaskLeases(DataSource dataSource, String prefix) {
    new Tables(prefix); // validates the prefix: it is concatenated into SQL
    this.dataSource = dataSource;
    this.table = prefix + "task_lease";
  }

  /** Inserts the rows of tasks that have none yet (due at {@code nextRun}); rows that exist stay as they are. */
  public void ensure(List<String> tasks, long nextRun) throws SQLException {
    for (String task : tasks) {
      if (exists(task)) {
        continue;
      }
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
              + " (task, owner, lease_until_ms, next_run_ms) VALUES (?, NULL, 0, ?)")) {
        ps.setString(1, task);
        ps.setLong(2, nextRun);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (!Jdbc.isDuplicateKey(e)) { // another instance inserted it first: as good
          throw e;
        }
      }
    }
  }

  private boolean exists(String task) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE task = ?")) {
      ps.setString(1, task);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Claims a task for {@code owner} until {@code leaseUntil} if nobody holds an unexpired lease and (unless
   * {@code force}) it is due at {@code now}.
   *
   * @return whether this call claimed it
   */
  public boolean claim(String task, String owner, long now, long leaseUntil, boolean force) throws SQLException {
    return Jdbc.inTransaction(dataSource, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
          + " SET owner = ?, lease_until_ms = ?, last_start_ms = ? WHERE task = ?"
          + " AND (owner IS NULL OR lease_until_ms < ?)" + (force ? "" : " AND next_run_ms <= ?"))) {
        ps.setString(1, owner);
        ps.setLong(2, leaseUntil);
        ps.setLong(3, now);
        ps.setString(4, task);
        ps.setLong(5, now);
        if (!force) {
          ps.setLong(6, now);
        }
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Extends {@code owner}'s lease; false when it no longer holds it (it expired and another instance took it). */
  public boolean renew(String task, String owner, long leaseUntil) throws SQLException {
    return Jdbc.inTransaction(dataSource, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
          + " SET lease_until_ms = ? WHERE task = ? AND owner = ?")) {
        ps.setLong(1, leaseUntil);
        ps.setString(2, task);
        ps.setString(3, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /**
   * Ends {@code owner}'s run: frees the lease, records the outcome and when the task is next due; false
   * (nothing changed) when it no longer held the lease.
   */
  public boolean release(String task, String owner, long now, long nextRun, String outcome, String detail)
      throws SQLException {
    return Jdbc.inTransaction(dataSource, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET owner = NULL, lease_until_ms = 0,"
          + " next_run_ms = ?, last_end_ms = ?, last_owner = ?, last_outcome = ?, last_detail = ?"
          + " WHERE task = ? AND owner = ?")) {
        ps.setLong(1, nextRun);
        ps.setLong(2, now);
        ps.setString(3, owner);
        ps.setString(4, outcome);
        if (detail == null) {
          ps.setNull(5, Types.VARCHAR);
        } else {
          ps.setString(5, detail.length() > 500 ? detail.substring(0, 500) : detail);
        }
        ps.setString(6, task);
        ps.setString(7, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Every lease row. */
  public List<Row> read() throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT task, owner, lease_until_ms, next_run_ms, last_start_ms,"
            + " last_end_ms, last_owner, last_outcome, last_detail FROM " + table + " ORDER BY task");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long start = rs.getLong(5);
        Long lastStart = rs.wasNull() ? null : start;
        long end = rs.getLong(6);
        Long lastEnd = rs.wasNull() ? null : end;
        out.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), lastStart, lastEnd,
            rs.getString(7), rs.getString(8), rs.getString(9)));
      }
    }
    return out;
  }
}
