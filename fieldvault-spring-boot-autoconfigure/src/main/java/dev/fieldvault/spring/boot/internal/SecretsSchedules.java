package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.VaultSchedule;
import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.spring.boot.FieldVaultStartupException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code fieldvault.secrets.schedule.*} as the vault's {@link VaultSchedule}, checked at start-up: a
 * value out of its range stops the start with the property that holds it.
 */
public final class SecretsSchedules {

  private static final String P = "fieldvault.secrets.schedule.";

  private SecretsSchedules() {}

  /** Whether the scheduler is on: enabled, with at least one task that has a period. */
  public static boolean configured(FieldVaultProperties.Schedule s) {
    return s.isEnabled() && (s.getRotations().getEvery() != null || s.getCleanupExpired().getEvery() != null
        || s.getPurgeEvents().getEvery() != null || s.getPruneVersions().getEvery() != null
        || s.getExpiryWarnings().getEvery() != null);
  }

  /**
   * The schedule, or null when {@link #configured} is false.
   *
   * @throws FieldVaultStartupException a value out of its range, or a retention missing, naming the property
   */
  public static VaultSchedule from(FieldVaultProperties.Schedule s) {
    if (!configured(s)) {
      return null;
    }
    VaultSchedule.Builder b = VaultSchedule.builder();
    Duration rotations = s.getRotations().getEvery();
    if (rotations != null) {
      apply("rotations.every", rotations, v -> b.rotations(v));
    }
    FieldVaultProperties.CleanupTask cleanup = s.getCleanupExpired();
    if (cleanup.getEvery() != null) {
      apply("cleanup-expired.retention", cleanup.getRetention(), v -> b.cleanupExpired(Duration.ofDays(1), v));
      apply("cleanup-expired.every", cleanup.getEvery(), v -> b.cleanupExpired(v, cleanup.getRetention()));
    }
    FieldVaultProperties.PurgeTask purge = s.getPurgeEvents();
    if (purge.getEvery() != null) {
      if (purge.getRetention() == null) {
        throw new FieldVaultStartupException(P + "purge-events.every is set, but " + P + "purge-events.retention is"
            + " not: the task deletes audit events older than the retention, which has no default.",
            "Set " + P + "purge-events.retention to how long audit events are kept (e.g. 365d), or remove "
                + P + "purge-events.every.", null);
      }
      apply("purge-events.retention", purge.getRetention(), v -> b.purgeEvents(Duration.ofDays(1), v));
      apply("purge-events.every", purge.getEvery(), v -> b.purgeEvents(v, purge.getRetention()));
    }
    Duration prune = s.getPruneVersions().getEvery();
    if (prune != null) {
      apply("prune-versions.every", prune, v -> b.pruneVersions(v));
    }
    FieldVaultProperties.WarningTask warnings = s.getExpiryWarnings();
    if (warnings.getEvery() != null) {
      apply("expiry-warnings.ahead", warnings.getAhead(), v -> b.expiryWarnings(Duration.ofDays(1), v));
      apply("expiry-warnings.every", warnings.getEvery(), v -> b.expiryWarnings(v, warnings.getAhead()));
    }
    apply("lease", s.getLease(), v -> b.lease(v));
    apply("stop-wait", s.getStopWait(), v -> b.stopWait(v));
    if (s.getInstanceId() != null && !s.getInstanceId().isBlank()) {
      try {
        b.instanceId(s.getInstanceId().trim());
      } catch (VaultConfigurationException e) {
        throw new FieldVaultStartupException(P + "instance-id is not a valid instance id: " + e.getMessage(),
            "Set " + P + "instance-id to 1 to 200 characters unique per running instance, or remove it (a"
                + " generated id is used).", null);
      }
    }
    return b.build();
  }

  /** An ExpiryListener is needed when the expiry warnings run. */
  public static FieldVaultStartupException noExpiryListener() {
    return new FieldVaultStartupException(P + "expiry-warnings.every is set, but the application has no"
        + " ExpiryListener bean to tell.", "Declare a bean implementing dev.fieldvault.secrets.ExpiryListener, or"
        + " remove " + P + "expiry-warnings.every.", null);
  }

  private static void apply(String property, Duration value, Consumer<Duration> setter) {
    try {
      setter.accept(value);
    } catch (VaultConfigurationException e) {
      throw new FieldVaultStartupException(P + property + " is " + show(value) + ": " + e.getMessage() + ".",
          "Set " + P + property + " within that range (a duration such as 500ms, 10m, 6h or 7d).", null);
    }
  }

  private static String show(Duration d) {
    return d == null ? "not set" : d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
