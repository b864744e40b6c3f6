package dev.fieldvault.jdbc.rotation;

import java.time.Duration;
import java.util.Map;

/**
 * Progress of one worker on one table of a rotation, reported after every committed batch and when
 * the table is finished. Counts are this worker's since it started, except {@code tableRowsDone}
 * and {@code tableRows}, which cover all workers.
 *
 * @param rotationId the rotation
 * @param table the table
 * @param rowsScanned rows read
 * @param rowsRewrapped rows whose values (or blind indexes) were re-encrypted and written
 * @param rowsConflicted rows skipped because the application changed them meanwhile (compare-and-set)
 * @param rowsFailed rows with a value that could not be decrypted or is not a ciphertext (left as is)
 * @param rewrappedByColumn values re-encrypted per column (in a dry run: values that would be)
 * @param rowsPerSecond this worker's scan rate
 * @param tableRowsDone rows of the table scanned by all workers so far
 * @param tableRows rows in the table when the rotation was planned (in a dry run: when it started)
 * @param estimatedRemaining time left at the current rate, or null if unknown
 * @param dryRun whether nothing is written
 * @param plaintextEncrypted in a plaintext migration, the legacy plaintext values this worker encrypted
 *     (in a dry run: that it would encrypt); they are counted in {@code rewrappedByColumn} too
 */
public record RotationProgress(String rotationId, String table, long rowsScanned, long rowsRewrapped,
    long rowsConflicted, long rowsFailed, Map<String, Long> rewrappedByColumn, double rowsPerSecond,
    long tableRowsDone, long tableRows, Duration estimatedRemaining, boolean dryRun, long plaintextEncrypted) {

  public RotationProgress {
    rewrappedByColumn = Map.copyOf(rewrappedByColumn);
  }

  /** The progress of a key rotation (no plaintext encrypted). */
  public RotationProgress(String rotationId, String table, long rowsScanned, long rowsRewrapped,
      long rowsConflicted, long rowsFailed, Map<String, Long> rewrappedByColumn, double rowsPerSecond,
      long tableRowsDone, long tableRows, Duration estimatedRemaining, boolean dryRun) {
    this(rotationId, table, rowsScanned, rowsRewrapped, rowsConflicted, rowsFailed, rewrappedByColumn, rowsPerSecond,
        tableRowsDone, tableRows, estimatedRemaining, dryRun, 0);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%s%s %s: scanned %d, %s %d%s, conflicts %d, failed %d, %.0f rows/s, table %d/%d%s %s",
        dryRun ? "[dry run] " : "", rotationId, table, rowsScanned, dryRun ? "to rewrap" : "rewrapped", rowsRewrapped,
        plaintextEncrypted > 0 ? " (plaintext values " + (dryRun ? "to encrypt " : "encrypted ") + plaintextEncrypted + ")"
            : "", rowsConflicted, rowsFailed, rowsPerSecond, tableRowsDone, tableRows,
        estimatedRemaining == null ? "" : ", about " + estimatedRemaining.toSeconds() + " s left", rewrappedByColumn);
  }
}
