package dev.fieldvault.benchmarks.jdbc;

import dev.fieldvault.benchmarks.hibernate.HibernateRounds;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The JDBC wrapper's pass-through target (a statement with no encrypted column within 1.03x of raw
 * HikariCP on H2) in paired rounds timed in this thread's CPU time: H2 in memory runs the whole
 * statement in the calling thread, so its CPU time is the statement's whole cost, and unlike wall-clock
 * time it does not count the time spent waiting for a core on a machine shared with other work. Each
 * round runs both operations of {@link JdbcWrapperOverheadBenchmark} for {@code ops} calls, in
 * alternating order; the report gives each one's median and the median of the per-round ratio with
 * its distribution-free 99.9% interval. System properties: {@code rounds} (101), {@code warmup} (20),
 * {@code ops} (20000).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.fieldvault.benchmarks.jdbc.PassThroughRounds
 * }</pre>
 */
public final class PassThroughRounds {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static int sink;

  private PassThroughRounds() {}

  private interface Op {
    String run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 101);
    int warmup = Integer.getInteger("warmup", 20);
    int ops = Integer.getInteger("ops", 20_000);
    JdbcWrapperOverheadBenchmark b = new JdbcWrapperOverheadBenchmark();
    b.setUp();
    try {
      Op[] all = {b::h2PassThrough_rawHikari, b::h2PassThrough_wrapped};
      double[][] ns = new double[2][rounds];
      for (int round = -warmup; round < rounds; round++) {
        for (int j = 0; j < 2; j++) {
          int k = (round & 1) == 0 ? j : 1 - j;
          double x = cpuNanosPerOp(all[k], ops);
          if (round >= 0) {
            ns[k][round] = x;
          }
        }
      }
      System.out.printf(Locale.ROOT, "## JDBC pass-through on H2: %d rounds of %,d statements each, CPU time of this"
          + " thread, %d cores, java %s%n", rounds, ops, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      System.out.printf(Locale.ROOT, "raw HikariCP   %8.0f ns%n", HibernateRounds.median(ns[0]));
      System.out.printf(Locale.ROOT, "wrapped        %8.0f ns   / raw %s%n", HibernateRounds.median(ns[1]),
          HibernateRounds.ratio(ns[1], ns[0]));
      System.out.print(sink == 42 ? " " : "");
    } finally {
      b.tearDown();
    }
  }

  private static double cpuNanosPerOp(Op op, int ops) throws Exception {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < ops; i++) {
      sink += op.run().length();
    }
    return (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
  }
}
