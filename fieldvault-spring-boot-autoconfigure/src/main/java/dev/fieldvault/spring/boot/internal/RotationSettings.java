package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.spring.boot.FieldVaultStartupException;
import java.time.Duration;

/**
 * {@code fieldvault.rotation.*} checked at start-up (not when a rotation, perhaps a scheduled one at
 * night, runs): each value in its range, and a promotion delay that gives every instance a refresh
 * interval to load the new keys before any instance writes under them.
 */
public final class RotationSettings {

  /** The ranges vault-jdbc's Rewrapper accepts. */
  public static final int MIN_BATCH = 1;
  public static final int MAX_BATCH = 10_000;
  public static final int MIN_RANGE = 100;
  public static final int MAX_RANGE = 10_000_000;
  public static final Duration MAX_PROMOTION_DELAY = Duration.ofHours(24);

  private RotationSettings() {}

  /** Refuses a setting out of its range with the property, the value and the range. */
  public static void validate(FieldVaultProperties properties) {
    FieldVaultProperties.Rotation r = properties.getRotation();
    if (r.getBatchSize() < MIN_BATCH || r.getBatchSize() > MAX_BATCH) {
      throw bad("fieldvault.rotation.batch-size is " + r.getBatchSize() + ": it must be " + MIN_BATCH + " to 10,000"
          + " rows (one batch per transaction).", "Set fieldvault.rotation.batch-size to 1 to 10,000 (default 1000).");
    }
    if (r.getRangeSize() < MIN_RANGE || r.getRangeSize() > MAX_RANGE) {
      throw bad("fieldvault.rotation.range-size is " + r.getRangeSize() + ": it must be 100 to 10,000,000 rows (the rows"
          + " an instance claims at a time).", "Set fieldvault.rotation.range-size to 100 to 10,000,000 (default 50000).");
    }
    if (!(r.getThrottle() >= 0) || Double.isInfinite(r.getThrottle())) {
      throw bad("fieldvault.rotation.throttle is " + r.getThrottle() + ": it must be a number of rows per second >= 0"
          + " (0: unlimited).", "Set fieldvault.rotation.throttle to 0 (unlimited) or a positive rate in rows/s.");
    }
    Duration delay = r.getPromotionDelay() == null ? Duration.ZERO : r.getPromotionDelay();
    if (delay.isNegative() || delay.compareTo(MAX_PROMOTION_DELAY) > 0) {
      throw bad("fieldvault.rotation.promotion-delay is " + delay + ": it must be 0s to 24h.",
          "Set fieldvault.rotation.promotion-delay to at least fieldvault.keys.refresh-interval (default 90s).");
    }
    Duration refresh = properties.getKeys().getRefreshInterval();
    boolean refreshOn = refresh != null && !refresh.isNegative() && !refresh.isZero();
    if (refreshOn && delay.compareTo(refresh) < 0) {
      throw bad("fieldvault.rotation.promotion-delay (" + delay.toString().substring(2).toLowerCase()
              + ") is shorter than fieldvault.keys.refresh-interval (" + refresh.toString().substring(2).toLowerCase()
              + "). A rotation adds new keys, waits the promotion delay, then makes them primary: every instance must"
              + " load them (once per refresh interval) within that delay, or another instance misses the rows"
              + " written under them in its searches and cannot read them until its next refresh.",
          "Set fieldvault.rotation.promotion-delay to at least fieldvault.keys.refresh-interval (on every instance;"
              + " e.g. refresh-interval=1m, promotion-delay=90s). For a single instance, set both to 0s.");
    }
  }

  private static FieldVaultStartupException bad(String description, String action) {
    return new FieldVaultStartupException(description, action, null);
  }
}
