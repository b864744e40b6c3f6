package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RewrapperBehaviourTest {

  private static final int ROWS = 2_000;

  private static FieldCipher promoted(RotationFixture fx, Keyring original) throws Exception {
    fx.create(FieldCipher.create(original), ROWS);
    return FieldCipher.create(RotationFixture.promoteAll(original));
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void dryRun_countsWhatWouldBeRewrapped_andChangesNothing(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "dry");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-dry"));
      var before = fx.snapshot();
      List<RotationProgress> events = new CopyOnWriteArrayList<>();

      RotationResult result = fx.rewrapper(cipher).dryRun(true).batchSize(300).listener(events::add).build().run();

      assertThat(result.rowsScanned()).isEqualTo(ROWS);
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
      RotationProgress last = events.get(events.size() - 1);
      assertThat(last.dryRun()).isTrue();
      assertThat(last.rewrappedByColumn()).containsEntry("email", (long) ROWS).containsEntry("salary", ROWS - ROWS / 10L);
      assertThat(result.valuesOffPrimary()).isGreaterThan(0);
      assertThat(fx.snapshot()).allSatisfy((id, bytes) -> assertThat(RotationFixture.sameBytes(bytes, before.get(id))).isTrue());
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + fx.vaultTables.rotationRange())) {
        rs.next();
        assertThat(rs.getLong(1)).as("a dry run claims no range").isZero();
      }
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void dryRun_progressCountsTheWholeTable_andReachesItsRowCountOnlyAtTheLastEvent(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "drybar");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-drybar"));
      List<RotationProgress> events = new CopyOnWriteArrayList<>();

      fx.rewrapper(cipher).dryRun(true).batchSize(300).listener(events::add).build().run();

      // what the CLI's progress bar draws from (vault-cli's ProgressBarTest draws such a sequence)
      assertThat(events).allSatisfy(p -> assertThat(p.tableRows()).isEqualTo(ROWS));
      assertThat(events.get(0).tableRowsDone()).isEqualTo(300);
      assertThat(events.get(0).rowsScanned()).isEqualTo(300);
      assertThat(events.get(events.size() - 1).rowsScanned()).isEqualTo(ROWS);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).rowsScanned()).as("never backwards, never past the table")
            .isGreaterThanOrEqualTo(events.get(i - 1).rowsScanned()).isLessThanOrEqualTo(ROWS);
      }
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void rowsInsertedDuringTheRun_areNotChased_theRunEndsAtTheGreatestKeyPlanned(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "chase");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-chase"));
      AtomicInteger batches = new AtomicInteger();
      AtomicInteger inserted = new AtomicInteger();

      // the application keeps inserting (under the new keys) while the rotation runs
      RotationResult result = fx.rewrapper(cipher).rotationId("chase").batchSize(100).rangeSize(500).listener(p -> {
        if (batches.incrementAndGet() <= 10) { // during the first half of the table
          insert(fx, cipher, ROWS + 1 + inserted.getAndAdd(50), 50);
        }
      }).build().run();

      assertThat(inserted.get()).isEqualTo(500);
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsScanned()).as("only the rows that existed when the run was planned").isEqualTo(ROWS);
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(result.valuesOffPrimary()).as("the new rows were written under the new keys").isZero();
      assertThat(RotationFixture.rangeAggregate(fx.db, fx.vaultTables, "COUNT(*)", "chase", " AND upper_key IS NULL"))
          .as("no open-ended range").isZero();
      fx.assertEveryRowDecrypts(cipher, ROWS + 500, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anEmptyTable_isPlannedAsOneFinishedRange_andLaterRowsAreNotScanned(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "empty");
    try {
      Keyring original = Keyring.generate("rot-empty");
      fx.create(FieldCipher.create(original), 0);
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));

      RotationResult first = fx.rewrapper(cipher).rotationId("empty").build().run();
      fx.insert(cipher, 1, 20); // written under the new keys after the plan
      RotationResult again = fx.rewrapper(cipher).rotationId("empty").build().run();

      assertThat(first.complete()).isTrue();
      assertThat(first.rowsScanned()).isZero();
      assertThat(RotationFixture.rangeAggregate(fx.db, fx.vaultTables, "COUNT(*)", "empty", " AND state = 'DONE'"))
          .isEqualTo(1);
      assertThat(again.complete()).isTrue();
      assertThat(again.rowsScanned()).isZero();
      assertThat(again.valuesOffPrimary()).isZero();
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void valuesLeftUnderOldKeys_makeTheRunIncomplete_andTheSameRunAgainMovesThem(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "left");
    try {
      Keyring original = Keyring.generate("rot-left");
      FieldCipher stale = FieldCipher.create(original); // an instance that never reloaded its keyring
      fx.create(stale, ROWS);
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));
      AtomicBoolean once = new AtomicBoolean();

      RotationResult first = fx.rewrapper(cipher).batchSize(250).rangeSize(500).listener(p -> {
        if (once.compareAndSet(false, true)) {
          // after the first batch: the stale instance rewrites rows 1..50 (already scanned) and adds 100 rows
          try (Connection c = fx.db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM " + fx.table + " WHERE id <= 50");
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
          insert(fx, stale, 1, 50);
          insert(fx, stale, ROWS + 1, 100);
        }
      }).build().run();

      // 150 rows: email, its blind index, name and ssn each 150, salary 135 (every tenth salary is null)
      assertThat(first.complete()).as("values are left under the old keys").isFalse();
      assertThat(first.stopped()).isFalse();
      assertThat(first.valuesOffPrimary()).isEqualTo(4 * 150 + 135);
      assertThat(first.valuesOffPrimaryByColumn()).containsEntry(fx.table + ".email", 150L)
          .containsEntry(fx.table + ".email_bi", 150L).containsEntry(fx.table + ".salary", 135L);
      assertThat(first.reopenedTables()).containsExactly(fx.table);
      assertThat(first.describeRemaining()).contains("735 values are still not under the primary keys")
          .contains(fx.table + ".email: 150").contains("run the same rotation again");

      RotationResult second = fx.rewrapper(cipher).batchSize(250).rangeSize(500).build().run();

      assertThat(second.rotationId()).isEqualTo(first.rotationId());
      assertThat(second.rowsScanned()).as("the re-opened table is scanned again").isEqualTo(ROWS + 100);
      assertThat(second.rowsRewrapped()).isEqualTo(150);
      assertThat(second.complete()).isTrue();
      assertThat(second.valuesOffPrimary()).isZero();
      assertThat(second.reopenedTables()).isEmpty();
      fx.assertEveryRowDecrypts(cipher, ROWS + 100, Map.of());
    } finally {
      fx.drop();
    }
  }

  private static void insert(RotationFixture fx, FieldCipher cipher, long fromId, int rows) {
    try {
      fx.insert(cipher, fromId, rows);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void secondRun_isANoOp_whetherResumingTheSameRotationOrStartingANewOne(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "again");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-again"));
      RotationResult first = fx.rewrapper(cipher).rangeSize(500).batchSize(250).build().run();
      assertThat(first.rowsRewrapped()).isEqualTo(ROWS);
      var after = fx.snapshot();

      RotationResult same = fx.rewrapper(cipher).rangeSize(500).build().run();
      RotationResult fresh = fx.rewrapper(cipher).rotationId("another-pass").rangeSize(500).build().run();

      assertThat(same.complete()).isTrue();
      assertThat(same.rowsScanned()).as("a finished rotation has nothing left").isZero();
      assertThat(fresh.rowsScanned()).isEqualTo(ROWS);
      assertThat(fresh.rowsRewrapped()).isZero();
      assertThat(fx.snapshot()).allSatisfy((id, bytes) -> assertThat(RotationFixture.sameBytes(bytes, after.get(id))).isTrue());
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void applicationUpdatesDuringTheRotation_areNeverLost(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "busy");
    ExecutorService app = Executors.newFixedThreadPool(2);
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-busy"));
      FieldEncryptor<String> name = cipher.field(RotationFixture.NAME);
      Map<Long, String> latest = new ConcurrentHashMap<>();
      AtomicBoolean rotating = new AtomicBoolean(true);
      AtomicInteger duringRotation = new AtomicInteger();
      CountDownLatch appStarted = new CountDownLatch(2);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int worker = w;
        writers.add(app.submit(() -> {
          try (Connection c = fx.db.connect();
              PreparedStatement ps = c.prepareStatement("UPDATE " + fx.table + " SET name = ?, note = ? WHERE id = ?")) {
            appStarted.countDown();
            int n = 0;
            while (rotating.get() || n < 50) {
              // each application thread owns the ids of its parity, so the last write per id is known
              long id = 2 * ThreadLocalRandom.current().nextLong(ROWS / 2) + 1 + worker;
              String value = "Updated " + id + " #" + n++;
              ps.setString(1, name.encryptToText(value, RotationFixture.tenant(id), id));
              ps.setString(2, "app");
              ps.setLong(3, id);
              ps.executeUpdate();
              latest.put(id, value);
              if (rotating.get()) {
                duringRotation.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      appStarted.await();

      // after its first committed batch the rotation waits (up to 10 s) until the application has written
      // during it, so the overlap does not depend on how busy the machine is
      AtomicBoolean waited = new AtomicBoolean();
      RotationResult result = fx.rewrapper(cipher).batchSize(50).rangeSize(500).listener(p -> {
        if (waited.compareAndSet(false, true)) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (duringRotation.get() < 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        }
      }).build().run();
      rotating.set(false);
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }

      assertThat(duringRotation.get()).as("application writes overlapped the rotation").isGreaterThan(0);
      assertThat(result.complete()).isTrue();
      fx.assertEveryRowDecrypts(cipher, ROWS, latest);
      assertThat(fx.rewrapper(cipher).rotationId("check").build().run().valuesOffPrimary()).isZero();
    } finally {
      app.shutdownNow();
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void twoWorkersOnOneRotation_doEveryRowExactlyOnce(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "pair");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-pair"));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RotationResult>> workers = new ArrayList<>();
      for (String id : List.of("worker-a", "worker-b")) {
        workers.add(pool.submit(() -> {
          go.await();
          return fx.rewrapper(cipher).rotationId("pair").workerId(id).rangeSize(200).batchSize(100).build().run();
        }));
      }
      go.countDown();
      RotationResult a = workers.get(0).get(120, TimeUnit.SECONDS);
      RotationResult b = workers.get(1).get(120, TimeUnit.SECONDS);

      assertThat(a.complete()).isTrue();
      assertThat(b.complete()).isTrue();
      assertThat(a.rowsRewrapped() + b.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(a.rowsScanned() + b.rowsScanned()).isEqualTo(ROWS);
      assertThat(fx.sumRewrappedInWorkTable("pair")).isEqualTo(ROWS);
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT state, claim_count, owner FROM " + fx.vaultTables.rotationRange()
              + " WHERE rotation_id = 'pair'")) {
        int ranges = 0;
        while (rs.next()) {
          ranges++;
          assertThat(rs.getString(1)).isEqualTo("DONE");
          assertThat(rs.getInt(2)).as("every range claimed once").isEqualTo(1);
          assertThat(rs.getString(3)).isIn("worker-a", "worker-b");
        }
        assertThat(ranges).as("full ranges, the last one ending at the greatest key at plan time").isEqualTo(ROWS / 200);
      }
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      pool.shutdownNow();
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void severalWorkers_eachFinalReportSaysTheWholeTableDone_withNoTimeLeft(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "trio");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-trio"));
      CountDownLatch go = new CountDownLatch(1);
      Map<String, List<RotationProgress>> events = new ConcurrentHashMap<>();
      List<Future<RotationResult>> workers = new ArrayList<>();
      for (String id : List.of("worker-a", "worker-b", "worker-c")) {
        List<RotationProgress> seen = new CopyOnWriteArrayList<>();
        events.put(id, seen);
        workers.add(pool.submit(() -> {
          go.await();
          return fx.rewrapper(cipher).rotationId("trio").workerId(id).rangeSize(100).batchSize(7)
              .listener(seen::add).build().run();
        }));
      }
      go.countDown();
      long scannedByWorkers = 0;
      for (Future<RotationResult> w : workers) {
        RotationResult r = w.get(120, TimeUnit.SECONDS);
        assertThat(r.complete()).isTrue();
        assertThat(r.tables()).hasSize(1);
        RotationProgress last = r.tables().get(0);
        // the table's totals, not this worker's view at its own last batch
        assertThat(last.tableRowsDone()).as(last.toString()).isEqualTo(ROWS);
        assertThat(last.tableRows()).as(last.toString()).isEqualTo(ROWS);
        assertThat(last.estimatedRemaining()).as(last.toString()).isEqualTo(java.time.Duration.ZERO);
        scannedByWorkers += last.rowsScanned(); // its own counts stay its own
      }
      assertThat(scannedByWorkers).isEqualTo(ROWS);
      for (Map.Entry<String, List<RotationProgress>> e : events.entrySet()) {
        List<RotationProgress> seen = e.getValue();
        RotationProgress last = seen.get(seen.size() - 1);
        assertThat(last.tableRowsDone()).as(e.getKey() + "'s last listener event").isEqualTo(ROWS);
        assertThat(last.tableRows()).as(e.getKey() + "'s last listener event").isEqualTo(ROWS);
      }
      assertThat(RotationFixture.rangeAggregate(fx.db, fx.vaultTables, "COALESCE(SUM(rows_scanned), 0)", "trio", ""))
          .isEqualTo(ROWS);
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      pool.shutdownNow();
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void stoppedRun_resumesFromItsCheckpoint_withoutRewrappingAnyRowTwice(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "stop");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-stop"));
      AtomicInteger batches = new AtomicInteger();
      Rewrapper[] holder = new Rewrapper[1];
      holder[0] = fx.rewrapper(cipher).rotationId("stop").workerId("w1").batchSize(100).rangeSize(ROWS)
          .listener(p -> {
            if (batches.incrementAndGet() == 3) {
              holder[0].stop();
            }
          }).build();

      RotationResult stopped = holder[0].run();

      assertThat(stopped.stopped()).isTrue();
      assertThat(stopped.complete()).isFalse();
      assertThat(stopped.rowsRewrapped()).isEqualTo(300);
      var middle = fx.snapshot();
      // a clean stop gives the range back: its lease has ended, so any worker can resume it now
      assertThat(fx.latestLeaseUntil("stop")).isLessThanOrEqualTo(System.currentTimeMillis());
      RotationResult resumed = fx.rewrapper(cipher).rotationId("stop").workerId("w2").batchSize(100).build().run();
      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.rowsScanned()).as("resumes after the checkpoint").isEqualTo(ROWS - 300);
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - 300);
      var end = fx.snapshot();
      for (long id = 1; id <= 300; id++) {
        assertThat(RotationFixture.sameBytes(end.get(id), middle.get(id))).as("row %d untouched after resume", id).isTrue();
      }
      assertThat(fx.sumRewrappedInWorkTable("stop")).isEqualTo(ROWS);
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void pausedRun_writesNothingUntilResumed(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "pause");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-pause"));
      AtomicInteger events = new AtomicInteger();
      Rewrapper[] holder = new Rewrapper[1];
      holder[0] = fx.rewrapper(cipher).batchSize(100).listener(p -> {
        if (events.incrementAndGet() == 1) {
          holder[0].pause();
        }
      }).build();
      Future<RotationResult> run = pool.submit(holder[0]::run);
      while (events.get() == 0) {
        Thread.sleep(10);
      }
      var whilePaused = fx.snapshot();
      Thread.sleep(300);
      assertThat(events.get()).isEqualTo(1);
      assertThat(fx.snapshot()).allSatisfy((id, b) -> assertThat(RotationFixture.sameBytes(b, whilePaused.get(id))).isTrue());
      assertThat(holder[0].isPaused()).isTrue();

      holder[0].resume();
      RotationResult result = run.get(120, TimeUnit.SECONDS);

      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
    } finally {
      pool.shutdownNow();
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void perTenantKeyrings_onlyTheRotatedTenantsRowsAreRewrapped(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "tenant");
    try {
      Map<String, Keyring> keyrings = new ConcurrentHashMap<>();
      for (String t : List.of("t0", "t1", "t2")) {
        keyrings.put(t, Keyring.generate("rot-" + t));
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("rot-default"),
          t -> java.util.Optional.ofNullable(keyrings.get(t)));
      fx.create(cipher, ROWS);
      var before = fx.snapshot();
      keyrings.put("t1", RotationFixture.promoteAll(keyrings.get("t1")));
      cipher.forgetTenant("t1");

      RotationResult result = fx.rewrapper(cipher).batchSize(300).build().run();

      long t1Rows = before.keySet().stream().filter(id -> RotationFixture.tenant(id).equals("t1")).count();
      assertThat(result.rowsRewrapped()).isEqualTo(t1Rows);
      var after = fx.snapshot();
      after.forEach((id, bytes) -> assertThat(RotationFixture.sameBytes(bytes, before.get(id)))
          .as("row %d of tenant %s", id, RotationFixture.tenant(id)).isEqualTo(!RotationFixture.tenant(id).equals("t1")));
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
      int t1Aead = keyrings.get("t1").aead().orElseThrow().primary().keyId();
      assertThat(result.inventory().column(fx.table, "email").orElseThrow().count(t1Aead)).isEqualTo(t1Rows);
      assertThat(result.valuesOffPrimary()).as("each tenant's values are on its own keyring's primary").isZero();
      assertThat(result.complete()).isTrue();
    } finally {
      fx.drop();
    }
  }

  @Test
  void throttledRun_neverExceedsItsRowRate() throws Exception {
    RotationFixture fx = new RotationFixture(TestDatabases.Kind.H2, "throttle");
    Keyring original = Keyring.generate("rot-throttle");
    int rows = 400;
    fx.create(FieldCipher.create(original), rows);
    FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));
    List<RotationProgress> events = new CopyOnWriteArrayList<>();

    RotationResult result = fx.rewrapper(cipher).batchSize(20).throttle(200).listener(events::add).build().run();

    // unthrottled, this runs at thousands of rows/s; a slow machine only lowers the rate further
    assertThat(result.tables().get(0).rowsPerSecond()).isLessThanOrEqualTo(200 * 1.05);
    assertThat(result.rowsRewrapped()).isEqualTo(rows);
    assertThat(events).hasSizeGreaterThanOrEqualTo(rows / 20);
  }

  @Test
  void builder_rejectsSettingsOutOfRange_namingTheRange() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("rot-cfg"));
    var b = Rewrapper.builder(TestDatabases.h2().dataSource(), cipher);
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(VaultConfigurationException.class).hasMessageContaining("1 to 10,000");
    assertThatThrownBy(() -> b.throttle(-1)).isInstanceOf(VaultConfigurationException.class).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> b.lease(java.time.Duration.ZERO)).isInstanceOf(VaultConfigurationException.class);
    assertThatThrownBy(b::build).isInstanceOf(VaultConfigurationException.class).hasMessageContaining("no table");
  }

  @Test
  void declaredColumnMissingFromTheDatabase_failsAtStart_namingTheTable() throws Exception {
    RotationFixture fx = new RotationFixture(TestDatabases.Kind.H2, "missing");
    FieldCipher cipher = FieldCipher.create(Keyring.generate("rot-missing"));
    fx.create(cipher, 10);
    EncryptedTable wrong = EncryptedTable.builder(fx.table).primaryKey("id")
        .column(EncryptedColumn.builder(fx.table, "no_such_column", RotationFixture.SALARY).build()).build();
    assertThatThrownBy(() -> Rewrapper.builder(fx.db.dataSource(), cipher).table(wrong).vaultTables(fx.vaultTables)
        .build().run())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining(fx.table).hasMessageContaining("no_such_column");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void checkTables_readsTheDeclaredTablesWithoutWriting_andFailsOnAMissingTableOrColumn(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "check");
    Keyring original = Keyring.generate("rot-check");
    fx.create(FieldCipher.create(original), 10);
    Map<Long, byte[][]> before = fx.snapshot();
    FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));

    fx.rewrapper(cipher).rotationId("check").build().checkTables();
    assertThat(RotationFixture.rangeAggregate(fx.db, fx.vaultTables, "COUNT(*)", "check", "")).isZero();
    assertThat(fx.snapshot()).allSatisfy((id, b) -> assertThat(RotationFixture.sameBytes(b, before.get(id))).isTrue());

    EncryptedTable missing = EncryptedTable.builder(fx.table + "_nowhere").primaryKey("id")
        .column(EncryptedColumn.builder(fx.table + "_nowhere", "salary", RotationFixture.SALARY).build()).build();
    Rewrapper noTable = Rewrapper.builder(fx.db.dataSource(), cipher).table(missing).vaultTables(fx.vaultTables).build();
    assertThatThrownBy(noTable::checkTables).isInstanceOf(dev.fieldvault.jdbc.keystore.VaultStorageException.class)
        .hasMessageContaining("cannot read the declared tables");
    EncryptedTable wrong = EncryptedTable.builder(fx.table).primaryKey("id")
        .column(EncryptedColumn.builder(fx.table, "no_such_column", RotationFixture.SALARY).build()).build();
    Rewrapper noColumn = Rewrapper.builder(fx.db.dataSource(), cipher).table(wrong).vaultTables(fx.vaultTables).build();
    assertThatThrownBy(noColumn::checkTables).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("no_such_column");
  }
}
