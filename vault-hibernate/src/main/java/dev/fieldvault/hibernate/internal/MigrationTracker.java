package dev.fieldvault.hibernate.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Remembers, per thread, the plaintext values read under a migrating policy during the current load,
 * so that {@link VaultEventListener#onPostLoad} can mark their entities dirty: the next flush then
 * writes them encrypted. Values are matched by identity, and the list is bounded.
 */
final class MigrationTracker {

  /** A loaded-state value that equals nothing, so the attribute is dirty at the next flush. */
  static final Object STALE = new Sealed(null, null);

  private static final int MAX = 10_000;
  private static final ThreadLocal<List<Object[]>> READS = ThreadLocal.withInitial(ArrayList::new);

  private MigrationTracker() {}

  static void record(AttributeBinding binding, Object value) {
    List<Object[]> reads = READS.get();
    if (reads.size() >= MAX) {
      reads.clear();
    }
    reads.add(new Object[] {binding, value});
  }

  /** Whether this value of this attribute was read as plaintext (and forgets it). */
  static boolean consume(AttributeBinding binding, Object value) {
    List<Object[]> reads = READS.get();
    for (int i = reads.size() - 1; i >= 0; i--) {
      Object[] r = reads.get(i);
      if (r[0] == binding && r[1] == value) {
        reads.remove(i);
        return true;
      }
    }
    return false;
  }

  static boolean isEmpty() {
    return READS.get().isEmpty();
  }
}
