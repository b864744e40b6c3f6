package dev.fieldvault.secrets.internal;

import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.SecretsEventListener;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed audit events to the {@link SecretsEventListener}s on one daemon thread, off the
 * committing thread. Bounded: beyond {@link #CAPACITY} undelivered events, new ones are dropped and
 * counted (logged). A throwing listener is logged without values and skipped.
 */
public final class EventDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
  static final int CAPACITY = 10_000;
  private static final AuditEvent STOP = new AuditEvent(-1, java.time.Instant.EPOCH, null, null, null, null,
      dev.fieldvault.secrets.AuditAction.READ, "STOP", null, "", "", null);

  private final List<SecretsEventListener> listeners;
  private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(CAPACITY + 1);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private volatile Thread thread;
  private volatile boolean closed;

  public EventDispatcher(List<SecretsEventListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** Queues committed events for delivery; never blocks, never throws. */
  public void committed(List<AuditEvent> events) {
    if (closed) {
      LOG.warn("{} committed audit events were not delivered to event listeners: the vault is closed", events.size());
      return;
    }
    start();
    int lost = 0;
    for (AuditEvent e : events) {
      if (queue.size() >= CAPACITY || !queue.offer(e)) {
        lost++;
      }
    }
    if (lost > 0) {
      long total = dropped.addAndGet(lost);
      LOG.warn("{} audit events were not delivered to event listeners: {} are waiting (a listener is too slow);"
          + " {} dropped so far. Read them with auditEvents()", lost, CAPACITY, total);
    }
  }

  /** Events dropped because the backlog was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Events handed to the listeners so far. */
  public long delivered() {
    return delivered.get();
  }

  private void start() {
    if (thread == null) {
      synchronized (this) {
        if (thread == null) {
          Thread t = new Thread(this::run, "fieldvault-secrets-events");
          t.setDaemon(true);
          t.start();
          thread = t;
        }
      }
    }
  }

  private void run() {
    while (true) {
      AuditEvent e;
      try {
        e = queue.take();
      } catch (InterruptedException ie) {
        return;
      }
      if (e == STOP) {
        return;
      }
      for (SecretsEventListener l : listeners) {
        try {
          l.onEvent(e);
        } catch (RuntimeException | LinkageError ex) {
          LOG.warn("An event listener ({}) failed on audit event {} ({}): {}", l.getClass().getName(), e.seq(),
              e.action(), ex.getClass().getName());
        }
      }
      delivered.incrementAndGet();
    }
  }

  /** Delivers what is queued (up to 10 s), then stops the thread. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    if (t == null) {
      return;
    }
    queue.offer(STOP);
    try {
      t.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      t.interrupt();
      LOG.warn("Event listeners did not take {} queued audit events within 10 s of close()", queue.size());
    }
  }
}
