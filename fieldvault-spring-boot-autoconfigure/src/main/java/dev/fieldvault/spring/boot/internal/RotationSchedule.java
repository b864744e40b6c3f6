package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.spring.boot.FieldVaultRotation;
import dev.fieldvault.spring.boot.FieldVaultStartupException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;

/** Starts the rotation job on {@code fieldvault.rotation.schedule} (a Spring cron expression). */
public final class RotationSchedule implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RotationSchedule.class);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fieldvault-rotation-schedule");
    t.setDaemon(true);
    return t;
  });
  private final FieldVaultRotation rotation;
  private final CronExpression cron;
  private final boolean promote;

  private RotationSchedule(FieldVaultRotation rotation, CronExpression cron, boolean promote) {
    this.rotation = rotation;
    this.cron = cron;
    this.promote = promote;
  }

  public static RotationSchedule start(FieldVaultRotation rotation, FieldVaultProperties.Rotation settings) {
    String expression = settings.getSchedule() == null ? "" : settings.getSchedule().trim();
    if (expression.isEmpty()) {
      return new RotationSchedule(rotation, null, false);
    }
    CronExpression cron;
    try {
      cron = CronExpression.parse(expression);
    } catch (IllegalArgumentException e) {
      throw new FieldVaultStartupException("fieldvault.rotation.schedule='" + expression + "' is not a cron expression: "
          + e.getMessage(), "Use Spring's six fields (second minute hour day month weekday), e.g. 0 0 3 1 * * for"
          + " 03:00 on the first of every month, or leave it empty for on-demand rotations only.", e);
    }
    RotationSchedule s = new RotationSchedule(rotation, cron, settings.isPromoteOnSchedule());
    s.scheduleNext();
    return s;
  }

  private void scheduleNext() {
    LocalDateTime now = LocalDateTime.now();
    LocalDateTime next = cron.next(now);
    if (next == null) {
      return;
    }
    long delay = Math.max(0, Duration.between(now, next).toMillis());
    timer.schedule(() -> {
      try {
        LOG.info("FieldVault: scheduled rotation starts (promote new keys: {})", promote);
        rotation.start(promote);
      } catch (RuntimeException e) {
        LOG.warn("FieldVault: the scheduled rotation could not start: {}", e.toString());
      } finally {
        scheduleNext();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
