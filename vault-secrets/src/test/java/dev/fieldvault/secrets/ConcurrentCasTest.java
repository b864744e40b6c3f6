package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concurrent compare-and-set writers: in every round all writers expect the same version, exactly
 * one wins, and every winning version is kept (none lost or overwritten). Rounds and writers can be
 * raised with -Dfieldvault.secrets.casRounds / casWriters for a longer soak.
 */
class ConcurrentCasTest {

  private static final String P = "sv_";
  private static final int ROUNDS = Integer.getInteger("fieldvault.secrets.casRounds", 15);
  private static final int WRITERS = Integer.getInteger("fieldvault.secrets.casWriters", 4);

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void concurrentCasWriters_exactlyOneWinsEachRound_noVersionLost(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .readAudit(ReadAudit.OFF).build();
    String ns = SecretsTestSupport.unique("cas");
    vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(ROUNDS + 1));
    vault.store(ns).put("counter", SecretValue.ofString("round-0"));
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CyclicBarrier start = new CyclicBarrier(WRITERS);
    List<String> winners = new ArrayList<>();
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        long expected = round;
        List<Future<WriteResult>> results = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          String value = "round-" + round + "-writer-" + w;
          SecretStore store = vault.store(ns).as("writer-" + w);
          Callable<WriteResult> task = () -> {
            start.await(10, TimeUnit.SECONDS);
            return store.put("counter", SecretValue.ofString(value),
                PutOptions.builder().expectedVersion(expected).build());
          };
          results.add(pool.submit(task));
        }
        int wins = 0;
        for (int w = 0; w < WRITERS; w++) {
          WriteResult r = results.get(w).get(60, TimeUnit.SECONDS);
          assertThat(r.status()).isIn(Status.OK, Status.CONFLICT);
          if (r.isWritten()) {
            wins++;
            assertThat(r.version()).isEqualTo(expected + 1);
            winners.add("round-" + round + "-writer-" + w);
          }
        }
        assertThat(wins).as("winners of round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }

    SecretStore reader = vault.store(ns);
    assertThat(reader.get("counter").version()).isEqualTo(ROUNDS + 1);
    assertThat(reader.versions("counter")).hasSize(ROUNDS + 1);
    for (int round = 1; round <= ROUNDS; round++) {
      assertThat(reader.getVersion("counter", round + 1).value().asString()).isEqualTo(winners.get(round - 1));
    }
    assertThat(reader.get("counter").value().asString()).isEqualTo(winners.get(ROUNDS - 1));
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void concurrentUnconditionalPuts_allLandAsDistinctVersions(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("puts");
    vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(100));
    int perWriter = 5;
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<List<Long>>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          List<Long> versions = new ArrayList<>();
          for (int i = 0; i < perWriter; i++) {
            WriteResult r = vault.store(ns).put("k", SecretValue.ofString(writer + ":" + i));
            assertThat(r.status()).isEqualTo(Status.OK);
            versions.add(r.version());
          }
          return versions;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : futures) {
        all.addAll(f.get(120, TimeUnit.SECONDS));
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(WRITERS * perWriter);
      assertThat(vault.store(ns).versions("k")).hasSize(WRITERS * perWriter);
    } finally {
      pool.shutdownNow();
    }
  }
}
