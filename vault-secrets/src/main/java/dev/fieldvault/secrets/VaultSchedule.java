package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.Names;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What the vault's scheduler runs and how often ({@link SecretsVault.Builder#schedule}); started by
 * {@link SecretsVault#startScheduler()} and stopped by {@link SecretsVault#close()}.
 *
 * <pre>{@code
 * VaultSchedule schedule = VaultSchedule.builder()
 *     .rotations(Duration.ofMinutes(10))                               // the rotation policies
 *     .cleanupExpired(Duration.ofMinutes(5), Duration.ofDays(7))         // and revocation of dynamic secrets
 *     .purgeEvents(Duration.ofDays(1), Duration.ofDays(365))
 *     .pruneVersions(Duration.ofHours(6))
 *     .expiryWarnings(Duration.ofHours(1), Duration.ofDays(14))          // tell ExpiryListeners 14 days ahead
 *     .build();
 * }</pre>
 *
 * <p>Each task runs on at most one instance at a time: the instance that claims its lease row in the
 * database runs it and renews the lease while it runs; the next run is due {@code every} after the last
 * one ended, whichever instance ran it. Immutable.
 */
public final class VaultSchedule {

  static final Duration MIN_PERIOD = Duration.ofMillis(100);
  static final Duration MAX_PERIOD = Duration.ofDays(365);

  private final Map<ScheduledTask, Duration> every;
  private final Duration cleanupRetention;
  private final Duration purgeRetention;
  private final Duration expiryAhead;
  private final Duration lease;
  private final Duration stopWait;
  private final String instanceId;

  private VaultSchedule(Builder b) {
    this.every = Collections.unmodifiableMap(new EnumMap<>(b.every));
    this.cleanupRetention = b.cleanupRetention;
    this.purgeRetention = b.purgeRetention;
    this.expiryAhead = b.expiryAhead;
    this.lease = b.lease;
    this.stopWait = b.stopWait;
    this.instanceId = b.instanceId != null ? b.instanceId
        : "pid" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A schedule with no task yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tasks this schedule runs. */
  public Set<ScheduledTask> tasks() {
    return every.keySet();
  }

  /** A task's period, or null when this schedule does not run it. */
  public Duration every(ScheduledTask task) {
    return every.get(Objects.requireNonNull(task, "task"));
  }

  /** How long expired entries are kept before {@link ScheduledTask#CLEANUP_EXPIRED} deletes them, or null. */
  public Duration cleanupRetention() {
    return cleanupRetention;
  }

  /** How long audit events are kept by {@link ScheduledTask#PURGE_EVENTS}, or null. */
  public Duration purgeRetention() {
    return purgeRetention;
  }

  /** How far ahead of an expiry {@link ScheduledTask#EXPIRY_WARNINGS} warns, or null. */
  public Duration expiryAhead() {
    return expiryAhead;
  }

  /** How long a claimed task stays claimed without a renewal (default 2 minutes). */
  public Duration lease() {
    return lease;
  }

  /** How long {@link SecretsVault#close()} waits for running tasks to end (default 10 seconds). */
  public Duration stopWait() {
    return stopWait;
  }

  /** This instance's id in the lease rows and in {@link TaskStatus}. */
  public String instanceId() {
    return instanceId;
  }

  @Override
  public String toString() {
    return "VaultSchedule{every=" + every + ", lease=" + lease + ", instanceId=" + instanceId + "}";
  }

  /** Builds a {@link VaultSchedule}; every setter validates its arguments. */
  public static final class Builder {
    private final Map<ScheduledTask, Duration> every = new EnumMap<>(ScheduledTask.class);
    private Duration cleanupRetention;
    private Duration purgeRetention;
    private Duration expiryAhead;
    private Duration lease = Duration.ofMinutes(2);
    private Duration stopWait = Duration.ofSeconds(10);
    private String instanceId;

    private Builder() {}

    /** Runs the rotation policies ({@link SecretsVault.Builder#rotationPolicy}) every {@code every}. */
    public Builder rotations(Duration every) {
      return period(ScheduledTask.ROTATIONS, every);
    }

    /**
     * Every {@code every}, deletes entries expired more than {@code retention} ago, and revokes and deletes
     * expired dynamic secrets ({@link SecretsVault#cleanupExpired}).
     */
    public Builder cleanupExpired(Duration every, Duration retention) {
      this.cleanupRetention = retention(retention, "cleanupExpired");
      return period(ScheduledTask.CLEANUP_EXPIRED, every);
    }

    /** Every {@code every}, deletes audit events older than {@code retention} ({@link SecretsVault#purgeAuditEvents}). */
    public Builder purgeEvents(Duration every, Duration retention) {
      this.purgeRetention = retention(retention, "purgeEvents");
      return period(ScheduledTask.PURGE_EVENTS, every);
    }

    /** Applies every store's version retention every {@code every} ({@link SecretsVault#pruneVersions()}). */
    public Builder pruneVersions(Duration every) {
      return period(ScheduledTask.PRUNE_VERSIONS, every);
    }

    /**
     * Every {@code every}, tells the {@link ExpiryListener}s of entries that expire within {@code ahead}
     * (once per entry version and expiry time). Needs at least one listener
     * ({@link SecretsVault.Builder#expiryListener}).
     */
    public Builder expiryWarnings(Duration every, Duration ahead) {
      if (ahead == null || ahead.isNegative() || ahead.isZero() || ahead.compareTo(Duration.ofDays(36_500)) > 0) {
        throw new VaultConfigurationException("expiryWarnings needs a warning window ('ahead') from 1 ms to 100"
            + " years, not " + ahead);
      }
      this.expiryAhead = ahead;
      return period(ScheduledTask.EXPIRY_WARNINGS, every);
    }

    /**
     * How long a task claimed by an instance stays claimed without a renewal (default 2 minutes, 1 second
     * to 1 hour). The running instance renews it every third of it; an instance that stops or dies
     * without releasing it holds its tasks until it expires, then another instance takes them. It must be
     * much longer than the clock difference between instances.
     */
    public Builder lease(Duration lease) {
      if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
        throw new VaultConfigurationException("A scheduler lease must be 1 second to 1 hour, not " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** How long {@link SecretsVault#close()} waits for running tasks to end (default 10 s, 0 to 10 minutes). */
    public Builder stopWait(Duration wait) {
      if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new VaultConfigurationException("The scheduler's stop wait must be 0 to 10 minutes, not " + wait);
      }
      this.stopWait = wait;
      return this;
    }

    /**
     * This instance's id in the lease rows and in {@link TaskStatus} (default: {@code pid<pid>-<random>});
     * 1 to 200 characters, unique per running instance (two instances with one id would share leases).
     */
    public Builder instanceId(String id) {
      String problem = Names.problem(id, 200, false);
      if (problem != null) {
        throw new VaultConfigurationException("A scheduler instance id must be a non-blank name of at most 200"
            + " characters without U+0000 or unpaired surrogates, but " + problem);
      }
      this.instanceId = id;
      return this;
    }

    /**
     * The schedule.
     *
     * @throws VaultConfigurationException when no task was configured
     */
    public VaultSchedule build() {
      if (every.isEmpty()) {
        throw new VaultConfigurationException("A VaultSchedule needs at least one task: call rotations,"
            + " cleanupExpired, purgeEvents, pruneVersions or expiryWarnings");
      }
      return new VaultSchedule(this);
    }

    private Builder period(ScheduledTask task, Duration d) {
      if (d == null || d.compareTo(MIN_PERIOD) < 0 || d.compareTo(MAX_PERIOD) > 0) {
        throw new VaultConfigurationException("The period of the scheduled task " + task + " must be 100 ms to"
            + " 365 days, not " + d);
      }
      every.put(task, d);
      return this;
    }

    private static Duration retention(Duration r, String what) {
      if (r == null || r.isNegative() || r.compareTo(Duration.ofDays(36_500)) > 0) {
        throw new VaultConfigurationException(what + " needs a retention of zero to 100 years, not " + r
            + ": a negative retention would reach into the future and delete recent rows");
      }
      return r;
    }
  }
}
