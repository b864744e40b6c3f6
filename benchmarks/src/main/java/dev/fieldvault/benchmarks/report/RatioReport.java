package dev.fieldvault.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file and prints, per benchmark class, parameter set and thread count (shown
 * when not 1), each benchmark's score and its ratio to the baseline in the same run, with the ratio's
 * error (99.9% confidence half-widths, propagated as relative errors), and the bytes it allocates per
 * operation when the run used {@code -prof gc}. Baselines: the method whose name starts with
 * {@code rawTink}, {@code plain}, {@code raw} or {@code baseline}, or the PLAIN variant parameter.
 *
 * <pre>java -cp benchmarks.jar dev.fieldvault.benchmarks.report.RatioReport results.json</pre>
 */
public final class RatioReport {

  /** One result; {@code p50}/{@code p99} are NaN except in sample-time mode. */
  record Score(String method, Map<String, String> params, double score, double error, String unit, double p50,
      double p99, double bytesPerOp) {}

  public static void main(String[] args) throws Exception {
    JsonArray results = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonArray();
    List<Score> scores = new ArrayList<>();
    for (JsonElement el : results) {
      JsonObject r = el.getAsJsonObject();
      String bench = r.get("benchmark").getAsString();
      Map<String, String> params = new TreeMap<>();
      params.put("mode", r.get("mode").getAsString());
      // benchmarks run with several threads (@Threads) are compared only with those of the same count
      int threads = r.has("threads") ? r.get("threads").getAsInt() : 1;
      if (threads != 1) {
        params.put("threads", Integer.toString(threads));
      }
      if (r.has("params")) {
        for (var p : r.getAsJsonObject("params").entrySet()) {
          params.put(p.getKey(), p.getValue().getAsString());
        }
      }
      JsonObject m = r.getAsJsonObject("primaryMetric");
      double err = m.get("scoreError").isJsonPrimitive() && !m.get("scoreError").getAsString().equals("NaN")
          ? m.get("scoreError").getAsDouble() : Double.NaN;
      scores.add(new Score(bench, params, m.get("score").getAsDouble(), err, m.get("scoreUnit").getAsString(),
          percentile(r, m, "50.0"), percentile(r, m, "99.0"), bytesPerOp(r)));
    }
    Map<String, List<Score>> groups = new LinkedHashMap<>();
    for (Score s : scores) {
      String cls = s.method.substring(0, s.method.lastIndexOf('.'));
      Map<String, String> groupParams = new TreeMap<>(s.params);
      groupParams.remove("variant");
      groups.computeIfAbsent(simple(cls) + " " + groupParams, k -> new ArrayList<>()).add(s);
    }
    for (var g : groups.entrySet()) {
      System.out.println();
      System.out.println("### " + g.getKey());
      boolean sampled = g.getValue().stream().anyMatch(s -> !Double.isNaN(s.p50));
      System.out.println(sampled ? "| benchmark | mean | p50 | p99 | unit | ratio to baseline (mean) | bytes/op |"
          : "| benchmark | score | unit | ratio to baseline | bytes/op |");
      System.out.println(sampled ? "|---|---:|---:|---:|---|---:|---:|" : "|---|---:|---|---:|---:|");
      for (Score s : g.getValue()) {
        Score base = baseline(s, g.getValue());
        String ratio = "-";
        if (base != null && base != s) {
          double q = s.score / base.score;
          double rel = Math.sqrt(sq(s.error / s.score) + sq(base.error / base.score));
          ratio = Double.isNaN(rel) ? String.format("%.2fx", q) : String.format("%.2fx ± %.2f", q, q * rel);
        } else if (base == s) {
          ratio = "baseline";
        }
        if (sampled) {
          System.out.printf("| %s | %.3f ± %.3f | %.3f | %.3f | %s | %s | %s |%n", label(s), s.score, s.error, s.p50,
              s.p99, s.unit, ratio, bytes(s));
        } else {
          System.out.printf("| %s | %.3f ± %.3f | %s | %s | %s |%n", label(s), s.score, s.error, s.unit, ratio, bytes(s));
        }
      }
    }
  }

  /**
   * The baseline of a benchmark in its group: for {@code <impl>_singleKey}-style suites the
   * {@code _singleKey} method of the same implementation; otherwise the baseline implementation
   * (rawTink, raw, plain*, baseline, or the PLAIN variant) measuring the same operation.
   */
  private static Score baseline(Score s, List<Score> group) {
    String impl = impl(s);
    String m = simple(s.method);
    for (Score b : group) {
      String bm = simple(b.method);
      // <impl>_singleKey is the baseline of <impl>_* (key-switching suite)
      if (bm.equals(impl + "_singleKey")) {
        return b;
      }
      // <op>_..._raw* is the baseline of <op>_* (JDBC wrapper suite)
      if (bm.startsWith(impl + "_") && bm.substring(bm.lastIndexOf('_') + 1).startsWith("raw")) {
        return b;
      }
      // secrets vault suite: plain JDBC select/upsert of the same row (groups hold one thread count)
      if ((m.startsWith("vaultGet") && bm.startsWith("plainSelect"))
          || (m.startsWith("vaultPut") && bm.startsWith("plainUpsert"))) {
        return b;
      }
    }
    String op = operation(s);
    for (Score b : group) {
      if (operation(b).equals(op) && isBaseline(b)) {
        return b;
      }
    }
    return null;
  }

  private static boolean isBaseline(Score s) {
    String impl = impl(s);
    return "PLAIN".equals(s.params.get("variant")) || impl.equals("rawTink") || impl.equals("rawTinkDeterministic")
        || impl.equals("raw") || impl.startsWith("plain") || impl.equals("baseline");
  }

  private static String impl(Score s) {
    String m = simple(s.method);
    int us = m.indexOf('_');
    return us < 0 ? m : m.substring(0, us);
  }

  /** What a benchmark measures: the part after the first underscore, "det-" for deterministic variants. */
  private static String operation(Score s) {
    String m = simple(s.method);
    if (s.params.containsKey("variant")) {
      return m; // suites with a variant parameter: the method is the operation
    }
    int us = m.indexOf('_');
    String op = us < 0 ? m : m.substring(us + 1);
    return impl(s).endsWith("Deterministic") ? "det-" + op : op;
  }

  private static String label(Score s) {
    String v = s.params.get("variant");
    return simple(s.method) + (v == null ? "" : " [" + v + "]");
  }

  private static String simple(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** A percentile of a sample-time result ({@code scorePercentiles}), NaN for other modes. */
  private static double percentile(JsonObject result, JsonObject metric, String key) {
    JsonObject p = metric.has("scorePercentiles") ? metric.getAsJsonObject("scorePercentiles") : null;
    boolean sample = "sample".equals(result.get("mode").getAsString());
    return !sample || p == null || !p.has(key) ? Double.NaN : p.get(key).getAsDouble();
  }

  /** Bytes allocated per operation ({@code -prof gc}'s {@code gc.alloc.rate.norm}), NaN without the profiler. */
  private static double bytesPerOp(JsonObject result) {
    JsonObject sec = result.has("secondaryMetrics") ? result.getAsJsonObject("secondaryMetrics") : null;
    if (sec == null || !sec.has("gc.alloc.rate.norm")) {
      return Double.NaN;
    }
    return sec.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
  }

  private static String bytes(Score s) {
    return Double.isNaN(s.bytesPerOp) ? "-" : String.format("%,.0f", s.bytesPerOp);
  }

  private static double sq(double x) {
    return x * x;
  }

  private RatioReport() {}
}
