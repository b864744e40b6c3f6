package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

/** The rewrapper on tables with two- and three-column primary keys (see {@link CompositeKeyFixture}). */
class CompositeKeyRewrapperTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final int ROWS = CompositeKeyFixture.rows();

  private static Keyring originalOf(CompositeKeyFixture fx, String name) throws Exception {
    Keyring original = Keyring.generate(name);
    fx.create(FieldCipher.create(original));
    return original;
  }

  private static List<Integer> primaryIds(Keyring k) {
    return List.of(k.aead().orElseThrow().primary().keyId());
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void compositeKeys_smallRangesAndBatches_everyValueMovesToThePrimaryKey_andASecondRunIsANoOp(TestDatabases.Kind kind)
      throws Exception {
    CompositeKeyFixture fx = new CompositeKeyFixture(kind, "full");
    try {
      Keyring promoted = RotationFixture.promoteAll(originalOf(fx, "rck-full"));
      FieldCipher cipher = FieldCipher.create(promoted);
      var before = fx.snapshot();

      // batches of 7 rows: the leading key column (tenant, region) repeats across batch boundaries
      RotationResult first = fx.rewrapper(cipher).rotationId("full").rangeSize(100).batchSize(7).build().run();

      assertThat(first.complete()).isTrue();
      assertThat(first.rowsScanned()).isEqualTo(ROWS);
      assertThat(first.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(CompositeKeyFixture.changed(before, fx.snapshot())).as("every value rewritten").isEqualTo(before.size());
      fx.assertEveryValue(cipher, Map.of(), primaryIds(promoted));
      assertThat(first.valuesOffPrimary()).isZero();
      assertThat(fx.sumRewrappedInWorkTable("full")).isEqualTo(ROWS);
      assertThat(fx.rangeCount("full")).as("ranges of 100 keys per table, and the open last ones")
          .isEqualTo(CompositeKeyFixture.accountRows() / 100 + 1 + CompositeKeyFixture.ledgerRows() / 100 + 1L);
      assertThat(fx.checkpoints("full")).isNotEmpty().allSatisfy(k -> assertThat(JsonParser.parseString(k).isJsonArray())
          .as("checkpoint %s is a JSON array", k).isTrue());

      var after = fx.snapshot();
      RotationResult same = fx.rewrapper(cipher).rotationId("full").rangeSize(100).batchSize(7).build().run();
      RotationResult fresh = fx.rewrapper(cipher).rotationId("full-again").rangeSize(100).batchSize(50).build().run();
      assertThat(same.rowsScanned()).as("a finished rotation has nothing left").isZero();
      assertThat(fresh.rowsScanned()).isEqualTo(ROWS);
      assertThat(fresh.rowsRewrapped()).isZero();
      assertThat(CompositeKeyFixture.changed(after, fx.snapshot())).isZero();
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void dryRun_onCompositeKeys_countsEveryRow_andWritesNothing(TestDatabases.Kind kind) throws Exception {
    CompositeKeyFixture fx = new CompositeKeyFixture(kind, "dry");
    try {
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(originalOf(fx, "rck-dry")));
      var before = fx.snapshot();

      RotationResult result = fx.rewrapper(cipher).dryRun(true).batchSize(9).build().run();

      assertThat(result.rowsScanned()).isEqualTo(ROWS);
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(CompositeKeyFixture.changed(before, fx.snapshot())).isZero();
      assertThat(fx.rangeCount(result.rotationId())).as("a dry run claims no range").isZero();
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void stoppedMidway_resumesWithAnotherWorker_fromKeysThatNeedEscaping(TestDatabases.Kind kind) throws Exception {
    CompositeKeyFixture fx = new CompositeKeyFixture(kind, "stop");
    try {
      Keyring promoted = RotationFixture.promoteAll(originalOf(fx, "rck-stop"));
      FieldCipher cipher = FieldCipher.create(promoted);
      AtomicInteger batches = new AtomicInteger();
      Rewrapper[] holder = new Rewrapper[1];
      holder[0] = fx.rewrapper(cipher).rotationId("stop").workerId("w1").batchSize(11).rangeSize(1000)
          .listener(p -> {
            if (batches.incrementAndGet() == 5) {
              holder[0].stop();
            }
          }).build();

      RotationResult stopped = holder[0].run();

      assertThat(stopped.stopped()).isTrue();
      assertThat(stopped.rowsRewrapped()).isEqualTo(55);
      List<String> checkpoints = fx.checkpoints("stop");
      assertThat(checkpoints).hasSize(1);
      var key = JsonParser.parseString(checkpoints.get(0)).getAsJsonArray();
      assertThat(key.get(1).getAsString()).as("the checkpoint keeps the code exactly")
          .matches(code -> CompositeKeyFixture.MARKS.stream().anyMatch(code::startsWith));
      var middle = fx.snapshot();

      RotationResult resumed = fx.rewrapper(cipher).rotationId("stop").workerId("w2").batchSize(11).build().run();

      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.rowsScanned()).as("resumes right after the checkpoint").isEqualTo(ROWS - 55);
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - 55);
      assertThat(CompositeKeyFixture.changed(middle, fx.snapshot())).as("two values per account row")
          .isEqualTo(2L * (CompositeKeyFixture.accountRows() - 55) + CompositeKeyFixture.ledgerRows());
      assertThat(fx.sumRewrappedInWorkTable("stop")).isEqualTo(ROWS);
      fx.assertEveryValue(cipher, Map.of(), primaryIds(promoted));
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void applicationUpdatesDuringTheRotation_areNeverOverwritten(TestDatabases.Kind kind) throws Exception {
    CompositeKeyFixture fx = new CompositeKeyFixture(kind, "busy");
    ExecutorService app = Executors.newSingleThreadExecutor();
    try {
      Keyring promoted = RotationFixture.promoteAll(originalOf(fx, "rck-busy"));
      FieldCipher cipher = FieldCipher.create(promoted);
      FieldEncryptor<String> secret = cipher.field(CompositeKeyFixture.SECRET);
      Map<String, String> latest = new ConcurrentHashMap<>();
      AtomicBoolean rotating = new AtomicBoolean(true);
      AtomicInteger duringRotation = new AtomicInteger();
      CountDownLatch started = new CountDownLatch(1);
      Future<?> writer = app.submit(() -> {
        try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + fx.accounts
            + " SET secret = ? WHERE tenant_id = ? AND code = ?")) {
          started.countDown();
          int n = 0;
          while (rotating.get() || n < 50) {
            long t = 1 + ThreadLocalRandom.current().nextInt(CompositeKeyFixture.TENANTS);
            String code = CompositeKeyFixture.code(ThreadLocalRandom.current().nextInt(CompositeKeyFixture.CODES));
            String value = "updated " + t + "/" + code + " #" + n++;
            ps.setBytes(1, secret.encrypt(value));
            ps.setLong(2, t);
            ps.setString(3, code);
            ps.executeUpdate();
            latest.put(t + "/" + code, value);
            if (rotating.get()) {
              duringRotation.incrementAndGet();
            }
          }
        }
        return null;
      });
      started.await();

      // after its first committed batch the rotation waits (up to 10 s) until the application has written
      // during it, so the overlap does not depend on how busy the machine is
      AtomicBoolean waited = new AtomicBoolean();
      RotationResult result = fx.rewrapper(cipher).rangeSize(100).batchSize(5).listener(p -> {
        if (waited.compareAndSet(false, true)) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (duringRotation.get() < 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        }
      }).build().run();
      rotating.set(false);
      writer.get(60, TimeUnit.SECONDS);

      assertThat(duringRotation.get()).as("application writes overlapped the rotation").isGreaterThan(0);
      assertThat(result.complete()).isTrue();
      fx.assertEveryValue(cipher, latest, primaryIds(promoted));
    } finally {
      app.shutdownNow();
      fx.drop();
    }
  }

  @Test
  void rowBoundColumn_onACompositeKey_withoutARowContext_isRefused_namingTheColumn() {
    FieldSpec<String> bound = FieldSpec.builder("Doc", "body", String.class).rowBound(true).build();
    assertThatThrownBy(() -> EncryptedTable.builder("docs").primaryKey("tenant_id", "id")
        .column(EncryptedColumn.builder("docs", "body", bound).rowIdColumn("id").build()).build())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("docs.body").hasMessageContaining("(tenant_id, id)").hasMessageContaining("rowContext(");
    EncryptedTable ok = EncryptedTable.builder("docs").primaryKey("tenant_id", "id")
        .column(EncryptedColumn.builder("docs", "body", bound).rowContext(r -> EncryptionContext.of("Doc", "body"))
            .build())
        .build();
    assertThat(ok.primaryKeys()).containsExactly("tenant_id", "id");
  }

  @Test
  void declarationErrors_areRefusedWhenBuilt() {
    FieldSpec<String> indexed = FieldSpec.builder("Doc", "title", String.class)
        .blindIndex(16, Normalizers.caseInsensitive()).build();
    assertThatThrownBy(() -> EncryptedColumn.builder("docs", "title", indexed).blindIndexColumn("title_bi")
        .rowContext(r -> EncryptionContext.of("Doc", "title")).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("blind index");
    assertThatThrownBy(() -> EncryptedTable.builder("docs").primaryKey("a", "b", "c", "d", "e"))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("1 to 4 columns");
    assertThatThrownBy(() -> EncryptedTable.builder("docs").primaryKey("a", "b")
        .column(EncryptedColumn.builder("docs", "b", CompositeKeyFixture.SECRET).build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("names column b twice");
  }

  @Test
  void rowContextReadingAnUndeclaredColumn_leavesTheValue_andCountsItFailed() throws Exception {
    CompositeKeyFixture fx = new CompositeKeyFixture(TestDatabases.Kind.H2, "undeclared");
    try {
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(originalOf(fx, "rck-undeclared")));
      EncryptedTable wrong = EncryptedTable.builder(fx.ledger).primaryKey("region", "account", "seq")
          .column(EncryptedColumn.builder(fx.ledger, "amount", CompositeKeyFixture.AMOUNT)
              .rowContext(r -> EncryptionContext.of("Ledger", "amount", r.getString("amount"), null)).build())
          .build();
      var before = fx.snapshot();

      RotationResult result = Rewrapper.builder(fx.db.dataSource(), cipher).table(wrong).vaultTables(fx.vaultTables)
          .build().run();

      assertThat(result.tables().get(0).rowsFailed()).isEqualTo(CompositeKeyFixture.ledgerRows());
      assertThat(result.rowsRewrapped()).isZero();
      assertThat(CompositeKeyFixture.changed(before, fx.snapshot())).isZero();
    } finally {
      fx.drop();
    }
  }
}
