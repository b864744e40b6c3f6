package dev.fieldvault.secrets.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A small LRU cache with a time to live, for decrypted reads. Bounded; thread-safe by a lock (reads
 * are far cheaper than the database round trip it saves).
 */
public final class ReadCache<K, V> {

  private final long ttlMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<K, Slot<V>> map;

  private record Slot<V>(V value, long until) {}

  public ReadCache(long ttlMillis, int maxEntries, LongSupplier clockMillis) {
    this.ttlMillis = ttlMillis;
    this.clock = clockMillis;
    this.map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  public synchronized V get(K key) {
    Slot<V> s = map.get(key);
    if (s == null) {
      return null;
    }
    if (clock.getAsLong() >= s.until) {
      map.remove(key);
      return null;
    }
    return s.value;
  }

  public synchronized void put(K key, V value) {
    map.put(key, new Slot<>(value, clock.getAsLong() + ttlMillis));
  }

  public synchronized void invalidate(K key) {
    map.remove(key);
  }

  public synchronized void clear() {
    map.clear();
  }

  public synchronized int size() {
    return map.size();
  }
}
