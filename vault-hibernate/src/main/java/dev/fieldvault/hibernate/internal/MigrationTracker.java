package dev.fieldvault.hibernate.internal;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The plaintext values the value converter of an {@code @Encrypted} type read on this thread under a
 * migrating policy, until {@link VaultEventListener#onPreLoad} finds them in the state of the entity
 * being loaded (by identity: the state holds the very object the converter returned) and so learns
 * the entity and id they belong to. A type's converter never sees either.
 *
 * <p>Hibernate (6.6, 7.2 and 7.4) extracts an entity's state and fires its pre-load event right after
 * ({@code EntityInitializerImpl.initializeEntityInstance}), so the reads of the entity being loaded are
 * always the newest ones here, and each is taken as soon as its entity is. What stays behind are reads
 * that belong to no entity (a scalar select of the attribute): they cannot be migrated (there is no
 * row to write). They are forgotten when a session flushes on this thread ({@link #clear}: no entity
 * is being extracted then), and the oldest of them beyond {@link #LIMIT}, which no entity's own reads
 * ever reach (it would take an entity with more than {@code LIMIT} encrypted attributes). Nothing an
 * entity load needs is dropped, however many rows one query loads.
 */
final class MigrationTracker {

  /** How many reads that belong to no entity a thread keeps at most (the oldest are dropped). */
  static final int LIMIT = 4_096;

  /** One plaintext read: the attribute, the value the converter returned, and the column value it read. */
  static final class Read {
    final AttributeBinding binding;
    final Object value;
    final Object stored;

    Read(AttributeBinding binding, Object value, Object stored) {
      this.binding = binding;
      this.value = value;
      this.stored = stored;
    }
  }

  private static final ThreadLocal<ArrayDeque<Read>> READS = ThreadLocal.withInitial(ArrayDeque::new);

  private MigrationTracker() {}

  /** Remembers a plaintext read of the value converter ({@code stored}: the column's text or bytes). */
  static void record(AttributeBinding binding, Object value, Object stored) {
    ArrayDeque<Read> reads = READS.get();
    reads.addLast(new Read(binding, value, stored));
    while (reads.size() > LIMIT) {
      reads.removeFirst();
    }
  }

  /** The newest read of this attribute that returned exactly {@code value} (removed), or null. */
  static Read take(AttributeBinding binding, Object value) {
    ArrayDeque<Read> reads = READS.get();
    if (reads.isEmpty()) {
      return null;
    }
    for (Iterator<Read> it = reads.descendingIterator(); it.hasNext(); ) {
      Read r = it.next();
      if (r.binding == binding && r.value == value) {
        it.remove();
        return r;
      }
    }
    return null;
  }

  static boolean isEmpty() {
    return READS.get().isEmpty();
  }

  /** Forgets this thread's reads that no entity took (a flush runs: no entity is being extracted). */
  static void clear() {
    ArrayDeque<Read> reads = READS.get();
    if (!reads.isEmpty()) {
      reads.clear();
    }
  }
}
