package dev.fieldvault.secrets;

import java.time.Duration;
import java.time.Instant;

/**
 * One scheduled task as the database records it, shared by every instance: its last run (by whichever
 * instance ran it), its outcome, when it is next due, and who holds its lease now. From
 * {@link SecretsVault#schedulerStatus()}.
 *
 * @param task the task
 * @param every its period in this instance's {@link VaultSchedule}
 * @param lastStartedAt when its last run started, or null if it never ran
 * @param lastFinishedAt when its last run ended, or null if it never finished one
 * @param lastOutcome how its last finished run ended
 * @param lastDetail the last run's counts ({@code scanned 3, changed 2, skipped 1}) or, after a failure,
 *     the error's type and the vault's own message (never a value); null if it never ran
 * @param lastRunBy the instance id ({@link VaultSchedule.Builder#instanceId}) of the last run, or null
 * @param nextRunAt when it is next due (any instance may take it then)
 * @param leaseHolder the instance running it now, or null when no unexpired lease is held
 * @param leaseUntil until when {@code leaseHolder}'s lease holds unless renewed, or null
 * @param runningHere whether this instance is running it now
 */
public record TaskStatus(ScheduledTask task, Duration every, Instant lastStartedAt, Instant lastFinishedAt,
    Outcome lastOutcome, String lastDetail, String lastRunBy, Instant nextRunAt, String leaseHolder,
    Instant leaseUntil, boolean runningHere) {

  /** How a task's last run ended. */
  public enum Outcome {
    /** It has not finished a run yet. */
    NEVER_RUN,
    /** It ran to the end (items it skipped are counted in the detail and retried by a later run). */
    OK,
    /** It failed; the next period runs it again. */
    FAILED
  }
}
