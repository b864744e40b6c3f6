package dev.fieldvault.benchmarks.hibernate;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Hibernate figures of BENCHMARKS.md: every variant of {@link HibernateFixture} on one database in
 * one JVM, alternated. After a warm-up (Hibernate needs seconds before its read path is compiled), each
 * round runs every (operation, variant) cell for a short slice in a new random order; a variant's ratio
 * to another is taken per round (the two ran within a second of each other, so the machine's drift
 * cancels) and reported as the median of the rounds with a distribution-free 99.9% interval (order
 * statistics of the per-round ratios). Beside the time: bytes allocated per operation (the thread's
 * allocation counter; insensitive to load) and, from a separate counting pass through a proxy, the JDBC
 * calls per operation.
 *
 * <p>System properties: {@code databases} (H2,POSTGRES,MARIADB), {@code ops}
 * (findById,query100,persist100), {@code warmup} seconds (20), {@code rounds} (31), {@code slice}
 * milliseconds per cell and round (150), {@code countOps} (200, 0: no counting pass).
 */
public final class HibernateRounds {

  static final List<String> VARIANTS = List.of("PLAIN", "FLOOR", "CONVERTER", "FIELDVAULT");

  private HibernateRounds() {}

  interface Op {
    void run(HibernateFixture f, Blackhole bh) throws Exception;
  }

  static Op op(String name) {
    return switch (name) {
      case "findById" -> HibernateFixture::findById;
      case "query100" -> HibernateFixture::query100;
      case "persist100" -> HibernateFixture::persist100;
      default -> throw new IllegalArgumentException("op " + name + ": findById, query100 or persist100");
    };
  }

  public static void main(String[] args) throws Exception {
    List<String> databases = List.of(System.getProperty("databases", "H2,POSTGRES,MARIADB").split(","));
    List<String> ops = List.of(System.getProperty("ops", "findById,query100,persist100").split(","));
    int warmup = Integer.getInteger("warmup", 20);
    int rounds = Integer.getInteger("rounds", 31);
    int slice = Integer.getInteger("slice", 150);
    int countOps = Integer.getInteger("countOps", 200);
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    System.out.printf(Locale.ROOT, "## Hibernate, paired rounds: warm-up %d s, %d rounds x %d ms per cell, %d cores,"
        + " java %s%n", warmup, rounds, slice, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    for (String db : databases) {
      Map<String, HibernateFixture> fixtures = new LinkedHashMap<>();
      try {
        for (String v : VARIANTS) {
          fixtures.put(v, new HibernateFixture(db, v, null));
        }
        run(db, ops, fixtures, bh, warmup, rounds, slice);
      } finally {
        fixtures.values().forEach(HibernateFixture::close);
      }
      if (countOps > 0) {
        count(db, ops, bh, countOps);
      }
    }
  }

  private static void run(String db, List<String> ops, Map<String, HibernateFixture> fixtures, Blackhole bh,
      int warmup, int rounds, int slice) throws Exception {
    List<String[]> cells = new ArrayList<>();
    for (String op : ops) {
      for (String v : VARIANTS) {
        cells.add(new String[] {op, v});
      }
    }
    long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
    long warmSlice = Math.max(20, warmup * 1000L / Math.max(1, cells.size()) / 10);
    while (System.nanoTime() < warmEnd) {
      for (String[] c : cells) {
        slice(op(c[0]), fixtures.get(c[1]), bh, warmSlice);
      }
    }
    Map<String, double[]> micros = new LinkedHashMap<>(); // op/variant -> per round µs/op
    Map<String, long[]> alloc = new LinkedHashMap<>(); // op/variant -> {bytes, ops}
    for (String[] c : cells) {
      micros.put(c[0] + "/" + c[1], new double[rounds]);
      alloc.put(c[0] + "/" + c[1], new long[2]);
    }
    Random order = new Random(7);
    for (int r = 0; r < rounds; r++) {
      Collections.shuffle(cells, order);
      for (String[] c : cells) {
        String key = c[0] + "/" + c[1];
        long a0 = allocated();
        long[] res = slice(op(c[0]), fixtures.get(c[1]), bh, slice);
        long[] acc = alloc.get(key);
        acc[0] += allocated() - a0;
        acc[1] += res[0];
        micros.get(key)[r] = res[1] / 1000.0 / res[0];
      }
    }
    System.out.printf(Locale.ROOT, "%n### %s (median of %d rounds; ratio: median of per-round ratios [99.9%% interval])%n",
        db, rounds);
    System.out.println("| op | variant | µs/op | bytes/op | / plain | / floor | / converter |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|");
    for (String op : ops) {
      for (String v : VARIANTS) {
        double[] t = micros.get(op + "/" + v);
        long[] a = alloc.get(op + "/" + v);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %,d | %s | %s | %s |%n", op, v, median(t), a[0] / a[1],
            v.equals("PLAIN") ? "baseline" : ratio(t, micros.get(op + "/PLAIN")),
            v.equals("FIELDVAULT") || v.equals("CONVERTER") ? ratio(t, micros.get(op + "/FLOOR")) : "",
            v.equals("FIELDVAULT") ? ratio(t, micros.get(op + "/CONVERTER")) : "");
      }
    }
  }

