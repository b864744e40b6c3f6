package dev.fieldvault.keys.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A bounded map with CLOCK (second-chance) eviction, an approximation of least-recently-used: a hit
 * is a lock-free {@link ConcurrentHashMap} read that marks its entry used (a write only when it was not
 * marked yet); an entry starts unmarked. When an insertion takes the map over its capacity, a hand
 * sweeps the entries (never the one just inserted), clearing the marks of used ones and removing the
 * first unused one, until the map fits again: an entry hit since the hand last passed survives, one
 * never hit since its insertion goes first. A sweep visits each entry at most twice. Thread-safe.
 * Internal.
 */
public final class ClockCache<K, V> {

  private static final class Node<V> {
    final V value;
    volatile boolean used;

    Node(V value) {
      this.value = value;
    }
  }

  private final int capacity;
  private final ConcurrentHashMap<K, Node<V>> map = new ConcurrentHashMap<>();
  private final Object sweep = new Object();
  private Iterator<Map.Entry<K, Node<V>>> hand; // guarded by sweep

  /** @param capacity the most entries kept (at least 1) */
  public ClockCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** The value of {@code key}, or null; marks the entry used. */
  public V get(K key) {
    Node<V> n = map.get(key);
    if (n == null) {
      return null;
    }
    if (!n.used) {
      n.used = true;
    }
    return n.value;
  }

  /**
   * As {@link ConcurrentHashMap#compute}: atomically replaces the value of {@code key} by
   * {@code f(key, current)} (null removes it), then evicts while the map is over its capacity.
   */
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> f) {
    Node<V> n = map.compute(key, (k, current) -> {
      V old = current == null ? null : current.value;
      V next = f.apply(k, old);
      if (next == null) {
        return null;
      }
      if (next == old) {
        return current;
      }
      return new Node<>(next);
    });
    if (map.size() > capacity) {
      evict(key);
    }
    return n == null ? null : n.value;
  }

  public void remove(K key) {
    map.remove(key);
  }

  public int size() {
    return map.size();
  }

  private void evict(K keep) {
    synchronized (sweep) {
      int steps = 2 * map.size() + 2;
      while (map.size() > capacity && steps-- > 0) {
        if (hand == null || !hand.hasNext()) {
          hand = map.entrySet().iterator();
          if (!hand.hasNext()) {
            return;
          }
        }
        Map.Entry<K, Node<V>> e = hand.next();
        Node<V> n = e.getValue();
        if (e.getKey().equals(keep)) {
          continue;
        }
        if (n.used) {
          n.used = false;
        } else {
          map.remove(e.getKey(), n);
        }
      }
    }
  }
}
