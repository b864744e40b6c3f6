package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The group-committed writes sent as JDBC batches ({@link WritePlan}): one read of the batch's current
 * versions, then one batch per statement. What a single write guarantees must hold for a batch: two
 * vault instances racing on the same names lose no write and give no version twice (a lost
 * compare-and-set inside a batch is retried), two writes of one name in one batch, and a concurrent
 * insert of a new name (the batch falls back to one write at a time). H2, PostgreSQL and MariaDB.
 */
class PlannedWritesTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @ParameterizedTest
  @MethodSource(ALL)
  void twoInstancesRacingOnTheSameNames_loseNoWrite_andGiveEveryVersionOnce(Kind kind) throws Exception {
    String p = "sv_pw1_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("race");
    try (SecretsVault a = vault(db, p); SecretsVault b = vault(db, p)) {
      a.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(1000));
      String[] names = {"n0", "n1", "n2"};
      int threadsPerVault = 4;
      int perThread = 30;
      ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerVault);
      List<Future<Map<String, Map<Long, String>>>> futures = new ArrayList<>();
      try {
        for (SecretsVault v : List.of(a, b)) {
          for (int t = 0; t < threadsPerVault; t++) {
            String writer = (v == a ? "a" : "b") + t;
            futures.add(pool.submit(() -> {
              Map<String, Map<Long, String>> mine = new HashMap<>();
              SecretStore s = v.store(ns);
              for (int i = 0; i < perThread; i++) {
                String name = names[ThreadLocalRandom.current().nextInt(names.length)];
                String value = writer + ":" + i;
                WriteResult r = s.put(name, SecretValue.ofString(value));
                assertThat(r.status()).isEqualTo(Status.OK);
                assertThat(mine.computeIfAbsent(name, k -> new HashMap<>()).put(r.version(), value)).isNull();
              }
              return mine;
            }));
          }
        }
        Map<String, Map<Long, String>> written = new HashMap<>();
        for (Future<Map<String, Map<Long, String>>> f : futures) {
          f.get(180, TimeUnit.SECONDS).forEach((name, versions) -> versions.forEach((version, value) ->
              assertThat(written.computeIfAbsent(name, k -> new HashMap<>()).put(version, value))
                  .as("%s version %d given twice", name, version).isNull()));
        }
        int total = 0;
        SecretStore s = a.store(ns);
        for (String name : names) {
          Map<Long, String> versions = written.getOrDefault(name, Map.of());
          total += versions.size();
          if (versions.isEmpty()) {
            continue;
          }
          // versions 1..n, each written by exactly one put, each kept with the value that put wrote
          assertThat(new TreeSet<>(versions.keySet())).first().isEqualTo(1L);
          assertThat(new TreeSet<>(versions.keySet()).last()).isEqualTo((long) versions.size());
          assertThat(s.get(name).version()).isEqualTo(versions.size());
          assertThat(s.get(name).value().asString()).isEqualTo(versions.get((long) versions.size()));
          for (Map.Entry<Long, String> e : versions.entrySet()) {
            assertThat(s.getVersion(name, e.getKey()).value().asString()).isEqualTo(e.getValue());
          }
        }
        assertThat(total).isEqualTo(2 * threadsPerVault * perThread);
        assertThat(a.writes().plannedBatches()).isPositive();
        assertThat(b.writes().plannedBatches()).isPositive();
        assertThat(a.verifyAuditChain().intact()).isTrue();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void twoWritesOfOneNameInOneBatch_runOneAfterTheOther(Kind kind) throws Exception {
    String p = "sv_pw2_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("dup");
    try (SecretsVault vault = vault(db, p)) {
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(10));
      ExecutorService pool = Executors.newFixedThreadPool(2 * WriteBatcher.THREADS + 3);
      try (Connection lock = db.connect()) {
        List<Future<WriteResult>> held = new ArrayList<>();
        List<Future<WriteResult>> queued = new ArrayList<>();
        lock.setAutoCommit(false);
        try (Statement st = lock.createStatement()) {
          st.executeQuery("SELECT last_seq FROM " + p + "audit_head WHERE id = 1 FOR UPDATE").close();
        }
        long plannedBefore = vault.writes().plannedBatches();
        for (int i = 0; i < WriteBatcher.THREADS; i++) { // every write thread holds one write, waiting for the head
          int n = i;
          held.add(pool.submit(() -> s.put("held-" + n, SecretValue.ofString("h"))));
          SecretsTestSupport.awaitBusy(vault, i + 1);
        }
        for (int i = 1; i <= 3; i++) { // these queue up and form one batch: the same name three times
          int n = i;
          queued.add(pool.submit(() -> s.put("same", SecretValue.ofString("v" + n))));
        }
        queued.add(pool.submit(() -> s.put("other", SecretValue.ofString("o"))));
        SecretsTestSupport.awaitQueued(vault, 4);
        lock.rollback();
        for (Future<WriteResult> f : held) {
          assertThat(f.get(60, TimeUnit.SECONDS).version()).isEqualTo(1);
        }
        Set<Long> versions = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
          versions.add(queued.get(i).get(60, TimeUnit.SECONDS).version());
        }
        assertThat(versions).containsExactly(1L, 2L, 3L);
        assertThat(queued.get(3).get(60, TimeUnit.SECONDS).version()).isEqualTo(1);
        // the held writes' batches were planned; the batch with one name twice was not: it ran one write at a time
        assertThat(vault.writes().plannedBatches()).isEqualTo(plannedBefore + WriteBatcher.THREADS);
        assertThat(s.versions("same")).hasSize(3);
        long last = s.get("same").version();
        assertThat(last).isEqualTo(3);
        assertThat(vault.verifyAuditChain().intact()).isTrue();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aConcurrentFirstWriteOfTheSameName_fromAnotherInstance_isNotLost(Kind kind) throws Exception {
    String p = "sv_pw3_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("insert");
    try (SecretsVault a = vault(db, p); SecretsVault b = vault(db, p)) {
      a.createStore(ns, null, StoreOptions.DEFAULT);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try (Connection lock = db.connect()) {
        lock.setAutoCommit(false);
        try (Statement st = lock.createStatement()) {
          st.executeQuery("SELECT last_seq FROM " + p + "audit_head WHERE id = 1 FOR UPDATE").close();
        }
        // a inserts the entry, then waits for the audit head; b reads no entry and inserts it too
        Future<WriteResult> first = pool.submit(() -> a.store(ns).put("new", SecretValue.ofString("from-a")));
        SecretsTestSupport.awaitBusy(a, 1);
        Thread.sleep(300);
        Future<WriteResult> second = pool.submit(() -> b.store(ns).put("new", SecretValue.ofString("from-b")));
        SecretsTestSupport.awaitBusy(b, 1);
        Thread.sleep(500);
        lock.rollback();
        WriteResult ra = first.get(60, TimeUnit.SECONDS);
        WriteResult rb = second.get(60, TimeUnit.SECONDS);
        assertThat(ra.status()).isEqualTo(Status.OK);
        assertThat(rb.status()).isEqualTo(Status.OK);
        assertThat(Set.of(ra.version(), rb.version())).containsExactlyInAnyOrder(1L, 2L);
        SecretStore s = a.store(ns);
        assertThat(s.getVersion("new", 1).value().asString()).isEqualTo(ra.version() == 1 ? "from-a" : "from-b");
        assertThat(s.getVersion("new", 2).value().asString()).isEqualTo(ra.version() == 2 ? "from-a" : "from-b");
        assertThat(s.get("new").version()).isEqualTo(2);
        // b's planned insert met a's (a duplicate key once a committed): b's batch ran again one write at a time
        assertThat(b.writes().plannedFallbacks()).as("b's planned batches run again").isEqualTo(1);
        assertThat(a.writes().plannedFallbacks()).isZero();
        assertThat(a.verifyAuditChain().intact()).isTrue();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static final dev.fieldvault.keys.FieldCipher CIPHER = SecretsTestSupport.cipher(); // both instances' keys

  private static SecretsVault vault(TestDatabase db, String prefix) {
    return SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(prefix)
        .readAudit(ReadAudit.OFF).build();
  }
}
