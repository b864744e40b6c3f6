package dev.fieldvault.secrets.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit events on one daemon thread, the events of many callers in one transaction (one
 * head-row lock, one batch insert, one commit). Callers either
 *
 * <ul>
 *   <li>{@linkplain #appendAndWait wait} until the transaction holding their events has committed, or
 *       get that transaction's failure (group commit: events arriving while a batch commits form the
 *       next batch, with no added delay), or
 *   <li>{@linkplain #submit submit} events and go on; the thread then lingers up to
 *       {@code lingerMillis} to gather a batch, and a failed batch of such events is kept and retried
 *       with the next one.
 * </ul>
 *
 * <p>The queue is bounded: a waiting caller blocks while it is full (up to its timeout), a submitting
 * caller appends its events itself. Nothing is dropped. The thread starts with the first event;
 * {@link #close()} appends everything queued, then stops it.
 */
public final class AuditAppender implements AutoCloseable {

  /** Appends one batch of events in one transaction. */
  @FunctionalInterface
  public interface Sink {
    void append(List<AuditLog.Timed> events) throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(AuditAppender.class);
  private static final int CAPACITY = 10_000;
  private static final int MAX_BATCH = 1_000;
  private static final long RETRY_MILLIS = 50;

  /** Events of one caller; {@code done} is null when nobody waits for them. */
  private record Request(List<AuditLog.Timed> events, CompletableFuture<Void> done, boolean stop) {
    boolean waits() {
      return done != null;
    }
  }

  private final Sink sink;
  private final long lingerMillis;
  private final long timeoutNanos;
  private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(CAPACITY);
  /** Events nobody waits for whose append failed; touched only by the appending thread. */
  private final List<AuditLog.Timed> retained = new ArrayList<>();
  private final ReadWriteLock closing = new ReentrantReadWriteLock();
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile Thread thread;
  private boolean closed;

  /**
   * @param lingerMillis how long the thread gathers events nobody waits for before appending them
   *     (0: append at once)
   * @param timeoutMillis how long {@link #appendAndWait} waits for the commit of its events
   */
  public AuditAppender(Sink sink, long lingerMillis, long timeoutMillis) {
    this.sink = sink;
    this.lingerMillis = lingerMillis;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  /**
   * Queues events and returns once the transaction holding them has committed.
   *
   * @throws SQLException the append failed (the events were not recorded)
   * @throws TimeoutException no commit within the timeout (the events may still be recorded later)
   * @throws IllegalStateException the appender was closed
   */
  public void appendAndWait(List<AuditLog.Timed> events) throws SQLException, TimeoutException,
      InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    Request request = new Request(List.copyOf(events), new CompletableFuture<>(), false);
    closing.readLock().lock();
    try {
      checkOpen();
      if (!queue.offer(request, timeoutNanos, TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("the audit queue stayed full");
      }
      waiting.incrementAndGet();
    } finally {
      closing.readLock().unlock();
    }
    await(request.done, deadline);
  }

  /** Queues events without waiting; a full queue makes the caller append them itself. */
  public void submit(List<AuditLog.Timed> events) throws SQLException {
    Request request = new Request(List.copyOf(events), null, false);
    closing.readLock().lock();
    try {
      checkOpen();
      if (queue.offer(request)) {
        return;
      }
    } finally {
      closing.readLock().unlock();
    }
    sink.append(request.events);
  }

  /** Returns once every event queued before the call has been appended (or throws why not). */
  public void flush() throws SQLException, TimeoutException, InterruptedException {
    appendAndWait(List.of());
  }

  /** The transactions committed so far (each holding one or more events). */
  public long transactions() {
    return transactions.get();
  }

  /** Queued or in-flight requests someone waits for (readers, flush, close); counted once queued. */
  public int waiting() {
    return waiting.get();
  }

  /** Appends everything queued, then stops the thread; later calls throw {@link IllegalStateException}. */
  @Override
  public void close() throws SQLException, TimeoutException, InterruptedException {
    Request stop = new Request(List.of(), new CompletableFuture<>(), true);
    closing.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (thread == null) {
        return;
      }
      queue.put(stop);
      waiting.incrementAndGet();
    } finally {
      closing.writeLock().unlock();
    }
    await(stop.done, System.nanoTime() + timeoutNanos);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This secrets vault was closed: build a new one to read or write");
    }
    if (thread == null) {
      synchronized (this) {
        if (thread == null) {
          Thread t = new Thread(this::run, "fieldvault-secrets-audit");
          t.setDaemon(true);
          t.start();
          thread = t;
        }
      }
    }
  }

  private static void await(CompletableFuture<Void> done, long deadline) throws SQLException, TimeoutException,
      InterruptedException {
    try {
      done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException) {
        throw (SQLException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw (Error) cause;
    }
  }

  private void run() {
    boolean stop = false;
    while (!stop) {
      List<Request> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        break;
      }
      commit(batch);
      stop = batch.stream().anyMatch(Request::stop);
    }
    if (!retained.isEmpty()) {
      LOG.warn("{} audit events of reads could not be appended before the vault was closed", retained.size());
    }
  }

  /**
   * The next batch: the first request (waiting for it, or for the retry delay while failed events are
   * kept), then, lingering only while nobody in the batch waits, whatever else is queued.
   */
  private List<Request> nextBatch() throws InterruptedException {
    List<Request> batch = new ArrayList<>();
    Request first = retained.isEmpty() ? queue.take() : queue.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS);
    if (first == null) {
      return batch;
    }
    batch.add(first);
    int events = retained.size() + first.events.size();
    boolean linger = lingerMillis > 0 && !first.waits();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
    while (events < MAX_BATCH) {
      Request next = linger ? queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        break;
      }
      batch.add(next);
      events += next.events.size();
      linger &= !next.waits();
    }
    return batch;
  }

  /** Appends the kept and the batch's events in one transaction and tells every waiter the outcome. */
  private void commit(List<Request> batch) {
    List<AuditLog.Timed> events = new ArrayList<>(retained);
    for (Request r : batch) {
      events.addAll(r.events);
    }
    Throwable failure = null;
    if (!events.isEmpty()) {
      try {
        sink.append(events);
        transactions.incrementAndGet();
        retained.clear();
      } catch (Exception | Error e) {
        failure = e;
      }
    }
    for (Request r : batch) {
      if (!r.waits()) {
        if (failure != null) {
          retained.addAll(r.events);
        }
        continue;
      }
      waiting.decrementAndGet();
      if (failure == null) {
        r.done.complete(null);
      } else {
        r.done.completeExceptionally(failure);
      }
    }
    if (failure != null && !retained.isEmpty()) {
      LOG.warn("Appending {} queued audit events failed ({}); retrying", retained.size(),
          failure.getClass().getSimpleName());
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
  }
}
