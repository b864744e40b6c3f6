package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.Rewrapper;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of a checkpointed job over the rotation work tables ({@code rotate}, {@code migrate}). */
final class JobOptions {

  @Option(names = "--batch-size", defaultValue = "1000", description = "Rows per batch and transaction (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--throttle", paramLabel = "ROWS_PER_SECOND", defaultValue = "0",
      description = "Scan at most about this many rows per second (default: unlimited).")
  double throttle;

  @Option(names = "--rotation-id", paramLabel = "ID",
      description = "Resume or join this run (default: derived from the primary keys, so a rerun resumes).")
  String rotationId;

  @Option(names = "--worker-id", paramLabel = "ID",
      description = "This worker's name in the rotation work table (default: random). A job restarted under the same"
          + " name takes its own ranges back at once instead of waiting for their leases; never run two workers"
          + " under one name.")
  String workerId;

  @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "60s",
      description = "How long a claimed range stays this worker's without a committed batch, e.g. 30s, 5m"
          + " (1 s to 1 h; default: ${DEFAULT-VALUE}); a crashed worker's ranges are taken over after it.")
  String lease;

  /** Sets these options on {@code b}; a value the builder refuses becomes a {@link CliException}. */
  Rewrapper.Builder applyTo(Rewrapper.Builder b) {
    try {
      b.batchSize(batchSize).throttle(throttle);
      if (rotationId != null) {
        b.rotationId(rotationId);
      }
      if (workerId != null) {
        b.workerId(workerId);
      }
      return b.lease(duration(lease));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** {@code 90}, {@code 90s}, {@code 5m} or {@code 1h}; the builder checks the range. */
  static Duration duration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,7})\\s*([smh]?)").matcher(text.trim());
    if (!m.matches()) {
      throw new CliException("--lease must be a number of seconds, or a number with s, m or h (e.g. 30s, 5m), not '"
          + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