  /** Runs {@code op} for about {@code millis}; returns {operations, nanoseconds}. */
  private static long[] slice(Op op, HibernateFixture f, Blackhole bh, long millis) throws Exception {
    long start = System.nanoTime();
    long end = start + millis * 1_000_000L;
    long n = 0;
    long now;
    do {
      op.run(f, bh);
      n++;
      now = System.nanoTime();
    } while (now < end);
    return new long[] {n, now - start};
  }

  /** A separate pass through a counting proxy: the JDBC calls Hibernate makes per operation. */
  private static void count(String db, List<String> ops, Blackhole bh, int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n### %s: JDBC calls per operation (counting proxy, %d operations)%n", db, n);
    for (String v : List.of("PLAIN", "CONVERTER", "FIELDVAULT")) {
      JdbcCalls calls = new JdbcCalls();
      try (HibernateFixture f = new HibernateFixture(db, v, calls::wrap, true)) {
        for (String op : ops) {
          for (int i = 0; i < n; i++) {
            op(op).run(f, bh); // warm: the first calls prepare caches
          }
          calls.reset();
          org.hibernate.stat.Statistics stats = f.sessionFactory().getStatistics();
          stats.clear();
          for (int i = 0; i < n; i++) {
            op(op).run(f, bh);
          }
          StringBuilder sb = new StringBuilder();
          calls.perOp(n).forEach((k, c) -> sb.append(String.format(Locale.ROOT, " %s=%.2f", k, c)));
          System.out.printf(Locale.ROOT, "%s %s:%s; Hibernate: query plan cache hits %d, misses %d, statements"
              + " prepared %d%n", op, v, sb, stats.getQueryPlanCacheHitCount(), stats.getQueryPlanCacheMissCount(),
              stats.getPrepareStatementCount());
        }
        if (db.equals("POSTGRES")) {
          System.out.printf(Locale.ROOT, "%s: server-side prepared statements on one pooled connection:%s%n", v,
              f.serverPrepared());
        }
      }
    }
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  public static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** The median of the per-round ratios a/b, with its distribution-free 99.9% interval. */
  public static String ratio(double[] a, double[] b) {
    int n = a.length;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = a[i] / b[i];
    }
    Arrays.sort(r);
    int k = orderStatistic(n, 0.999);
    String ci = k < 0 ? "n/a: too few rounds" : String.format(Locale.ROOT, "%.2f–%.2f", r[k], r[n - 1 - k]);
    return String.format(Locale.ROOT, "%.2fx [%s]", median(r), ci);
  }

  /**
   * The largest 0-based k such that [r(k), r(n-1-k)] covers the median with at least {@code confidence}
   * (binomial(n, 1/2)); -1 when even [min, max] does not.
   */
  static int orderStatistic(int n, double confidence) {
    int best = -1;
    for (int k = 0; k < n / 2; k++) {
      double tail = 0; // P(B <= k) for B ~ Binomial(n, 1/2)
      for (int i = 0; i <= k; i++) {
        tail += Math.exp(logChoose(n, i) - n * Math.log(2));
      }
      if (1 - 2 * tail >= confidence) {
        best = k;
      } else {
        break;
      }
    }
    return best;
  }

  private static double logChoose(int n, int k) {
    double s = 0;
    for (int i = 1; i <= k; i++) {
      s += Math.log(n - k + i) - Math.log(i);
    }
    return s;
  }
}
