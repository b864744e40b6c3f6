package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.ForwardingDataSource;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Character keys beyond Latin-1 ({@code 中18}, {@code ı1856}, emoji) in the rotation work tables: on
 * MariaDB the key text columns of tables made under a latin1 database default (as older databases
 * have) are made utf8mb4 by {@link VaultTables#install} and by the changelog, after which such keys are
 * planned, checkpointed and resumed exactly; a work table that cannot store a key as written is
 * refused loudly, at planning for a range bound and at the batch for a checkpoint, never silently
 * changed (MariaDB with {@code sql_mode=''}, which would store {@code ?}; H2 and PostgreSQL with a
 * padded CHAR column standing for a column that does not keep text as written).
 */
class RotationKeyTextTest {

  static final FieldSpec<String> SECRET = FieldSpec.builder("Code", "secret", String.class).build();
  static final int ROWS = 600;

  /** Codes whose characters need utf8mb4: CJK, dotless i, an emoji (outside the BMP), and Latin-1 ones. */
  static String mixed(int i) {
    String[] marks = {"\u4e2d", "\u0131", "\ud83d\ude00", "\u00e9", "k"};
    return marks[i % marks.length] + i;
  }

  /** Codes whose every 100th (the range bounds at range size 100, and the last) is ASCII, the others not. */
  static String asciiBounds(int i) {
    return String.format("k%04d", i) + (i % 100 == 99 ? "" : "\u4e2d");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void workTablesMadeUnderLatin1_updatedByVaultTablesInstall_rotateNonLatin1KeysExactly(TestDatabases.Kind kind)
      throws Exception {
    Fixture t = new Fixture(kind, "inst");
    try {
      FieldCipher cipher = t.createTable(Keyring.generate("rkt-inst"), RotationKeyTextTest::mixed);
      t.vaultTables.install(t.db.dataSource());
      t.asMadeUnderLatin1();
      t.vaultTables.install(t.db.dataSource()); // the update: what an upgraded application runs

      t.assertKeyColumnsExact();
      t.rotateInTwoRunsAndCheck(cipher);
    } finally {
      t.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void workTablesMadeUnderLatin1_updatedByTheChangelog_rotateNonLatin1KeysExactly(TestDatabases.Kind kind)
      throws Exception {
    Fixture t = new Fixture(kind, "lqb");
    try {
      FieldCipher cipher = t.createTable(Keyring.generate("rkt-lqb"), RotationKeyTextTest::mixed);
      t.liquibaseUpdate(4); // the changesets of the release before: keystore-1, rotation-1 and -2, exact names
      t.asMadeUnderLatin1();
      t.liquibaseUpdate(0);

      t.assertKeyColumnsExact();
      t.rotateInTwoRunsAndCheck(cipher);
    } finally {
      t.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aRangeBoundTheWorkTableCannotStoreExactly_isRefusedAtPlanning_byEveryWorker_andNothingIsPlanned(
      TestDatabases.Kind kind) throws Exception {
    Fixture t = new Fixture(kind, "refb");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      FieldCipher cipher = t.createTable(Keyring.generate("rkt-refb"), RotationKeyTextTest::mixed);
      t.vaultTables.install(t.db.dataSource());
      t.inexactKeyColumns("lower_key", "upper_key");
      Map<String, byte[]> before = t.snapshot();
      FieldCipher promoted = FieldCipher.create(RotationFixture.promoteAll(cipher.keyring()));

      CountDownLatch go = new CountDownLatch(1);
      List<Future<RotationResult>> workers = new ArrayList<>();
      for (String id : List.of("worker-a", "worker-b")) {
        workers.add(pool.submit(() -> {
          go.await();
          return t.rewrapper(promoted).rotationId("refb").workerId(id).build().run();
        }));
      }
      go.countDown();
      for (Future<RotationResult> w : workers) {
        assertThatThrownBy(() -> w.get(120, TimeUnit.SECONDS)).cause().isInstanceOf(VaultStorageException.class)
            .hasMessageContaining(t.vaultTables.rotationRange() + " does not store the keys of " + t.table + " exactly")
            .hasMessageContaining("bound").hasMessageContaining("fieldvault-rotation-3-exact-keys")
            .hasMessageContaining("VaultTables.install")
            .hasMessageNotContaining("\u4e2d").hasMessageNotContaining("\u0131"); // no key in the message
      }
      assertThat(t.count(t.vaultTables.rotation())).as("no plan committed").isZero();
      assertThat(t.count(t.vaultTables.rotationRange())).isZero();
      assertThat(Fixture.changed(before, t.snapshot())).isZero();
    } finally {
      pool.shutdownNow();
      t.drop();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCheckpointTheWorkTableCannotStoreExactly_failsItsBatch_whichIsRolledBack(TestDatabases.Kind kind)
      throws Exception {
    Fixture t = new Fixture(kind, "refc");
    try {
      FieldCipher cipher = t.createTable(Keyring.generate("rkt-refc"), RotationKeyTextTest::asciiBounds);
      t.vaultTables.install(t.db.dataSource());
      t.inexactKeyColumns("checkpoint_key");
      Map<String, byte[]> before = t.snapshot();
      FieldCipher promoted = FieldCipher.create(RotationFixture.promoteAll(cipher.keyring()));

      assertThatThrownBy(() -> t.rewrapper(promoted).rotationId("refc").build().run())
          .isInstanceOf(VaultStorageException.class)
          .hasMessageContaining(t.vaultTables.rotationRange() + " does not store the keys of " + t.table + " exactly")
          .hasMessageContaining("the checkpoint of range 0").hasMessageNotContaining("\u4e2d");

      assertThat(t.count(t.vaultTables.rotationRange())).as("the bounds were planned (ASCII)").isEqualTo(ROWS / 100);
      assertThat(RotationFixture.rangeAggregate(t.db, t.vaultTables, "COALESCE(SUM(rows_scanned), 0)", "refc", ""))
          .as("no batch committed").isZero();
      assertThat(Fixture.changed(before, t.snapshot())).as("the failed batch was rolled back").isZero();
    } finally {
      t.drop();
    }
  }

  /** The application table {@code rkt_<name>} (one character key column, one encrypted column) and its work tables. */
  private static final class Fixture {
    final TestDatabase db;
    final String table;
    final VaultTables vaultTables;

    Fixture(TestDatabases.Kind kind, String name) {
      this.db = TestDatabases.get(kind);
      this.table = "rkt_" + name;
      this.vaultTables = VaultTables.withPrefix("rkt_" + name + "_fv_");
    }

    /** Creates the application table (utf8mb4 on MariaDB) with ROWS codes, under a new keyring's cipher. */
    FieldCipher createTable(Keyring keyring, IntFunction<String> codes) throws SQLException {
      drop();
      FieldCipher cipher = FieldCipher.create(keyring);
      String bin = db.kind() == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(300)";
      String charset = db.kind() == TestDatabases.Kind.MARIADB ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "";
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + table + " (code VARCHAR(40) NOT NULL PRIMARY KEY, secret " + bin + ")" + charset);
      }
      FieldEncryptor<String> secret = cipher.field(SECRET);
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
          + " (code, secret) VALUES (?, ?)")) {
        c.setAutoCommit(false);
        for (int i = 0; i < ROWS; i++) {
          ps.setString(1, codes.apply(i));
          ps.setBytes(2, secret.encrypt("secret " + codes.apply(i)));
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      }
      return cipher;
    }

    EncryptedTable declaration() {
      return EncryptedTable.builder(table).primaryKey("code")
          .column(EncryptedColumn.builder(table, "secret", SECRET).build()).build();
    }

    /**
     * A rewrapper on this database; on MariaDB its connections run without strict mode
     * ({@code sql_mode=''}, as some applications do), where a latin1 column silently stores {@code ?}.
     */
    Rewrapper.Builder rewrapper(FieldCipher cipher) {
      DataSource ds = db.kind() == TestDatabases.Kind.MARIADB ? nonStrict(db) : db.dataSource();
      return Rewrapper.builder(ds, cipher).table(declaration()).vaultTables(vaultTables).rangeSize(100).batchSize(7);
    }

    /** On MariaDB: the rotation tables as made under a latin1 database default by an earlier release. */
    void asMadeUnderLatin1() throws SQLException {
      if (db.kind() != TestDatabases.Kind.MARIADB) {
        return; // PostgreSQL and H2 keep every VARCHAR in the database's encoding
      }
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        for (String t : List.of(vaultTables.rotation(), vaultTables.rotationRange())) {
          st.execute("ALTER TABLE " + t + " CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci");
        }
      }
      assertThat(keyColumnCharsets()).as("the simulated old tables").containsOnly("latin1");
    }

    /**
     * Key text columns that do not keep text as written: on MariaDB latin1 columns not updated (written
     * without strict mode by {@link #rewrapper}), elsewhere blank-padded CHAR columns.
     */
    void inexactKeyColumns(String... columns) throws SQLException {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        for (String col : columns) {
          st.execute(db.kind() == TestDatabases.Kind.MARIADB
              ? "ALTER TABLE " + vaultTables.rotationRange() + " MODIFY " + col + " VARCHAR(4000) CHARACTER SET latin1 NULL"
              : "ALTER TABLE " + vaultTables.rotationRange() + " ALTER COLUMN " + col + " SET DATA TYPE CHAR(300)");
        }
      }
    }

    /** On MariaDB the key text columns are utf8mb4 with a binary collation. */
    void assertKeyColumnsExact() throws SQLException {
      if (db.kind() == TestDatabases.Kind.MARIADB) {
        assertThat(keyColumnCharsets()).containsOnly("utf8mb4 utf8mb4_bin");
      }
    }

    private List<String> keyColumnCharsets() throws SQLException {
      List<String> out = new ArrayList<>();
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT CHARACTER_SET_NAME,"
          + " COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
          + " AND COLUMN_NAME IN ('lower_key', 'upper_key', 'checkpoint_key')")) {
        ps.setString(1, vaultTables.rotationRange());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1).equals("latin1") ? "latin1" : rs.getString(1) + " " + rs.getString(2));
          }
        }
      }
      assertThat(out).hasSize(3);
      return out;
    }

    /**
     * A first run stopped after a few batches (its checkpoint a non-Latin-1 key), a second run by another
     * worker resuming from it: every row moved exactly once, every bound and checkpoint stored is a key of
     * the table, every value decrypts under the new keys.
     */
    void rotateInTwoRunsAndCheck(FieldCipher cipher) throws SQLException {
      FieldCipher promoted = FieldCipher.create(RotationFixture.promoteAll(cipher.keyring()));
      Map<String, byte[]> before = snapshot();
      AtomicInteger batches = new AtomicInteger();
      Rewrapper[] first = new Rewrapper[1];
      first[0] = rewrapper(promoted).rotationId("kt").workerId("first").listener(p -> {
        if (batches.incrementAndGet() == 20) {
          first[0].stop();
        }
      }).build();
      RotationResult stopped = first[0].run();
      assertThat(stopped.complete()).isFalse();
      assertThat(stopped.rowsRewrapped()).isBetween(1L, (long) ROWS - 1);
      Set<String> keys = snapshot().keySet();
      Set<String> stored = new HashSet<>();
      try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT lower_key, upper_key, checkpoint_key FROM " + vaultTables.rotationRange())) {
        while (rs.next()) {
          for (int i = 1; i <= 3; i++) {
            if (rs.getString(i) != null) {
              stored.add(rs.getString(i));
            }
          }
        }
      }
      assertThat(stored).hasSizeGreaterThan(ROWS / 100).allMatch(keys::contains, "a key of the table");
      assertThat(stored).anyMatch(k -> k.codePoints().anyMatch(ch -> ch > 0xff));

      RotationResult resumed = rewrapper(promoted).rotationId("kt").workerId("second").build().run();

      assertThat(resumed.complete()).as(resumed.describeRemaining()).isTrue();
      assertThat(stopped.rowsRewrapped() + resumed.rowsRewrapped()).isEqualTo(ROWS);
      assertThat(RotationFixture.rangeAggregate(db, vaultTables, "COALESCE(SUM(rows_scanned), 0)", "kt", ""))
          .isEqualTo(ROWS);
      Map<String, byte[]> after = snapshot();
      assertThat(changed(before, after)).isEqualTo(ROWS);
      FieldEncryptor<String> secret = promoted.field(SECRET);
      int newKey = promoted.keyring().aead().orElseThrow().primary().keyId();
      for (Map.Entry<String, byte[]> e : after.entrySet()) {
        assertThat(secret.decrypt(e.getValue())).isEqualTo("secret " + e.getKey());
        assertThat(CiphertextHeader.parse(e.getValue()).keyId()).isEqualTo(newKey);
      }
    }

    void liquibaseUpdate(int changesets) throws Exception {
      try (Connection c = db.connect()) {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        database.setDatabaseChangeLogTableName(vaultTables.prefix() + "dbcl");
        database.setDatabaseChangeLogLockTableName(vaultTables.prefix() + "dbcllock");
        @SuppressWarnings("deprecation")
        Liquibase lb = new Liquibase("db/changelog/fieldvault/fieldvault-changelog.xml", new ClassLoaderResourceAccessor(),
            database);
        lb.setChangeLogParameter("fieldvault.tablePrefix", vaultTables.prefix());
        if (changesets > 0) {
          lb.update(changesets, new Contexts(), new LabelExpression());
        } else {
          lb.update(new Contexts(), new LabelExpression());
        }
      }
    }

    /** Every stored secret, by code. */
    Map<String, byte[]> snapshot() throws SQLException {
      Map<String, byte[]> out = new HashMap<>();
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT code, secret FROM " + table)) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getBytes(2));
        }
      }
      assertThat(out).hasSize(ROWS);
      return out;
    }

    static long changed(Map<String, byte[]> before, Map<String, byte[]> after) {
      return before.keySet().stream().filter(k -> !Arrays.equals(before.get(k), after.get(k))).count();
    }

    long count(String workTable) throws SQLException {
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + workTable)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    void drop() throws SQLException {
      db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange(),
          vaultTables.prefix() + "dbcl", vaultTables.prefix() + "dbcllock");
    }
  }

  /** MariaDB connections without strict mode. */
  private static DataSource nonStrict(TestDatabase db) {
    return ForwardingDataSource.of(db.dataSource(), c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_mode = ''");
      }
      return c;
    });
  }
}
