package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ReadAudit#SYNC} with group commit: a read returns only once its event is committed,
 * concurrent reads share audit transactions, two vaults (two audit threads) keep one gap-free
 * chain, a failed append withholds the value and does not poison later reads, close drains.
 */
class SyncReadAuditTest {

  // own tables: these tests lock the audit head row and fail audit inserts on purpose
  private static final String P = "sv_ga_";
  // one keyring for every vault on these tables: the audit chain is keyed by it
  private static final FieldCipher CIPHER = SecretsTestSupport.cipher();
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SECRET = "s3cr3t-value-never-shown";

  @ParameterizedTest
  @MethodSource(ALL)
  void concurrentGets_eachEventIsCommittedWhenTheGetReturns_countsExact_chainIntact(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    int threads = 8;
    int perThread = 25;
    try (SecretsVault vault = vault(db.dataSource()).build()) {
      String ns = SecretsTestSupport.unique("group");
      vault.createStore(ns, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString(SECRET));

      List<Callable<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        readers.add(() -> {
          int seen = 0;
          try (Connection other = db.connect()) {
            for (int i = 0; i < perThread; i++) {
              String principal = "reader-" + thread + "-" + i;
              SecretResult r = vault.store(ns).as(principal).get("k");
              assertThat(r.status()).isEqualTo(Status.OK);
              // checked from another connection right after the get returned
              seen += readEvents(other, ns, principal);
            }
          }
          return seen;
        });
      }
      int seen = 0;
      for (int n : runAll(readers)) {
        seen += n;
      }

      int events = threads * perThread;
      assertThat(seen).as("events visible when their get returned").isEqualTo(events);
      assertThat(readEvents(db, ns))
          .isEqualTo(events);
      assertThat(vault.auditTransactions()).as("audit transactions for %d reads", events).isPositive()
          .isLessThan(events);
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void readsArrivingWhileABatchCommits_shareTheNextTransaction(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    try (SecretsVault vault = vault(db.dataSource()).build()) {
      String ns = SecretsTestSupport.unique("shared");
      vault.createStore(ns, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString(SECRET));
      List<Callable<Status>> readers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String principal = "reader-" + t;
        readers.add(() -> vault.store(ns).as(principal).get("k").status());
      }

      List<Status> statuses;
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try (Connection lock = lockAuditHead(db)) {
        List<Future<Status>> futures = new ArrayList<>();
        for (Callable<Status> r : readers) {
          futures.add(pool.submit(r));
        }
        // the audit thread holds the first event(s), blocked on the head row; the others queue up
        awaitValue(vault::auditWaiters, 8);
        assertThat(futures).noneMatch(Future::isDone);
        lock.commit();
        statuses = new ArrayList<>();
        for (Future<Status> f : futures) {
          statuses.add(f.get(60, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(statuses).containsOnly(Status.OK);
      assertThat(vault.auditTransactions()).as("transactions for 8 reads").isBetween(1L, 2L);
      assertThat(readEvents(db, ns))
          .isEqualTo(8);
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void twoVaultsReadingAndWritingTheSameTables_keepOneGapFreeChain_withExactCounts(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    FieldCipher cipher = CIPHER;
    int threadsPerVault = 3;
    int rounds = 10;
    try (SecretsVault a = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
        SecretsVault b = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build()) {
      String ns = SecretsTestSupport.unique("two");
      a.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(100)).put("shared", SecretValue.ofString(SECRET));
      List<Callable<Integer>> workers = new ArrayList<>();
      for (SecretsVault v : List.of(a, b)) {
        for (int t = 0; t < threadsPerVault; t++) {
          String own = (v == a ? "a" : "b") + t;
          workers.add(() -> {
            SecretStore s = v.store(ns).as(own);
            int calls = 0;
            for (int i = 0; i < rounds; i++) {
              assertThat(s.put(own, SecretValue.ofString(own + i)).status()).isEqualTo(Status.OK);
              assertThat(s.get(own).value().asString()).isEqualTo(own + i);
              assertThat(s.get("shared").status()).isEqualTo(Status.OK);
              calls += 3;
              if (i % 5 == 0) {
                assertThat(s.put("shared", SecretValue.ofString(own)).status()).isIn(Status.OK, Status.CONFLICT);
                calls++;
              }
            }
            return calls;
          });
        }
      }
      int calls = 0;
      for (int n : runAll(workers)) {
        calls += n;
      }

      assertThat(count(db, "SELECT COUNT(*) FROM " + P + "audit WHERE namespace = '" + ns + "'"))
          .as("one event per call, plus the store's creation and first put").isEqualTo(calls + 2);
      assertThat(count(db, "SELECT MAX(seq) - MIN(seq) + 1 - COUNT(*) FROM " + P + "audit")).as("seq gaps")
          .isZero();
      assertThat(a.auditTransactions()).isPositive();
      assertThat(b.auditTransactions()).isPositive();
      ChainCheck chain = b.verifyAuditChain();
      assertThat(chain.intact()).as("%s", chain.problem()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void failingAuditAppend_withholdsTheValue_andLaterReadsWorkAgain(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    AtomicBoolean failing = new AtomicBoolean();
    try (SecretsVault vault = vault(failingAuditInserts(db.dataSource(), failing))
        .readCache(Duration.ofMinutes(1), 10).build()) {
      String ns = SecretsTestSupport.unique("fault");
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
      s.put("cached", SecretValue.ofString(SECRET));
      s.put("stored", SecretValue.ofString(SECRET));
      assertThat(s.get("cached").status()).isEqualTo(Status.OK);

      failing.set(true);
      List<Callable<SecretResult>> readers = new ArrayList<>();
      for (String name : List.of("cached", "stored", "cached", "stored")) {
        readers.add(() -> s.as("during-fault").get(name));
      }
      List<Throwable> failures = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(readers.size());
      try {
        for (Future<SecretResult> f : pool.invokeAll(readers)) {
          try {
            f.get();
          } catch (java.util.concurrent.ExecutionException e) {
            failures.add(e.getCause());
          }
        }
      } finally {
        pool.shutdownNow();
      }
      failing.set(false);

      assertThat(failures).hasSize(readers.size()).allSatisfy(e -> {
        assertThat(e).isInstanceOf(SecretsAuditException.class).hasCauseInstanceOf(SQLException.class)
            .hasMessageContaining("result was withheld").hasMessageContaining("check the database")
            .hasMessageContaining(P + "audit");
        assertThat(e.getMessage()).doesNotContain(SECRET);
      });
      assertThat(s.get("stored").value().asString()).isEqualTo(SECRET);
      assertThat(s.get("cached").value().asString()).isEqualTo(SECRET);
      assertThat(count(db, "SELECT COUNT(*) FROM " + P + "audit WHERE namespace = '" + ns
          + "' AND principal = 'during-fault'")).as("events of the refused reads").isZero();
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void unconfirmedAuditAppend_timesOut_withoutTheValue_andLaterReadsWorkAgain(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    try (SecretsVault vault = vault(db.dataSource()).readAuditTimeout(Duration.ofMillis(300)).build()) {
      String ns = SecretsTestSupport.unique("timeout");
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
      s.put("k", SecretValue.ofString(SECRET));

      try (Connection lock = lockAuditHead(db)) {
        assertThatThrownBy(() -> s.get("k")).isInstanceOf(SecretsAuditException.class)
            .hasMessageContaining("not committed").hasMessageContaining("within 300 ms")
            .hasMessageContaining(P + "audit_head").satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        lock.commit();
      }

      // once the head row is free again, reads work again: the first may still meet the backlog of the
      // refused reads' events (and a loaded machine) within the short 300 ms, so it gets a few tries
      assertThat(readAfterBacklog(s, "k")).isEqualTo(SECRET);
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void close_appendsQueuedBatchedEvents_beforeReturning(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    FieldCipher cipher = CIPHER;
    String ns = SecretsTestSupport.unique("close-batched");
    SecretsVault vault = vault(db.dataSource(), cipher).readAudit(ReadAudit.BATCHED).build();
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofString(SECRET));

    try (Connection lock = lockAuditHead(db)) {
      for (int i = 0; i < 10; i++) {
        assertThat(s.get("k").status()).isEqualTo(Status.OK);
      }
      // the events are queued (or blocked on the head row) when close is called; released once it waits
      closeWhileLocked(vault, lock);
    }

    SecretsVault reader = vault(db.dataSource(), cipher).build();
    assertThat(reader.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.READ)).items()).hasSize(10);
    assertThat(reader.verifyAuditChain().intact()).isTrue();
    assertThatThrownBy(() -> s.get("k")).isInstanceOf(SecretsVaultClosedException.class).hasMessageContaining("closed");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void close_letsWaitingSyncReadsCommitAndReturn(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    String ns = SecretsTestSupport.unique("close-sync");
    SecretsVault vault = vault(db.dataSource()).build();
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofString(SECRET));

    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<SecretResult>> reads = new ArrayList<>();
    try (Connection lock = lockAuditHead(db)) {
      for (int i = 0; i < 4; i++) {
        reads.add(pool.submit(() -> s.get("k")));
      }
      awaitValue(vault::auditWaiters, 4);
      closeWhileLocked(vault, lock);
      for (Future<SecretResult> f : reads) {
        assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(readEvents(db, ns))
        .isEqualTo(4);
    assertThatThrownBy(() -> s.get("k")).isInstanceOf(SecretsVaultClosedException.class);
  }

  // ---------------------------------------------------------------------------------------------

  private static SecretsVault.Builder vault(DataSource ds) {
    return vault(ds, CIPHER);
  }

  private static SecretsVault.Builder vault(DataSource ds, FieldCipher cipher) {
    return SecretsVault.builder(ds, cipher).tablePrefix(P);
  }

  /** Calls close() while the audit head row is locked, releasing it once close waits for the audit thread. */
  private static void closeWhileLocked(SecretsVault vault, Connection lock) throws Exception {
    int before = vault.auditWaiters();
    ExecutorService closer = Executors.newSingleThreadExecutor();
    try {
      Future<?> closed = closer.submit(vault::close);
      awaitValue(vault::auditWaiters, before + 1);
      assertThat(closed.isDone()).as("close returned before its queued events could be appended").isFalse();
      lock.commit();
      closed.get(60, TimeUnit.SECONDS);
    } finally {
      closer.shutdownNow();
    }
  }

  /** A connection in a transaction holding the audit head row's lock (commit to release). */
  private static Connection lockAuditHead(TestDatabase db) throws SQLException {
    Connection c = db.connect();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_seq FROM " + P + "audit_head WHERE id = 1 FOR UPDATE")) {
      assertThat(rs.next()).isTrue();
    }
    return c;
  }

  private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (value.getAsInt() != expected) {
      assertThat(System.nanoTime()).as("waiting for %d, at %d", expected, value.getAsInt()).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<T> out = new ArrayList<>();
      for (Future<T> f : pool.invokeAll(tasks, 5, TimeUnit.MINUTES)) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int readEvents(Connection c, String ns, String principal) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + P + "audit WHERE namespace = ?"
        + " AND principal = ? AND action = 'READ' AND outcome = 'OK'")) {
      ps.setString(1, ns);
      ps.setString(2, principal);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static long readEvents(TestDatabase db, String ns) throws SQLException {
    return count(db, "SELECT COUNT(*) FROM " + P + "audit WHERE namespace = '" + ns + "' AND action = 'READ'");
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The DataSource, its connections failing every audit insert while {@code failing} is set. */
  private static DataSource failingAuditInserts(DataSource ds, AtomicBoolean failing) {
    ClassLoader loader = SyncReadAuditTest.class.getClassLoader();
    return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (p, m, args) -> {
      Object result = invoke(m, ds, args);
      if (!(result instanceof Connection)) {
        return result;
      }
      Connection c = (Connection) result;
      return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (cp, cm, cargs) -> {
        if (failing.get() && cm.getName().equals("prepareStatement")
            && ((String) cargs[0]).startsWith("INSERT INTO " + P + "audit ")) {
          throw new SQLException("injected failure of the audit insert", "58000");
        }
        return invoke(cm, c, cargs);
      });
    });
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** A read retried while it is refused only for an audit append still pending; anything else fails. */
  private static String readAfterBacklog(SecretStore s, String name) throws InterruptedException {
    SecretsAuditException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return s.get(name).value().asString();
      } catch (SecretsAuditException e) {
        assertThat(e.getMessage()).contains("not committed");
        last = e;
        Thread.sleep(250);
      }
    }
    throw new AssertionError("reads did not work again after the audit head was released", last);
  }
}
