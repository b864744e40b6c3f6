package dev.fieldvault.benchmarks.cipher;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operations of {@link TenantHitBenchmark} in paired rounds, timed in this thread's CPU time: on a
 * machine shared with other work, wall-clock slices also count the time spent waiting for a core, and
 * their ratios wander (0.3x-10x seen); CPU time per round does not. Each round runs every operation
 * for {@code ops} calls, in alternating order; the report gives each one's median and the median (and
 * quartiles) of its per-round ratio to {@code fieldVault_singleKey} and of the named pairs. System
 * properties: {@code rounds} (101), {@code warmup} (10), {@code ops} (20000).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.fieldvault.benchmarks.cipher.TenantHitRounds
 * }</pre>
 */
public final class TenantHitRounds {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static int sink;

  private TenantHitRounds() {}

  private interface Op {
    byte[] run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 101);
    int warmup = Integer.getInteger("warmup", 10);
    int ops = Integer.getInteger("ops", 20_000);
    TenantHitBenchmark b = new TenantHitBenchmark();
    b.setUp();
    Map<String, Op> all = new LinkedHashMap<>();
    all.put("fieldVault_singleKey", b::fieldVault_singleKey);
    all.put("fieldVault_tenantHit", b::fieldVault_tenantHit);
    all.put("fieldVault_tenantHitOneTenant", b::fieldVault_tenantHitOneTenant);
    all.put("fieldVault_tenantHitNoRefresh", b::fieldVault_tenantHitNoRefresh);
    all.put("jdkCipher_singleKey", b::jdkCipher_singleKey);
    all.put("jdkCipher_100Keys", b::jdkCipher_100Keys);
    all.put("rawTink_singleKey", b::rawTink_singleKey);
    all.put("rawTink_100Keys", b::rawTink_100Keys);
    List<String> methods = List.copyOf(all.keySet());
    List<Op> opsList = List.copyOf(all.values());
    int n = methods.size();
    double[][] ns = new double[n][rounds];
    for (int round = -warmup; round < rounds; round++) {
      for (int j = 0; j < n; j++) {
        int k = (round & 1) == 0 ? j : n - 1 - j;
        double x = cpuNanosPerOp(opsList.get(k), ops);
        if (round >= 0) {
          ns[k][round] = x;
        }
      }
    }
    System.out.printf(Locale.ROOT, "%d rounds of %,d calls each, CPU time of this thread, %d cores%n", rounds, ops,
        Runtime.getRuntime().availableProcessors());
    int base = index(methods, "fieldVault_singleKey");
    for (int j = 0; j < n; j++) {
      System.out.printf(Locale.ROOT, "%-32s %6.0f ns   / fieldVault_singleKey %s%n", methods.get(j),
          median(ns[j]), ratio(ns[j], ns[base]));
    }
    String[][] pairs = {{"fieldVault_tenantHit", "fieldVault_tenantHitOneTenant"},
        {"fieldVault_tenantHit", "fieldVault_tenantHitNoRefresh"}, {"jdkCipher_100Keys", "jdkCipher_singleKey"},
        {"fieldVault_tenantHit", "jdkCipher_100Keys"}, {"rawTink_100Keys", "rawTink_singleKey"},
        {"fieldVault_tenantHit", "rawTink_100Keys"}};
    for (String[] p : pairs) {
      System.out.printf(Locale.ROOT, "%-32s / %-30s %s%n", p[0], p[1],
          ratio(ns[index(methods, p[0])], ns[index(methods, p[1])]));
    }
    System.out.print(sink == 42 ? " " : "");
  }

  private static double cpuNanosPerOp(Op op, int ops) throws Exception {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < ops; i++) {
      sink += op.run()[0];
    }
    return (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
  }

  private static int index(List<String> methods, String name) {
    return methods.indexOf(name);
  }

  private static String ratio(double[] x, double[] y) {
    double[] q = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = x[i] / y[i];
    }
    double[] s = q.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "%.3fx [quartiles %.3f-%.3f]", median(q), s[s.length / 4], s[3 * s.length / 4]);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
