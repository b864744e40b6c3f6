package dev.fieldvault.secrets;

import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of writes ({@link SecretStore#put} and the other value writes): the writes waiting at a
 * moment run one after the other in <em>one</em> transaction on the vault's write thread, their audit
 * events are appended together (one head-row lock, one batch insert) and one commit makes all of them
 * durable. Each write is still atomic with its event: both are in the transaction that commits them,
 * or neither is. A write that fails (a lost compare-and-set, a constraint, a bad value) is taken out
 * and the transaction is run again without it, so it never takes the others down and leaves nothing
 * behind; a failure of the commit itself fails every write of the batch (none is recorded: the
 * previous values stay). Transient conflicts (deadlocks, serialization failures) re-run the batch.
 * Writes arriving while a batch commits form the next one: no added delay.
 */
final class WriteBatcher implements AutoCloseable {

  /** One write: its rows in the batch's transaction, its events added to {@code events}. */
  @FunctionalInterface
  interface Write<T> {
    T run(Connection c, List<AuditLog.Timed> events) throws SQLException;
  }

  /**
   * A write of one entry row that can be planned together with the batch's other writes: the batch reads
   * the current versions of all its rows in one query, each write adds its statements to a shared
   * {@link WritePlan}, and each distinct statement is sent as one JDBC batch. {@link #run} is the same
   * write done alone (used when the batch cannot be planned: two writes of one row, a driver that reports
   * no update counts, a failure while the plan is sent).
   */
  interface Batchable<T> extends Write<T> {
    /** The rows of the write's store. */
    EntryRows rows();

    /** The name key of the entry row it writes. */
    String key();

    /**
     * Plans the write given its entry's current version and id (null: no entry): adds its statements to
     * {@code plan}, its events to {@code events}, and returns its result, valid once the plan ran with
     * every update count as expected.
     */
    T plan(EntryRows.Current current, WritePlan plan, List<AuditLog.Timed> events);

    /** What the write fails with when its compare-and-set lost against a concurrent writer. */
    RuntimeException lost();
  }

  private static final Logger LOG = LoggerFactory.getLogger(WriteBatcher.class);
  private static final int MAX_BATCH = 256;
  /**
   * Write threads: each commits its own batches, so one batch runs its statements while another holds
   * the audit head row for its append and commit (the head row is taken last and never waited for
   * while holding it, so the threads cannot deadlock on it). Two measured best with 8 writers on
   * PostgreSQL (BENCHMARKS.md, "Secrets vault writes"): one leaves the database idle while a batch
   * commits; more split the waiting writes into small batches that each pay the head row and a commit.
   */
  static final int THREADS = Integer.getInteger("fieldvault.secrets.writeThreads", 2);
  private static final int ATTEMPTS = 20;

  private static final class Task {
    final Write<?> write;
    final CompletableFuture<Object> done = new CompletableFuture<>();
    Object result;
    Throwable failure;

    Task(Write<?> write) {
      this.write = write;
    }
  }

  private final DataSource dataSource;
  private final AuditLog audit;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final AtomicLong transactions = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;
  /** False once the driver reported no update count for a batched statement: writes then run one by one. */
  private volatile boolean planned = true;
  private final AtomicLong plannedBatches = new AtomicLong();
  private final AtomicLong plannedFallbacks = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();

  WriteBatcher(DataSource dataSource, AuditLog audit) {
    this.dataSource = dataSource;
    this.audit = audit;
  }

  /**
   * Runs {@code write} in the next batch and returns its result once the batch has committed.
   *
   * @throws SQLException the write's own failure, or the batch's (nothing of the write was recorded)
   * @throws RuntimeException the write's own unchecked failure (for example a lost compare-and-set)
   */
  @SuppressWarnings("unchecked")
  <T> T run(Write<T> write) throws SQLException {
    Task task = new Task(write);
    synchronized (this) {
      if (closed) {
        throw new SecretsVaultClosedException("The secrets vault is closed");
      }
      if (threads.isEmpty()) {
        for (int i = 1; i <= THREADS; i++) {
          Thread t = new Thread(this::loop, "fieldvault-secrets-writes-" + i);
          t.setDaemon(true);
          threads.add(t);
          t.start();
        }
      }
      queue.add(task);
    }
    try {
      return (T) task.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while the write was being committed (it may still be recorded)", "57014", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException s) {
        throw s;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new SQLException("The write failed: " + cause, cause);
    }
  }

  /** Writes waiting for a batch (not counting the one being committed). */
  int queued() {
    return queue.size();
  }

  /** How many write threads are committing a batch now. */
  int busy() {
    return busy.get();
  }

  /** Committed batches whose statements were sent as JDBC batches (planned), so far. */
  long plannedBatches() {
    return plannedBatches.get();
  }

  /** Planned batches run again one write at a time (a statement of the plan failed), so far. */
  long plannedFallbacks() {
    return plannedFallbacks.get();
  }

  /** Transactions committed so far (each holding one or more writes). */
  long transactions() {
    return transactions.get();
  }

  private void loop() {
    List<Task> batch = new ArrayList<>(); // this thread's
    while (true) {
      try {
        batch.clear();
        synchronized (queue) { // one thread takes everything waiting at once: one batch, not one each
          Task first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first != null) {
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
          }
        }
        if (batch.isEmpty()) {
          if (closed) {
            return;
          }
          continue;
        }
        busy.incrementAndGet();
        try {
          commit(batch);
        } finally {
          busy.decrementAndGet();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | Error e) {
        LOG.error("The secrets vault's write thread failed a batch: {}", e.toString());
        batch.forEach(t -> t.done.completeExceptionally(e));
      }
    }
  }

  /** Commits a batch: failed writes are taken out and the rest run again. */
  private void commit(List<Task> batch) {
    List<Task> live = new ArrayList<>(batch);
    int attempt = 0;
    while (!live.isEmpty()) {
      try (Connection c = dataSource.getConnection()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          List<AuditLog.Timed> events = new ArrayList<>();
          Task failed = null;
          Throwable failure = null;
          boolean done = false;
          boolean ranPlanned = false;
          if (planned && plannable(live)) {
            try {
              failed = runPlanned(c, live, events);
              if (failed != null) {
                failure = failed.failure;
              }
              done = true;
              ranPlanned = failed == null;
            } catch (WritePlan.CountsUnknown e) {
              planned = false;
              LOG.debug("The JDBC driver reports no update counts for batched statements: secrets writes run one"
                  + " statement at a time");
            } catch (SQLException e) {
              if (Jdbc.isTransient(e)) {
                throw e;
              }
              // a duplicate key of a concurrent insert, or any other statement failure: find whose, one by one
            }
            if (!done) {
              c.rollback();
              events.clear();
              plannedFallbacks.incrementAndGet();
            }
          }
          for (int i = 0; !done && i < live.size(); i++) {
            Task t = live.get(i);
            try {
              t.result = t.write.run(c, events);
            } catch (SQLException e) {
              if (Jdbc.isTransient(e)) {
                throw e;
              }
              failed = t;
              failure = e;
              break;
            } catch (RuntimeException e) {
              failed = t;
              failure = e;
              break;
            }
          }
          if (failed != null) {
            c.rollback(); // the others run again without it
            failed.done.completeExceptionally(failure);
            live.remove(failed);
            continue;
          }
          AuditLog.Appended last = audit.appendTimed(c, events);
          try {
            c.commit();
          } catch (SQLException commitFailure) {
            // the reply to the commit was lost (a broken connection): ask the database whether it landed
            Boolean landed = landed(last);
            if (landed == null) {
              SecretsWriteOutcomeUnknownException unknown = new SecretsWriteOutcomeUnknownException("The connection"
                  + " failed while the database committed this write, and the database could not be asked whether"
                  + " it landed: read the secret's current version before writing it again", commitFailure);
              live.forEach(t -> t.done.completeExceptionally(unknown));
              return;
            }
            if (!landed) {
              throw commitFailure; // verified: nothing of the batch is recorded
            }
            LOG.warn("The secrets vault's commit failed but the database recorded it (checked): {} writes done",
                live.size());
          }
          audit.committed(c); // the event listeners hear the batch's events now, never before the commit
          transactions.incrementAndGet();
          if (ranPlanned) {
            plannedBatches.incrementAndGet();
          }
          live.forEach(t -> t.done.complete(t.result));
          return;
        } catch (SQLException e) {
          rollbackQuietly(c);
          if (Jdbc.isTransient(e) && ++attempt < ATTEMPTS) {
            sleep(attempt);
            continue;
          }
          live.forEach(t -> t.done.completeExceptionally(e));
          return;
        } finally {
          audit.ended(c); // events of a rolled-back attempt are never delivered
          try {
            c.setAutoCommit(auto);
          } catch (SQLException ignored) {
            // the connection goes back to the pool, which resets it
          }
        }
      } catch (SQLException e) { // no connection
        live.forEach(t -> t.done.completeExceptionally(e));
        return;
      }
    }
  }

  /** True when every write of the batch can be planned and no two write the same entry row. */
  private static boolean plannable(List<Task> live) {
    java.util.Set<Object> rowsSeen = new java.util.HashSet<>();
    for (Task t : live) {
      if (!(t.write instanceof Batchable<?> b) || !rowsSeen.add(List.of(b.rows(), b.key()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the batch's writes as one plan: one read of the current versions per store, then each distinct
   * statement as one JDBC batch. Returns the write that failed (its failure set; the transaction must be
   * rolled back and the others run again), or null when every write is done.
   */
  private Task runPlanned(Connection c, List<Task> live, List<AuditLog.Timed> events)
      throws SQLException, WritePlan.CountsUnknown {
    java.util.Map<EntryRows, List<String>> keysByStore = new java.util.LinkedHashMap<>();
    for (Task t : live) {
      Batchable<?> b = (Batchable<?>) t.write;
      keysByStore.computeIfAbsent(b.rows(), k -> new ArrayList<>()).add(b.key());
    }
    java.util.Map<EntryRows, java.util.Map<String, EntryRows.Current>> current = new java.util.HashMap<>();
    for (java.util.Map.Entry<EntryRows, List<String>> e : keysByStore.entrySet()) {
      current.put(e.getKey(), e.getKey().currentVersions(c, e.getValue()));
    }
    WritePlan plan = new WritePlan();
    for (Task t : live) {
      Batchable<?> b = (Batchable<?>) t.write;
      plan.owner(t);
      try {
        t.result = b.plan(current.get(b.rows()).get(b.key()), plan, events);
      } catch (RuntimeException e) {
        t.failure = e;
        return t;
      }
    }
    Object lost = plan.execute(c);
    if (lost != null) {
      Task t = (Task) lost;
      t.failure = ((Batchable<?>) t.write).lost();
      return t;
    }
    return null;
  }

  /**
   * Whether a batch whose commit failed was recorded: true or false when the database answered (on a
   * new connection, once the failed transaction has ended), null when it could not be asked.
   */
  private Boolean landed(AuditLog.Appended last) {
    if (last == null) {
      return null;
    }
    for (int attempt = 1; ; attempt++) { // the connection asked on may be a broken one of the pool, too
      try (Connection v = dataSource.getConnection()) {
        return audit.recorded(v, last);
      } catch (SQLException | RuntimeException e) {
        if (attempt == LANDED_ATTEMPTS) {
          LOG.warn("Could not ask the database whether a failed commit landed: {}", e.toString());
          return null;
        }
        sleep(attempt * 10);
      }
    }
  }

  private static final int LANDED_ATTEMPTS = 3;

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is reported
    }
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(Math.min(200, 5L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits what is queued, then stops the write thread. */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      closed = true;
      running = List.copyOf(threads);
    }
    for (Thread t : running) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Task left;
    while ((left = queue.poll()) != null) {
      left.done.completeExceptionally(new SecretsVaultClosedException("The secrets vault was closed before this write"
          + " was committed (nothing of it was recorded)"));
    }
  }
}
