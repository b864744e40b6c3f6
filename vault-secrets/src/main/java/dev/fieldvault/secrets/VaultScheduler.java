package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.SqlStates;
import dev.fieldvault.secrets.internal.TaskLeases;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's scheduler ({@link SecretsVault#startScheduler()}): daemon threads that run each task of a
 * {@link VaultSchedule} when it is due, one run of a task at a time across every instance sharing the
 * tables. A run first claims the task's lease row ({@link TaskLeases#claim}: one conditional UPDATE; the
 * losers skip), renews it every third of the lease while it runs, and releases it with the outcome and
 * the next due time. A failed run is logged (the error's type and the vault's own message, never a
 * value), recorded, and runs again the next period; nothing stops the scheduler but {@link #stop()}.
 */
final class VaultScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsVault.class);

  private final SecretsVault vault;
  private final VaultSchedule schedule;
  private final TaskLeases leases;
  private final VaultExpiryWarnings warnings;
  private final Map<ScheduledTask, AtomicBoolean> running = new EnumMap<>(ScheduledTask.class);
  private final Map<ScheduledTask, Boolean> held = new java.util.concurrent.ConcurrentHashMap<>();
  private ScheduledThreadPoolExecutor ticks;
  private ScheduledThreadPoolExecutor renewer;
  private volatile boolean killed;
  private final java.util.concurrent.atomic.AtomicLong claimAttempts = new java.util.concurrent.atomic.AtomicLong();

  VaultScheduler(SecretsVault vault, DataSource dataSource, String prefix, VaultSchedule schedule,
      List<ExpiryListener> expiryListeners) {
    this.vault = vault;
    this.schedule = schedule;
    this.leases = new TaskLeases(dataSource, prefix);
    this.warnings = new VaultExpiryWarnings(vault, expiryListeners);
    for (ScheduledTask t : ScheduledTask.values()) {
      running.put(t, new AtomicBoolean());
    }
  }

  /** Starts the threads (the lease rows are created first); a second call while started does nothing. */
  synchronized void start() {
    if (ticks != null) {
      return;
    }
    List<String> names = new ArrayList<>();
    schedule.tasks().forEach(t -> names.add(t.name()));
    try {
      leases.ensure(names, vault.now().toEpochMilli());
    } catch (SQLException e) {
      throw storage("create its lease rows", e);
    }
    killed = false;
    ticks = new ScheduledThreadPoolExecutor(schedule.tasks().size(), daemon("fieldvault-scheduler-"));
    ticks.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    renewer = new ScheduledThreadPoolExecutor(1, daemon("fieldvault-scheduler-lease-"));
    renewer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    long lease = schedule.lease().toMillis();
    for (ScheduledTask t : schedule.tasks()) {
      // poll at least once per lease, so a task left by a stopped or dead instance is taken soon after its lease
      long poll = Math.min(schedule.every(t).toMillis(), lease);
      ticks.scheduleWithFixedDelay(() -> tick(t), 0, poll, TimeUnit.MILLISECONDS);
    }
    renewer.scheduleWithFixedDelay(this::renew, lease / 3, lease / 3, TimeUnit.MILLISECONDS);
    LOG.info("The secrets vault's scheduler started as instance '{}': {}", schedule.instanceId(), schedule.tasks());
  }

  /**
   * Stops the threads: no new run starts; running ones get {@link VaultSchedule#stopWait()} to end (and
   * then release their leases), after which they are interrupted; a run that still has not ended keeps
   * its lease until the lease expires.
   */
  void stop() {
    ScheduledThreadPoolExecutor t;
    ScheduledThreadPoolExecutor r;
    synchronized (this) {
      t = ticks;
      r = renewer;
      ticks = null;
      renewer = null;
    }
    if (t == null) {
      return;
    }
    t.shutdown();
    try {
      if (!t.awaitTermination(schedule.stopWait().toMillis(), TimeUnit.MILLISECONDS)) {
        t.shutdownNow();
        LOG.warn("The secrets vault's scheduler stopped with a task still running after {}; its lease expires"
            + " on its own", schedule.stopWait());
      }
    } catch (InterruptedException e) {
      t.shutdownNow();
      Thread.currentThread().interrupt();
    }
    r.shutdownNow();
  }

  /** As if the process died (tests): threads stop at once, nothing is released or recorded. */
  void kill() {
    killed = true;
    ScheduledThreadPoolExecutor t;
    ScheduledThreadPoolExecutor r;
    synchronized (this) {
      t = ticks;
      r = renewer;
      ticks = null;
      renewer = null;
    }
    if (t != null) {
      t.shutdownNow();
      r.shutdownNow();
    }
  }

  /** Claims tried by this instance (tests: it polled while another instance held the lease). */
  long claimAttempts() {
    return claimAttempts.get();
  }

  /** Whether this instance runs the task now (tests). */
  boolean running(ScheduledTask task) {
    return running.get(task).get();
  }

  /** Whether the threads run (started, neither stopped nor killed). */
  synchronized boolean started() {
    return ticks != null && !killed;
  }

  /** Runs a task now on the calling thread (claiming its lease, whether due or not). */
  Optional<MaintenanceReport> runNow(ScheduledTask task) {
    if (schedule.every(task) == null) {
      throw new VaultConfigurationException("The task " + task + " is not in this vault's schedule: add it to the"
          + " VaultSchedule (SecretsVault.Builder#schedule), or call its maintenance method directly");
    }
    try {
      leases.ensure(List.of(task.name()), vault.now().toEpochMilli()); // the scheduler may not have started
    } catch (SQLException e) {
      throw storage("create the lease row of " + task, e);
    }
    if (started()) {
      return run(task, true, true); // the scheduler's renewer renews this run's lease too
    }
    long every = Math.max(1, schedule.lease().toMillis() / 3);
    ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, daemon("fieldvault-scheduler-lease-"));
    own.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    try {
      return run(task, true, true);
    } finally {
      own.shutdownNow();
    }
  }

  private void tick(ScheduledTask task) {
    try {
      run(task, false, false);
    } catch (RuntimeException | Error e) {
      // run() logs a task's own failure; this is the lease table failing (a database outage): next tick retries
      LOG.warn("The secrets vault's scheduler could not run {} ({}); it retries at its next poll", task, safe(e));
    }
  }

  private Optional<MaintenanceReport> run(ScheduledTask task, boolean force, boolean propagate) {
    AtomicBoolean flag = running.get(task);
    if (!flag.compareAndSet(false, true)) {
      return Optional.empty(); // already running here
    }
    try {
      long start = vault.now().toEpochMilli();
      boolean claimed;
      claimAttempts.incrementAndGet();
      try {
        claimed = leases.claim(task.name(), schedule.instanceId(), start, start + schedule.lease().toMillis(), force);
      } catch (SQLException e) {
        throw storage("claim the task " + task, e);
      }
      if (!claimed) {
        return Optional.empty(); // not due, or another instance runs it
      }
      held.put(task, Boolean.TRUE);
      MaintenanceReport report = null;
      Throwable failure = null;
      try {
        report = execute(task);
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        held.remove(task);
        if (!killed) {
          finish(task, report, failure);
        }
      }
      if (failure != null) {
        LOG.warn("The scheduled task {} failed ({}); it runs again in {}", task, safe(failure), schedule.every(task));
        if (failure instanceof Error err) {
          throw err;
        }
        if (propagate) {
          throw (RuntimeException) failure;
        }
        return Optional.empty();
      }
      LOG.debug("The scheduled task {} ran: {}", task, report);
      return Optional.of(report);
    } finally {
      flag.set(false);
    }
  }

  private void finish(ScheduledTask task, MaintenanceReport report, Throwable failure) {
    long end = vault.now().toEpochMilli();
    String detail = failure == null
        ? "scanned " + report.scanned() + ", changed " + report.changed() + ", skipped " + report.skipped()
        : safe(failure);
    try {
      if (!leases.release(task.name(), schedule.instanceId(), end, end + schedule.every(task).toMillis(),
          failure == null ? TaskStatus.Outcome.OK.name() : TaskStatus.Outcome.FAILED.name(), detail)) {
        LOG.warn("The scheduled task {} ended after its lease expired and another instance took it (renewals"
            + " failed or the clocks differ by more than the lease); its outcome was not recorded", task);
      }
    } catch (SQLException e) {
      LOG.warn("The scheduled task {} could not release its lease ({}); it expires on its own", task,
          safe(storage("release the task " + task, e)));
    }
  }

  private MaintenanceReport execute(ScheduledTask task) {
    switch (task) {
      case ROTATIONS:
        return vault.runDueRotations();
      case CLEANUP_EXPIRED:
        return vault.cleanupExpired(schedule.cleanupRetention());
      case PURGE_EVENTS:
        long purged = vault.purgeAuditEvents(schedule.purgeRetention());
        return new MaintenanceReport(purged, purged, 0);
      case PRUNE_VERSIONS:
        return vault.pruneVersions();
      case EXPIRY_WARNINGS:
        vault.checkOpen();
        return warnings.run(schedule.expiryAhead());
      default:
        throw new IllegalStateException(String.valueOf(task));
    }
  }

  private void renew() {
    for (ScheduledTask task : held.keySet()) {
      try {
        long until = vault.now().toEpochMilli() + schedule.lease().toMillis();
        if (!leases.renew(task.name(), schedule.instanceId(), until)) {
          LOG.warn("The scheduled task {} lost its lease (it expired and another instance took it); the work is"
              + " idempotent, but check that renewals reach the database", task);
          held.remove(task);
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("The lease of the scheduled task {} could not be renewed ({}); retrying", task, safe(e));
      }
    }
  }

  /** Every task of the schedule as the lease table records it. */
  List<TaskStatus> status() {
    List<TaskLeases.Row> rows;
    try {
      rows = leases.read();
    } catch (SQLException e) {
      throw storage("read its lease rows", e);
    }
    Map<String, TaskLeases.Row> byTask = new HashMap<>();
    rows.forEach(r -> byTask.put(r.task(), r));
    long now = vault.now().toEpochMilli();
    List<TaskStatus> out = new ArrayList<>();
    for (ScheduledTask t : schedule.tasks()) {
      Duration every = schedule.every(t);
      TaskLeases.Row r = byTask.get(t.name());
      boolean here = running.get(t).get();
      if (r == null) {
        out.add(new TaskStatus(t, every, null, null, TaskStatus.Outcome.NEVER_RUN, null, null, null, null, null, here));
        continue;
      }
      TaskStatus.Outcome outcome = r.lastOutcome() == null ? TaskStatus.Outcome.NEVER_RUN
          : TaskStatus.Outcome.valueOf(r.lastOutcome());
      String holder = r.owner() != null && r.leaseUntil() >= now ? r.owner() : null;
      out.add(new TaskStatus(t, every, instant(r.lastStart()), instant(r.lastEnd()), outcome, r.lastDetail(),
          r.lastOwner(), Instant.ofEpochMilli(r.nextRun()), holder,
          holder == null ? null : Instant.ofEpochMilli(r.leaseUntil()), here));
    }
    return out;
  }

  private static Instant instant(Long ms) {
    return ms == null ? null : Instant.ofEpochMilli(ms);
  }

  private SecretsStorageException storage(String what, SQLException e) {
    SqlStates.Kind kind = SqlStates.kind(e);
    String advice = kind == SqlStates.Kind.MISSING_TABLE || kind == SqlStates.Kind.MISSING_COLUMN
        ? "the scheduler's table " + leases.table + " (or a column of it) does not exist: apply the latest"
            + " db/changelog/fieldvault/secrets-changelog.xml with this prefix (or run `fieldvault schema install`)"
        : SqlStates.advice(e, vault.tables());
    return new SecretsStorageException("The secrets vault's scheduler could not " + what + " (SQLState "
        + e.getSQLState() + ", vendor code " + e.getErrorCode() + "): " + advice, e);
  }

  /**
   * An error as it may be logged: its type, and its message only when it is one of FieldVault's own
   * exceptions (whose messages never carry a value); an application's handler may put anything in its own.
   */
  static String safe(Throwable e) {
    String type = e.getClass().getName();
    return type.startsWith("dev.fieldvault.") && e.getMessage() != null ? type + ": " + e.getMessage() : type;
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
