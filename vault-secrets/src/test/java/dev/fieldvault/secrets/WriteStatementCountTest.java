package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.ForwardingDataSource;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Counts the JDBC statements (round trips) the write path executes (8 writer threads), by table, through a
 * counting DataSource: per group-committed batch, the statements on the entry and version tables are exact
 * whatever the batch's size (each is one JDBC batch, {@link WritePlan}); per put, the audit's and the commits
 * are reported, as they depend on batch sizes.
 */
class WriteStatementCountTest {

  private static final String P = "swc_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final int THREADS = 8;
  private static final int PER_THREAD = 40;

  @ParameterizedTest
  @MethodSource(ALL)
  void aBatchOfPutsExecutesThreeStatementsOnTheEntryTables_plusTheAudit_whateverItsSize(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    Counting counting = new Counting(db.dataSource());
    try (SecretsVault vault = SecretsVault.builder(counting, SecretsTestSupport.cipher()).tablePrefix(P).build()) {
      String ns = SecretsTestSupport.unique("count");
      vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(2));
      SecretStore store = vault.store(ns).as("writer");

      Map<String, Long> created = run(counting, store);   // new names: version 1
      Map<String, Long> second = run(counting, store);    // version 2: within maxVersions
      Map<String, Long> third = run(counting, store);     // version 3: one version pruned
      int puts = THREADS * PER_THREAD;
      for (Map.Entry<String, Map<String, Long>> e : Map.of("created", created, "v2", second, "v3", third).entrySet()) {
        Map<String, Long> c = e.getValue();
        System.out.printf("[%s] %s: per put: entry+version statements %.2f, audit statements %.2f, commits %.3f"
            + " (%d puts)%n", kind, e.getKey(), (double) c.get("entries") / puts, (double) c.get("audit") / puts,
            (double) c.get("commits") / puts, puts);
      }
      // per group-committed batch, whatever its size: one SELECT of the batch's current versions, one JDBC
      // batch of INSERT entry, one of INSERT version (no prune before maxVersions is exceeded)
      assertThat(created.get("entries")).isEqualTo(3L * created.get("commits"));
      // SELECT versions, UPDATE entries, INSERT versions
      assertThat(second.get("entries")).isEqualTo(3L * second.get("commits"));
      // ... and DELETE the versions beyond maxVersions
      assertThat(third.get("entries")).isEqualTo(4L * third.get("commits"));
      // writes waiting together share a batch: fewer round trips than puts
      for (Map<String, Long> c : List.of(created, second, third)) {
        assertThat(c.get("commits")).isLessThan(puts);
      }
      // the audit is appended per batch (lock the head, insert the batch's events, update the head), not per put
      assertThat(created.get("commits")).isPositive().isLessThanOrEqualTo(puts);
      assertThat(store.versions("t0-0")).hasSize(2);
      assertThat(store.get("t7-" + (PER_THREAD - 1)).version()).isEqualTo(3);
    }
  }

  private static Map<String, Long> run(Counting counting, SecretStore store) throws Exception {
    counting.reset();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < PER_THREAD; i++) {
            assertThat(store.put("t" + thread + "-" + i, SecretValue.ofString("value")).isWritten()).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return counting.snapshot();
  }

  /** A DataSource whose connections count executed statements by the table they name, and commits. */
  static final class Counting extends ForwardingDataSource {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Counting(DataSource target) {
      super(target);
    }

    void reset() {
      counts.clear();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> out = new ConcurrentHashMap<>(Map.of("entries", 0L, "audit", 0L, "commits", 0L, "other", 0L));
      counts.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }

    private void count(String key) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private String classify(String sql) {
      String s = sql.toLowerCase(java.util.Locale.ROOT);
      if (s.contains(P + "audit")) {
        return "audit";
      }
      if (s.contains(P + "entry") || s.contains(P + "version")) {
        return "entries";
      }
      return "other";
    }

    @Override
    protected Connection wrap(Connection c) {
      InvocationHandler h = (proxy, m, args) -> {
        if (m.getName().equals("commit")) {
          count("commits");
        }
        Object r = invoke(c, m, args);
        if (m.getName().equals("prepareStatement") && r instanceof PreparedStatement ps) {
          return statement(ps, classify((String) args[0]));
        }
        return r;
      };
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private PreparedStatement statement(PreparedStatement ps, String table) {
      InvocationHandler h = (proxy, m, args) -> {
        String n = m.getName();
        if (n.equals("executeQuery") || n.equals("executeUpdate") || n.equals("execute")
            || n.equals("executeBatch") || n.equals("executeLargeUpdate")) {
          count(table);
        }
        return invoke(ps, m, args);
      };
      return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {PreparedStatement.class}, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
