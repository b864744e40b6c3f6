package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.secrets.ScheduledTask;
import dev.fieldvault.secrets.SecretsStorageException;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the endpoint's {@code secretsScheduler} section from {@link SecretsVault#schedulerStatus()}, which
 * reads the lease rows ({@code <prefix>task_lease}): the last run, outcome, next due time and lease holder
 * are the database's, whichever instance ran the task or holds it now. Shows names, times, counts, instance
 * ids and, for a failed run, the error's type and FieldVault's own message (recorded by the scheduler, which
 * never records an application handler's message): never a value.
 */
public final class SecretsSchedulerReports {

  /** {@code scanned 3, changed 2, skipped 1}: the detail of a run that ended normally. */
  private static final Pattern COUNTS = Pattern.compile("scanned (\\d+), changed (\\d+), skipped (\\d+)");

  private SecretsSchedulerReports() {}

  /**
   * The report of {@code vault}'s scheduler (every {@link ScheduledTask}; enabled only while this instance's
   * scheduler runs and the task is in its schedule).
   */
  public static SecretsSchedulerReport of(SecretsVault vault) {
    return () -> report(vault);
  }

  static Map<String, Object> report(SecretsVault vault) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<TaskStatus> statuses;
    try {
      statuses = vault.schedulerStatus();
    } catch (SecretsStorageException e) {
      // the lease table cannot be read (a database outage, a missing table): say so, show the rest of the endpoint
      out.put("error", e.getMessage());
      return out;
    }
    // enabled: scheduled on this instance now (a schedule whose scheduler was never started, or was stopped,
    // runs nothing here); the database's record of each task is shown either way
    boolean here = vault.schedulerRunning();
    Map<ScheduledTask, TaskStatus> byTask = new EnumMap<>(ScheduledTask.class);
    statuses.forEach(s -> byTask.put(s.task(), s));
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (ScheduledTask task : ScheduledTask.values()) {
      TaskStatus s = byTask.get(task);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("task", task.name());
      m.put("enabled", here && s != null);
      if (s != null) {
        m.put("every", text(s.every()));
        m.put("lastStartedAt", text(s.lastStartedAt()));
        m.put("lastFinishedAt", text(s.lastFinishedAt()));
        m.put("lastOutcome", s.lastOutcome().name());
        m.put("lastResult", result(s));
        m.put("lastRunBy", s.lastRunBy());
        m.put("nextRunAt", text(s.nextRunAt()));
        m.put("leaseHolder", s.leaseHolder());
        m.put("leaseUntil", text(s.leaseUntil()));
        m.put("runningHere", s.runningHere());
      }
      tasks.add(m);
    }
    out.put("enabled", here && !statuses.isEmpty());
    out.put("tasks", tasks);
    return out;
  }

  /** A normal run's counts; a failed run's error type and message; null before the first finished run. */
  private static Map<String, Object> result(TaskStatus s) {
    String detail = s.lastDetail();
    if (detail == null || s.lastOutcome() == TaskStatus.Outcome.NEVER_RUN) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (s.lastOutcome() == TaskStatus.Outcome.OK) {
      Matcher counts = COUNTS.matcher(detail);
      if (counts.matches()) {
        m.put("scanned", Long.parseLong(counts.group(1)));
        m.put("changed", Long.parseLong(counts.group(2)));
        m.put("skipped", Long.parseLong(counts.group(3)));
      } else {
        m.put("detail", detail);
      }
      return m;
    }
    // the scheduler records "<exception class>: <FieldVault's message>", or the class alone for other exceptions
    int colon = detail.indexOf(": ");
    m.put("errorType", colon < 0 ? detail : detail.substring(0, colon));
    m.put("message", colon < 0 ? null : detail.substring(colon + 2));
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String text(Duration d) {
    return d == null ? null : d.toString();
  }
}
