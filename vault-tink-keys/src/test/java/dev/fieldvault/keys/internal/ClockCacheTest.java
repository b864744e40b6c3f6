package dev.fieldvault.keys.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockCacheTest {

  @Test
  void anEntryNeverHitSinceItsInsertion_isEvictedBeforeOneThatWasHit() {
    ClockCache<String, Integer> c = new ClockCache<>(2);
    c.compute("a", (k, v) -> 1);
    c.compute("b", (k, v) -> 2);
    assertThat(c.get("a")).isEqualTo(1);
    c.compute("c", (k, v) -> 3);
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.get("b")).isNull();
    assertThat(c.get("a")).isEqualTo(1);
    assertThat(c.get("c")).isEqualTo(3);
  }

  @Test
  void theEntryJustInserted_isNeverItsOwnInsertionsVictim() {
    ClockCache<String, Integer> c = new ClockCache<>(1);
    for (int i = 0; i < 100; i++) {
      String k = "k" + i;
      assertThat(c.compute(k, (key, v) -> 7)).isEqualTo(7);
      assertThat(c.get(k)).isEqualTo(7);
      assertThat(c.size()).isEqualTo(1);
    }
  }

  @Test
  void computeReturningNull_removes_andReturningTheSameValue_keepsTheEntry() {
    ClockCache<String, Integer> c = new ClockCache<>(5);
    Integer one = 1000;
    c.compute("a", (k, v) -> one);
    assertThat(c.compute("a", (k, v) -> v)).isSameAs(one);
    assertThat(c.compute("a", (k, v) -> null)).isNull();
    assertThat(c.size()).isZero();
  }

  @Test
  void underConcurrentInsertions_theSizeSettlesAtTheBound() throws Exception {
    ClockCache<Integer, Integer> c = new ClockCache<>(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            int k = ThreadLocalRandom.current().nextInt(5_000);
            if (c.get(k) == null) {
              c.compute(k, (key, v) -> key);
            }
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(c.size()).isLessThanOrEqualTo(100);
  }
}
