package dev.fieldvault.jdbc.secrets.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues audit events and appends them in batches on one daemon thread. A full queue makes the
 * submitting thread append its event itself (back-pressure, nothing dropped). A failed batch is kept
 * and retried at the next flush.
 */
public final class AuditBatcher implements AutoCloseable {

  /** Appends one batch of events in one transaction. */
  @FunctionalInterface
  public interface Sink {
    void append(List<AuditLog.Timed> events) throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(AuditBatcher.class);
  private static final int MAX_BATCH = 1_000;

  private final BlockingQueue<AuditLog.Timed> queue = new ArrayBlockingQueue<>(10_000);
  private final List<AuditLog.Timed> pending = new ArrayList<>();
  private final Sink sink;
  private final ScheduledExecutorService scheduler;

  public AuditBatcher(Sink sink, long intervalMillis) {
    this.sink = sink;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fieldvault-secrets-audit");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::flushQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public void submit(AuditLog.Timed event) throws Exception {
    if (!queue.offer(event)) {
      sink.append(List.of(event));
    }
  }

  /** Appends everything queued so far. */
  public synchronized void flush() throws Exception {
    while (true) {
      if (pending.isEmpty()) {
        queue.drainTo(pending, MAX_BATCH);
      }
      if (pending.isEmpty()) {
        return;
      }
      sink.append(pending);
      pending.clear();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (Exception e) {
      LOG.warn("Appending {} batched audit events failed ({}); retrying at the next flush", pending.size(),
          e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() throws Exception {
    scheduler.shutdown();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
    flush();
  }
}
