package dev.fieldvault.secrets.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Transactions with bounded retries of transient failures (deadlocks, serialization failures). */
public final class Jdbc {

  /** Work done in one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Told when a transaction of {@link #inTransaction(DataSource, Work, TransactionHook)} commits or ends. */
  public interface TransactionHook {
    /** The transaction on {@code c} committed. */
    void committed(Connection c);

    /** The transaction on {@code c} is over (after {@link #committed}, or rolled back). */
    void ended(Connection c);
  }

  private static final int ATTEMPTS = 20;

  private Jdbc() {}

  /** Runs {@code work} in a transaction, retrying it when the database reports a transient conflict. */
  public static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException {
    return inTransaction(ds, work, null);
  }

  /** As {@link #inTransaction(DataSource, Work)}, telling {@code hook} (may be null) of each attempt's end. */
  public static <T> T inTransaction(DataSource ds, Work<T> work, TransactionHook hook) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          if (hook != null) {
            hook.committed(c);
          }
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c, e);
          if (attempt < ATTEMPTS && e instanceof SQLException && isTransient((SQLException) e)) {
            backoff(attempt);
            continue;
          }
          throw e;
        } finally {
          if (hook != null) {
            hook.ended(c);
          }
          c.setAutoCommit(auto);
        }
      }
    }
  }

  /** Deadlock, serialization failure, lock timeout, or H2's concurrent update. */
  public static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        SQLException s = (SQLException) t;
        String state = s.getSQLState();
        if (state != null && (state.startsWith("40") || state.equals("55P03") || state.equals("HYT00")
            || state.equals("90131"))) {
          return true;
        }
        // MariaDB: deadlock 1213 / lock wait timeout 1205
        if (s.getErrorCode() == 1213 || s.getErrorCode() == 1205) {
          return true;
        }
      }
    }
    return false;
  }

  /** A unique or primary key violation. */
  public static boolean isDuplicateKey(SQLException e) {
    return SqlStates.kind(e) == SqlStates.Kind.DUPLICATE_KEY;
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(50, 1L << Math.min(attempt, 5)) + (long) (Math.random() * 5));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
