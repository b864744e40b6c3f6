package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.rotation.MigrationFixture.Values;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plaintext migration job ({@code Rewrapper.Builder.migratePlaintext}) on a legacy table, on H2,
 * PostgreSQL and MariaDB: what it encrypts and how, what it leaves, and what it reports.
 */
class PlaintextMigrationTest {

  private static final int ROWS = 500;

  /** Non-null legacy values in rows from..to (e-mail, phone, note, age). */
  private static long legacyValues(long from, long to) {
    long n = 0;
    for (long id = from; id <= to; id++) {
      Values v = Values.legacy(id);
      n += (v.email() == null ? 0 : 1) + (v.phone() == null ? 0 : 1) + 1 + (v.age() == null ? 0 : 1);
    }
    return n;
  }

  /** Writes rows from..to encrypted with {@code cipher}, as an application under MIGRATE would have. */
  private static void encryptRows(MigrationFixture fx, FieldCipher cipher, long from, long to) throws Exception {
    FieldEncryptor<String> email = cipher.field(MigrationFixture.EMAIL);
    FieldEncryptor<String> phone = cipher.field(MigrationFixture.PHONE);
    FieldEncryptor<String> note = cipher.field(MigrationFixture.NOTE);
    FieldEncryptor<Integer> age = cipher.field(MigrationFixture.AGE);
    try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + fx.table
        + " SET email = ?, phone = ?, phone_bi = ?, note = ?, age = ? WHERE id = ?")) {
      for (long id = from; id <= to; id++) {
        String t = MigrationFixture.tenant(id);
        Values v = Values.legacy(id);
        ps.setString(1, email.encryptToText(v.email(), t, null));
        ps.setString(2, phone.encryptToText(v.phone(), t, null));
        ps.setBytes(3, v.phone() == null ? null : phone.blindIndex(v.phone(), t));
        ps.setBytes(4, note.encrypt(v.note(), t, id));
        ps.setString(5, age.encryptToText(v.age(), t, null));
        ps.setLong(6, id);
        ps.executeUpdate();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void legacyPlaintext_isEncryptedInPlace_ciphertextsAreRewrappedOrLeft_andNullsStayNull(TestDatabases.Kind kind)
      throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "basic");
    try {
      fx.create(ROWS);
      Keyring original = Keyring.generate("mig-basic");
      FieldCipher cipher = FieldCipher.create(RotationFixture.promoteAll(original));
      encryptRows(fx, FieldCipher.create(original), 401, 450); // encrypted under the old keys already
      encryptRows(fx, cipher, 451, 500);                       // and under the current ones
      Map<Long, byte[][]> before = fx.snapshot();

      RotationResult result = fx.migration(cipher).batchSize(64).rangeSize(200).build().run();

      assertThat(result.migration()).isTrue();
      assertThat(result.rotationId()).isEqualTo("migrate-" + Rewrapper.defaultRotationId(cipher.keyring()));
      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      assertThat(result.plaintextValues()).isZero();
      assertThat(result.plaintextByColumn()).isEmpty();
      assertThat(result.valuesOffPrimary()).isZero();
      assertThat(result.rowsScanned()).isEqualTo(ROWS);
      assertThat(result.plaintextEncrypted()).isEqualTo(legacyValues(1, 400));
      assertThat(result.rowsRewrapped()).as("400 legacy rows and 50 under the old keys").isEqualTo(450);
      assertThat(fx.plaintextLeft(cipher)).isZero();
      fx.assertEveryRowEncrypted(cipher, ROWS, Map.of());
      Map<Long, byte[][]> after = fx.snapshot();
      for (long id = 451; id <= 500; id++) {
        assertThat(MigrationFixture.sameBytes(after.get(id), before.get(id))).as("row %d already current", id).isTrue();
      }
      for (long id = 401; id <= 450; id++) {
        assertThat(cipher.isOnPrimaryKey(after.get(id)[3])).as("row %d moved to the primary key", id).isTrue();
      }
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + fx.table + " WHERE email IS NULL")) {
        rs.next();
        assertThat(rs.getLong(1)).as("NULL stays NULL").isEqualTo(ROWS / 7);
      }

      RotationResult again = fx.migration(cipher).build().run();
      assertThat(again.complete()).isTrue();
      assertThat(again.rowsScanned()).as("a finished migration is not run again").isZero();
      assertThat(fx.snapshot()).allSatisfy((id, bytes) -> assertThat(MigrationFixture.sameBytes(bytes, after.get(id))).isTrue());
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theHeaderLikeLegacyValue_isPlaintext_andMigrates(TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "hdr");
    try {
      fx.create(10);
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-hdr"));
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT email FROM " + fx.table + " WHERE id = 3")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(MigrationFixture.HEADER_LIKE);
        assertThat(MigrationFixture.isCiphertextText(rs.getString(1))).as("it starts like a FieldVault header").isTrue();
      }

      RotationResult dry = fx.migration(cipher).dryRun(true).build().run();
      assertThat(dry.plaintextByColumn()).containsEntry(fx.table + ".email", 9L);
      assertThat(dry.valuesOffPrimaryByColumn()).as("counted as plaintext, not as a value under key 0").isEmpty();

      RotationResult result = fx.migration(cipher).build().run();

      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      fx.assertEveryRowEncrypted(cipher, 10, Map.of());
      assertThat(cipher.field(MigrationFixture.EMAIL).decryptText(fx.snapshotText(3, "email"),
          MigrationFixture.tenant(3), null)).isEqualTo(MigrationFixture.HEADER_LIKE);
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void dryRun_countsThePlaintext_andWritesNothing(TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "dry");
    try {
      fx.create(ROWS);
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-dry"));
      Map<Long, byte[][]> before = fx.snapshot();

      RotationResult result = fx.migration(cipher).dryRun(true).batchSize(100).build().run();

      assertThat(result.complete()).isFalse();
      assertThat(result.plaintextEncrypted()).isEqualTo(legacyValues(1, ROWS));
      assertThat(result.plaintextValues()).as("values and missing blind indexes")
          .isEqualTo(legacyValues(1, ROWS) + ROWS - ROWS / 5);
      assertThat(result.plaintextByColumn()).containsEntry(fx.table + ".note", (long) ROWS)
          .containsEntry(fx.table + ".phone_bi", (long) ROWS - ROWS / 5);
      assertThat(result.describeRemaining()).contains("still plaintext").contains(fx.table + ".email: ");
      assertThat(fx.snapshot()).allSatisfy((id, bytes) -> assertThat(MigrationFixture.sameBytes(bytes, before.get(id))).isTrue());
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + fx.vaultTables.rotationRange())) {
        rs.next();
        assertThat(rs.getLong(1)).as("a dry run claims no range").isZero();
      }
    } finally {
      fx.drop();
    }
  }

  /**
   * The application (a legacy instance, still writing plaintext) changes a value in case and trailing
   * spaces only, after the job read it and before it writes it: MariaDB's default collation compares
   * those equal, so only an exact compare-and-set keeps the change. The listener of batch 1 runs after
   * batch 2 was read and before it is written.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aConcurrentChangeOfCaseOrTrailingSpaces_isNeverOverwritten(TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "case");
    try {
      fx.create(40);
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-case"));
      AtomicInteger batches = new AtomicInteger();
      String changed = "USER15@EXAMPLE.COM "; // row 15 held "User15@Example.com"
      String encrypted = "new16@example.com";

      RotationResult result = fx.migration(cipher).batchSize(10).listener(p -> {
        if (batches.incrementAndGet() == 1) {
          try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement(
              "UPDATE " + fx.table + " SET email = ? WHERE id = ?")) {
            ps.setString(1, changed);
            ps.setLong(2, 15);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            ps.setString(1, cipher.field(MigrationFixture.EMAIL).encryptToText(encrypted, MigrationFixture.tenant(16), null));
            ps.setLong(2, 16);
            assertThat(ps.executeUpdate()).isEqualTo(1);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      }).build().run();

      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      assertThat(result.rowsConflicted()).as("rows 15 and 16 changed between read and write").isEqualTo(2);
      Map<Long, Values> expected = new HashMap<>();
      expected.put(15L, new Values(changed, MigrationFixture.phone(15), MigrationFixture.note(15), MigrationFixture.age(15)));
      expected.put(16L, new Values(encrypted, MigrationFixture.phone(16), MigrationFixture.note(16), MigrationFixture.age(16)));
      fx.assertEveryRowEncrypted(cipher, 40, expected);
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aValueWhoseCiphertextIsLongerThanItsColumn_isLeftAsItIs_andTheRunIsIncomplete(TestDatabases.Kind kind)
      throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "narrow");
    try {
      fx.create(20, 80);
      String longEmail = "x".repeat(60) + "@example.com"; // 72 bytes: 94 + base64 > 80 characters
      try (Connection c = fx.db.connect(); PreparedStatement ps = c.prepareStatement(
          "UPDATE " + fx.table + " SET email = ? WHERE id = 1")) {
        ps.setString(1, longEmail);
        ps.executeUpdate();
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-narrow"));

      RotationResult result = fx.migration(cipher).build().run();

      assertThat(result.complete()).isFalse();
      assertThat(result.plaintextByColumn()).isEqualTo(Map.of(fx.table + ".email", 1L));
      assertThat(result.tables().get(0).rowsFailed()).isEqualTo(1);
      assertThat(result.describeRemaining()).contains("cannot be migrated").contains("longer than its column");
      assertThat(fx.snapshotText(1, "email")).as("left as it was: never truncated").isEqualTo(longEmail);
      assertThat(fx.plaintextLeft(cipher)).isEqualTo(1);
      assertThat(result.reopenedTables()).containsExactly(fx.table);
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aColumnOfATypeThatCannotHoldItsCiphertext_isRefusedAtStart_pointingToThePlan(TestDatabases.Kind kind)
      throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "type");
    try {
      fx.drop();
      try (Connection c = fx.db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + fx.table + " (id BIGINT NOT NULL PRIMARY KEY, tenant VARCHAR(20) NOT NULL,"
            + " email VARCHAR(200), phone VARCHAR(200), phone_bi VARCHAR(200), note VARCHAR(200), age INTEGER)");
        st.execute("INSERT INTO " + fx.table + " (id, tenant, age) VALUES (1, 't1', 42)");
      }
      fx.vaultTables.install(fx.db.dataSource());
      Rewrapper job = fx.migration(FieldCipher.create(Keyring.generate("mig-type"))).build();

      assertThatThrownBy(job::run).isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("column " + fx.table + ".phone_bi is ")
          .hasMessageContaining("column " + fx.table + ".note is ")
          .hasMessageContaining("cannot hold binary (BINARY storage) ciphertext")
          .hasMessageContaining("column " + fx.table + ".age is INT")
          .hasMessageContaining("cannot hold base64 (TEXT storage) ciphertext")
          .hasMessageContaining("migrate --plan")
          .hasMessageNotContaining(fx.table + ".email").hasMessageNotContaining(fx.table + ".phone is");
      try (Connection c = fx.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT age FROM " + fx.table)) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing written").isEqualTo(42);
      }
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCiphertextUnderADisabledKey_isNotTakenForPlaintext(TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "dis");
    try {
      fx.create(10);
      Keyring original = Keyring.generate("mig-dis");
      encryptRows(fx, FieldCipher.create(original), 1, 1);
      Keyring promoted = RotationFixture.promoteAll(original);
      Keyring disabled = promoted.with(promoted.aead().orElseThrow().disable(1))
          .with(promoted.deterministic().orElseThrow().disable(1));
      FieldCipher cipher = FieldCipher.create(disabled);
      byte[][] row1 = fx.snapshot().get(1L);

      RotationResult result = fx.migration(cipher).build().run();

      assertThat(MigrationFixture.sameBytes(fx.snapshot().get(1L), row1)).as("left as it is, not encrypted again")
          .isTrue();
      assertThat(result.complete()).isFalse();
      assertThat(result.tables().get(0).rowsFailed()).isEqualTo(1);
      assertThat(result.plaintextValues()).as("a ciphertext of this column, not plaintext").isZero();
      assertThat(result.valuesOffPrimaryByColumn()).containsKey(fx.table + ".email");
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void perTenantKeyrings_encryptEachTenantsRowsUnderItsKeys_andATenantWithoutKeysIsLeftAndCounted(
      TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "tenant");
    try {
      fx.create(30);
      Map<String, Keyring> tenants = Map.of("t0", Keyring.generate("mig-t0"), "t1", Keyring.generate("mig-t1"));
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-default"), t -> Optional.ofNullable(tenants.get(t)));

      RotationResult result = fx.migration(cipher).build().run();

      assertThat(result.complete()).isFalse();
      long t2Values = 0;
      for (long id = 2; id <= 30; id += 3) {
        t2Values += legacyValues(id, id);
      }
      long t2Phones = java.util.stream.LongStream.iterate(2, id -> id <= 30, id -> id + 3)
          .filter(id -> MigrationFixture.phone(id) != null).count();
      assertThat(result.plaintextValues()).as("tenant t2 has no keyring: its values stay, counted")
          .isEqualTo(t2Values + t2Phones);
      assertThat(result.tables().get(0).rowsFailed()).isEqualTo(10);
      Map<Long, byte[][]> after = fx.snapshot();
      for (long id = 1; id <= 30; id++) {
        String t = MigrationFixture.tenant(id);
        if (t.equals("t2")) {
          assertThat(new String(after.get(id)[3], StandardCharsets.UTF_8)).isEqualTo(MigrationFixture.note(id));
        } else {
          int primary = tenants.get(t).aead().orElseThrow().primary().keyId();
          assertThat(dev.fieldvault.keys.CiphertextHeader.parse(after.get(id)[3]).keyId()).isEqualTo(primary);
          assertThat(cipher.field(MigrationFixture.NOTE).decrypt(after.get(id)[3], t, id)).isEqualTo(MigrationFixture.note(id));
        }
      }
    } finally {
      fx.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCompositeKeyTable_withARowContextColumn_isMigratedInEachRowsContext(TestDatabases.Kind kind) throws Exception {
    dev.fieldvault.testsupport.TestDatabase db = TestDatabases.get(kind);
    dev.fieldvault.jdbc.keystore.VaultTables vt = dev.fieldvault.jdbc.keystore.VaultTables.withPrefix("mig_doc_fv_");
    db.dropTables("mig_doc", vt.rotationRange(), vt.rotation(), vt.keyset());
    try {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE mig_doc (tenant_id BIGINT NOT NULL, code VARCHAR(40) NOT NULL, revision INTEGER NOT NULL,"
            + " body VARCHAR(400), PRIMARY KEY (tenant_id, code))");
        for (int i = 1; i <= 60; i++) {
          st.execute("INSERT INTO mig_doc VALUES (" + (i % 4) + ", 'doc,\"" + i + "', " + (i % 3) + ", "
              + (i % 10 == 0 ? "NULL" : "'body " + i + "'") + ")");
        }
      }
      vt.install(db.dataSource());
      dev.fieldvault.keys.FieldSpec<String> spec = dev.fieldvault.keys.FieldSpec.builder("Document", "body", String.class)
          .rowBound(true).build();
      dev.fieldvault.keys.RowContext ctx = row -> dev.fieldvault.keys.EncryptionContext.of("Document", "body",
          "t" + row.get("tenant_id"), row.getString("code") + "@" + row.get("revision"));
      EncryptedTable docs = EncryptedTable.builder("mig_doc").primaryKey("tenant_id", "code")
          .column(dev.fieldvault.keys.EncryptedColumn.builder("mig_doc", "body", spec)
              .storage(dev.fieldvault.keys.ColumnStorage.TEXT).rowContext(ctx, "revision").build())
          .build();
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-doc"));

      RotationResult result = Rewrapper.builder(db.dataSource(), cipher).table(docs).vaultTables(vt)
          .migratePlaintext(true).batchSize(7).rangeSize(100).build().run();

      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      assertThat(result.plaintextEncrypted()).isEqualTo(54);
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT tenant_id, code, revision, body FROM mig_doc")) {
        int n = 0;
        while (rs.next()) {
          String code = rs.getString(2);
          int i = Integer.parseInt(code.substring(code.indexOf('"') + 1));
          dev.fieldvault.keys.EncryptionContext c2 = dev.fieldvault.keys.EncryptionContext.of("Document", "body",
              "t" + rs.getLong(1), code + "@" + rs.getLong(3));
          String body = rs.getString(4);
          assertThat(body == null ? null : new String(cipher.decrypt(
              dev.fieldvault.keys.CiphertextHeader.decodeText(body), c2), StandardCharsets.UTF_8))
              .isEqualTo(i % 10 == 0 ? null : "body " + i);
          n++;
        }
        assertThat(n).isEqualTo(60);
      }
    } finally {
      db.dropTables("mig_doc", vt.rotationRange(), vt.rotation(), vt.keyset());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void twoWorkersOnOneMigration_encryptEveryRowExactlyOnce(TestDatabases.Kind kind) throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "two");
    try {
      fx.create(2_000);
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-two"));
      List<java.util.concurrent.Future<RotationResult>> runs;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        runs = pool.invokeAll(List.of(
            () -> fx.migration(cipher).rotationId("two").workerId("w1").batchSize(50).rangeSize(200).build().run(),
            () -> fx.migration(cipher).rotationId("two").workerId("w2").batchSize(50).rangeSize(200).build().run()));
      } finally {
        pool.shutdown();
      }
      long scanned = 0;
      for (var f : runs) {
        RotationResult r = f.get();
        assertThat(r.complete()).as(r.describeRemaining()).isTrue();
        scanned += r.rowsScanned();
      }
      assertThat(scanned).as("every row read by one worker").isEqualTo(2_000);
      assertThat(fx.sumRewrappedInWorkTable("two")).isEqualTo(2_000);
      fx.assertEveryRowEncrypted(cipher, 2_000, Map.of());
    } finally {
      fx.drop();
    }
  }

  /**
   * A plaintext value the job cannot migrate (not a text form of its column's type, or too long for its
   * column) is named in the log by table, column and row key (the job knows the key columns), never by
   * its value; the values are left as they are.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void valuesThatCannotBeMigrated_areLoggedByTableColumnAndRowKey_neverByValue(TestDatabases.Kind kind)
      throws Exception {
    MigrationFixture fx = new MigrationFixture(kind, "log");
    try {
      fx.create(10, 120);
      String badAge = "AGE-SECRET-4711";
      String longEmail = "LONG-SECRET-" + "x".repeat(60) + "@example.com";
      try (Connection c = fx.db.connect(); Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE " + fx.table + " SET age = '" + badAge + "' WHERE id = 4");
        st.executeUpdate("UPDATE " + fx.table + " SET email = '" + longEmail + "' WHERE id = 6");
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("mig-log"));
      java.io.PrintStream err = System.err;
      java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
      RotationResult result;
      System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        result = fx.migration(cipher).build().run();
      } finally {
        System.setErr(err);
      }
      String log = captured.toString(StandardCharsets.UTF_8);
      err.print(log);
      assertThat(result.tables().get(0).rowsFailed()).isEqualTo(2);
      assertThat(log).contains(fx.table + ".age of key [4] is plaintext but cannot be encrypted")
          .contains(fx.table + ".email of key [6] is plaintext but is left as it is");
      assertThat(log).as("no value in the log").doesNotContain("AGE-SECRET").doesNotContain("LONG-SECRET")
          .doesNotContain("User4@Example.com").doesNotContain("note 4");
      assertThat(fx.snapshotText(4, "age")).isEqualTo(badAge);
      assertThat(fx.snapshotText(6, "email")).isEqualTo(longEmail);
    } finally {
      fx.drop();
    }
  }
}
