package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.ForwardingDataSource;
import dev.fieldvault.testsupport.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker's pipeline across ranges: its connections kept from range to range, the next range
 * claimed (and its first batch read) while the current range's last batches are written, and a
 * range marked done by its last batch.
 */
class RewrapperPipelineTest {

  private static final int ROWS = 2_000;

  private static FieldCipher promoted(RotationFixture fx, Keyring original) throws Exception {
    fx.create(FieldCipher.create(original), ROWS);
    return FieldCipher.create(RotationFixture.promoteAll(original));
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aWorker_keepsItsConnectionsAcrossRanges_insteadOfOpeningThemPerRange(TestDatabases.Kind kind) throws Exception {
    RotationFixture fx = new RotationFixture(kind, "conns");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-conns"));
      AtomicInteger opened = new AtomicInteger();
      DataSource counting = ForwardingDataSource.of(fx.db.dataSource(), c -> {
        opened.incrementAndGet();
        return c;
      });

      RotationResult r = Rewrapper.builder(counting, cipher).table(fx.declaration()).vaultTables(fx.vaultTables)
          .rotationId("conns").rangeSize(200).batchSize(100).finalInventory(false).build().run();

      assertThat(r.complete()).isTrue();
      assertThat(r.rowsRewrapped()).isEqualTo(ROWS);
      // the checks at start, the plan, one reader and one writer, the final look at the ranges: not a few per range
      assertThat(opened.get()).as("connections opened for 10 ranges").isLessThanOrEqualTo(6);
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aRangesLastBatch_marksItDone_andTheNextRangeIsClaimedOnceByTheSameWorker(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "done");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-done"));

      // ranges of 250 rows in batches of 100: each range ends with a batch of 50, read while its second is written
      RotationResult r = fx.rewrapper(cipher).rotationId("done").workerId("w1").rangeSize(250).batchSize(100)
          .build().run();

      assertThat(r.complete()).isTrue();
      assertThat(r.rowsRewrapped()).isEqualTo(ROWS);
      try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement("SELECT state, claim_count,"
          + " lease_until, rows_scanned, rows_rewrapped FROM " + fx.vaultTables.rotationRange()
          + " WHERE rotation_id = 'done'"); ResultSet rs = ps.executeQuery()) {
        int ranges = 0;
        while (rs.next()) {
          ranges++;
          assertThat(rs.getString(1)).isEqualTo("DONE");
          assertThat(rs.getInt(2)).as("claimed once: never taken back from itself by the early claim").isEqualTo(1);
          assertThat(rs.getLong(3)).as("a done range holds no lease").isZero();
          assertThat(rs.getLong(4)).isEqualTo(250);
          assertThat(rs.getLong(5)).isEqualTo(250);
        }
        assertThat(ranges).isEqualTo(ROWS / 250);
      }
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aStopAfterTheNextRangeWasClaimed_givesItBackUntouched_andAResumeFinishesEveryRowOnce(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "stopnext");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-stopnext"));
      var before = fx.snapshot();
      Rewrapper[] holder = new Rewrapper[1];
      AtomicInteger batches = new AtomicInteger();
      // the first range's last read (50 rows) claims the second range before its second batch commits
      holder[0] = fx.rewrapper(cipher).rotationId("stopnext").workerId("w1").rangeSize(250).batchSize(100)
          .listener(p -> {
            if (batches.incrementAndGet() == 2) {
              holder[0].stop();
            }
          }).build();

      RotationResult stopped = holder[0].run();

      assertThat(stopped.stopped()).isTrue();
      assertThat(stopped.rowsRewrapped()).as("the first range, finished").isEqualTo(250);
      var middle = fx.snapshot();
      for (long id = 251; id <= ROWS; id++) {
        assertThat(RotationFixture.sameBytes(middle.get(id), before.get(id))).as("row %d untouched", id).isTrue();
      }
      assertThat(fx.latestLeaseUntil("stopnext")).as("the claimed second range was given back")
          .isLessThanOrEqualTo(System.currentTimeMillis());
      RotationResult resumed = fx.rewrapper(cipher).rotationId("stopnext").workerId("w2").rangeSize(250)
          .batchSize(100).build().run();
      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - 250);
      var end = fx.snapshot();
      for (long id = 1; id <= 250; id++) {
        assertThat(RotationFixture.sameBytes(end.get(id), middle.get(id))).as("row %d not rewrapped twice", id).isTrue();
      }
      assertThat(fx.sumRewrappedInWorkTable("stopnext")).isEqualTo(ROWS);
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aWriteFailingMidPipeline_leavesEveryRowOldOrNewAsCheckpointed_andTheRunResumes(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "fail");
    try {
      FieldCipher cipher = promoted(fx, Keyring.generate("rot-fail"));
      var before = fx.snapshot();
      AtomicInteger writes = new AtomicInteger();
      String update = "UPDATE " + fx.table + " "; // the batch writes, not the work table's updates
      // the fifth batch fails (the second range's second; each batch is two statements, the rows with a NULL
      // salary being written by one of their own), while the third range is already claimed and read ahead
      DataSource failing = ForwardingDataSource.of(fx.db.dataSource(), c -> failOn(c, update, writes, 9));

      assertThatThrownBy(() -> Rewrapper.builder(failing, cipher).table(fx.declaration()).vaultTables(fx.vaultTables)
          .rotationId("fail").workerId("w1").rangeSize(250).batchSize(100).build().run())
          .isInstanceOf(VaultStorageException.class);

      var middle = fx.snapshot();
      long changed = 0;
      for (long id = 1; id <= ROWS; id++) {
        if (!RotationFixture.sameBytes(middle.get(id), before.get(id))) {
          changed++;
          assertThat(id).as("only the committed batches' rows changed").isLessThanOrEqualTo(350);
        }
      }
      assertThat(changed).as("two ranges' committed batches: 250 + 100 rows").isEqualTo(350);
      assertThat(fx.sumRewrappedInWorkTable("fail")).as("the checkpoints match the rows written").isEqualTo(350);
      assertEveryValueReadable(fx, cipher, before);

      // the same worker takes its held range back at once and resumes after its checkpoint
      RotationResult resumed = fx.rewrapper(cipher).rotationId("fail").workerId("w1").rangeSize(250).batchSize(100)
          .build().run();
      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - 350);
      assertThat(fx.sumRewrappedInWorkTable("fail")).isEqualTo(ROWS);
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      fx.drop();
    }
  }

  /**
   * Every value decrypts to the row's original, and every blind index is the one read before the run
   * or the one under the primary key (a run left part way: each row old or new, none lost).
   */
  private static void assertEveryValueReadable(RotationFixture fx, FieldCipher cipher, Map<Long, byte[][]> before)
      throws SQLException {
    FieldEncryptor<String> email = cipher.field(RotationFixture.EMAIL);
    FieldEncryptor<String> name = cipher.field(RotationFixture.NAME);
    FieldEncryptor<Long> salary = cipher.field(RotationFixture.SALARY);
    FieldEncryptor<String> ssn = cipher.field(RotationFixture.SSN);
    int seen = 0;
    try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT id, tenant, email, email_bi, name, salary, ssn FROM " + fx.table); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String t = rs.getString(2);
        assertThat(email.decrypt(rs.getBytes(3), t, id)).isEqualTo(RotationFixture.email(id));
        assertThat(rs.getBytes(4)).isIn(before.get(id)[1], email.blindIndex(RotationFixture.email(id), t));
        assertThat(name.decryptText(rs.getString(5), t, id)).isEqualTo(RotationFixture.name(id));
        assertThat(salary.decrypt(rs.getBytes(6), t, id)).isEqualTo(RotationFixture.salary(id));
        assertThat(ssn.decrypt(rs.getBytes(7), t, id)).isEqualTo(RotationFixture.ssn(id));
        seen++;
      }
    }
    assertThat(seen).isEqualTo(ROWS);
  }

  /** A connection whose {@code n}-th statement starting with {@code prefix} fails to prepare. */
  private static Connection failOn(Connection real, String prefix, AtomicInteger seen, int n) {
    return (Connection) Proxy.newProxyInstance(RewrapperPipelineTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
              && sql.startsWith(prefix) && seen.incrementAndGet() == n) {
            throw new SQLException("injected failure of a batch write");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
