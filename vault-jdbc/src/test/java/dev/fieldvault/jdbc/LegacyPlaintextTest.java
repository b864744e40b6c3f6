package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Columns declared {@code legacyPlaintext(true)} while they are migrated from plaintext (issue 18):
 * the wrapper reads a legacy value as the plaintext it is (a value that only starts like a ciphertext
 * header too), never a real ciphertext it cannot decrypt now; equality searches match the plaintext
 * form besides every readable key's ciphertext; a strict column refuses a plaintext with a typed error.
 * Tables are prefixed {@code jwl_<pid>_}.
 */
class LegacyPlaintextTest {

  private static final String TABLE = "jwl_" + Long.toString(ProcessHandle.current().pid(), 36) + "_person";
  private static final String HEADER_LIKE = "EAEAAAAAAAAAAAAAAAAA";

  private TestDatabase db;
  private final DriverRecorder recorder = new DriverRecorder();

  private static EncryptedColumns columns(boolean legacy) {
    return EncryptedColumns.builder()
        .add(EncryptedColumn.builder(TABLE, "email", String.class).mode(EncryptionMode.DETERMINISTIC)
            .storage(ColumnStorage.TEXT).context("Person", "email").legacyPlaintext(legacy).build())
        .add(EncryptedColumn.builder(TABLE, "code", String.class).mode(EncryptionMode.DETERMINISTIC)
            .context("Person", "code").legacyPlaintext(legacy).build())
        .add(EncryptedColumn.builder(TABLE, "note", String.class).context("Person", "note").rowIdColumn("id")
            .legacyPlaintext(legacy).build())
        .add(EncryptedColumn.builder(TABLE, "score", Integer.class).storage(ColumnStorage.TEXT)
            .context("Person", "score").legacyPlaintext(legacy).build())
        .add(EncryptedColumn.builder(TABLE, "tag", String.class).mode(EncryptionMode.DETERMINISTIC)
            .storage(ColumnStorage.TEXT).context("Person", "tag").build())
        .build();
  }

  private void setUp(TestDatabases.Kind kind) throws SQLException {
    db = TestDatabases.get(kind);
    dropTables();
    String bin = JdbcFixtures.binary(kind);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(300), code "
          + bin + ", note " + bin + ", score VARCHAR(200), tag VARCHAR(300))");
    }
  }

  @AfterEach
  void dropTables() throws SQLException {
    if (db != null) {
      db.dropTables(TABLE);
    }
  }

  /** A row as the plaintext application left it (raw, not through the wrapper). */
  private void legacyRow(long id, String email, String code, String note, String score) throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + TABLE + " (id, name, email, code, note, score) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, "legacy");
      ps.setString(3, email);
      ps.setBytes(4, code == null ? null : code.getBytes(StandardCharsets.UTF_8));
      ps.setBytes(5, note == null ? null : note.getBytes(StandardCharsets.UTF_8));
      ps.setString(6, score);
      ps.executeUpdate();
    }
  }

  /** A row written through a wrapper (encrypted). */
  private static void row(EncryptingDataSource ds, long id, String email, String code, String note, Integer score)
      throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + TABLE + " (id, name, email, code, note, score) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, "new");
      ps.setString(3, email);
      ps.setString(4, code);
      ps.setString(5, note);
      ps.setObject(6, score);
      ps.executeUpdate();
    }
  }

  private static List<Long> ids(EncryptingDataSource ds, String where, Object... values) throws SQLException {
    try (Connection c = ds.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE " + where + " ORDER BY id")) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      List<Long> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
      return out;
    }
  }

  private static Object[] read(EncryptingDataSource ds, long id) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT id, email, code, note, score FROM " + TABLE + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return new Object[] {rs.getString("email"), rs.getObject("code"), rs.getString(4), rs.getObject("score"),
            rs.getInt("score")};
      }
    }
  }

  private static Object raw(TestDatabase db, String column, long id) throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT " + column + " FROM " + TABLE + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void legacyValues_areReadAsTheirPlaintext_andCiphertextsAreDecrypted(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("jwl-read"));
    EncryptingDataSource ds = EncryptingDataSource.wrap(db.dataSource(), cipher, columns(true));
    legacyRow(1, "ann@example.com", "A-1", "a note", " 42 ");
    legacyRow(2, HEADER_LIKE, HEADER_LIKE, HEADER_LIKE, null);
    row(ds, 3, "bob@example.com", "B-3", "b note", 7);

    assertThat(read(ds, 1)).containsExactly("ann@example.com", "A-1", "a note", 42, 42);
    assertThat(read(ds, 2)).as("only starts like a ciphertext header: a plaintext")
        .containsExactly(HEADER_LIKE, HEADER_LIKE, HEADER_LIKE, null, 0);
    assertThat(read(ds, 3)).containsExactly("bob@example.com", "B-3", "b note", 7, 7);
    assertThat(raw(db, "email", 3)).asString().doesNotContain("bob");

    // a column declared without legacyPlaintext refuses a plaintext with a typed error, naming no value
    EncryptingDataSource strict = EncryptingDataSource.wrap(db.dataSource(), cipher, columns(false));
    for (long id : new long[] {1, 2}) {
      assertThatThrownBy(() -> read(strict, id))
          .isInstanceOf(SQLException.class)
          .hasCauseInstanceOf(MalformedCiphertextException.class)
          .hasMessageContaining("legacyPlaintext(true)")
          .hasMessageNotContaining("ann@example.com").hasMessageNotContaining(HEADER_LIKE)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22000"));
    }
    assertThat(read(strict, 3)).containsExactly("bob@example.com", "B-3", "b note", 7, 7);
  }

  /**
   * A legacy value that is not a text form of its column's type fails with a typed error naming the
   * column, and the row by its id where the column declares its row id column; never the value.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anUnreadableLegacyValue_failsTyped_namingColumnAndRowId_neverTheValue(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("jwl-bad"));
    EncryptedColumns rowBound = EncryptedColumns.builder()
        .add(EncryptedColumn.builder(TABLE, "score", Integer.class).storage(ColumnStorage.TEXT)
            .context("Person", "score").rowIdColumn("id").legacyPlaintext(true).build())
        .build();
    legacyRow(7, null, null, null, "SCORE-SECRET-4711");
    for (EncryptingDataSource ds : List.of(EncryptingDataSource.wrap(db.dataSource(), cipher, rowBound),
        EncryptingDataSource.wrap(db.dataSource(), cipher, columns(true)))) {
      boolean named = ds.columns().all().size() == 1;
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
            "SELECT id, score FROM " + TABLE + " WHERE id = ?")) {
          ps.setLong(1, 7);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            rs.getObject("score");
          }
        }
      });
      assertThat(thrown).isInstanceOf(SQLException.class)
          .hasCauseInstanceOf(dev.fieldvault.keys.ValueCodecException.class)
          .hasMessageContaining("Encrypted column " + TABLE + ".score could not be read")
          .hasMessageContaining("Integer");
      if (named) {
        assertThat(thrown).hasMessageContaining("in the row whose id is 7");
      } else {
        assertThat(thrown).hasMessageNotContaining("row whose");
      }
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).as("no value in the cause chain").doesNotContain("SECRET");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCiphertextTheKeyringCannotReadNow_isNeverReturnedAsPlaintext(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    Keyring written = Keyring.generate("jwl-written");
    row(EncryptingDataSource.wrap(db.dataSource(), FieldCipher.create(written), columns(true)), 1,
        "ann@example.com", "A-1", "a note", 42);

    EncryptingDataSource other = EncryptingDataSource.wrap(db.dataSource(),
        FieldCipher.create(Keyring.generate("jwl-other")), columns(true));
    assertThatThrownBy(() -> read(other, 1))
        .isInstanceOf(SQLException.class)
        .hasCauseInstanceOf(UnknownKeyVersionException.class)
        .hasMessageContaining("never as a plaintext");

    Keyring disabled = written.with(written.deterministic().orElseThrow().rotate().disable(1))
        .with(written.aead().orElseThrow().rotate().disable(1));
    EncryptingDataSource rotated = EncryptingDataSource.wrap(db.dataSource(), FieldCipher.create(disabled),
        columns(true));
    assertThatThrownBy(() -> read(rotated, 1))
        .isInstanceOf(SQLException.class)
        .hasCauseInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("disabled");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void equalitySearches_matchRowsNotMigratedYet_alsoDuringAKeyRotation(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    Keyring keyring = Keyring.generate("jwl-search");
    FieldCipher cipher = FieldCipher.create(keyring);
    EncryptingDataSource ds = EncryptingDataSource.wrap(recorder.wrap(db.dataSource()), cipher, columns(true));
    legacyRow(1, "ann@example.com", "C-1", null, null);
    legacyRow(2, "cid@example.com", "C-2", null, null);
    row(ds, 3, "ann@example.com", "C-1", null, null);
    row(ds, 4, "bob@example.com", "C-4", null, null);

    int mark = recorder.mark();
    assertThat(ids(ds, "email = ?", "ann@example.com")).containsExactly(1L, 3L);
    String p = kind == TestDatabases.Kind.MARIADB ? "convert(? using utf8mb4) collate utf8mb4_nopad_bin" : "?";
    assertThat(recorder.since(mark).get(0).toString()).as("the key's ciphertext and the plaintext form")
        .isEqualTo("SELECT id FROM " + TABLE + " WHERE email IN (" + p + ", " + p + ") ORDER BY id");
    assertThat(ids(ds, "? = email", "ann@example.com")).containsExactly(1L, 3L);
    assertThat(ids(ds, "email IN (?, ?)", "ann@example.com", "cid@example.com")).containsExactly(1L, 2L, 3L);
    assertThat(ids(ds, "email <> ?", "ann@example.com")).containsExactly(2L, 4L);
    assertThat(ids(ds, "email NOT IN (?, ?)", "ann@example.com", "bob@example.com")).containsExactly(2L);
    assertThat(ids(ds, "code = ?", "C-1")).as("a binary column").containsExactly(1L, 3L);
    assertThat(ids(ds, "code IN (?, ?) AND name = ?", "C-1", "C-2", "legacy")).containsExactly(1L, 2L);
    // a value that has the form of a ciphertext is not searched as a plaintext: another row's stored text
    String stored;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT email FROM " + TABLE + " WHERE id = 4")) {
      assertThat(rs.next()).isTrue();
      stored = rs.getString(1);
    }
    assertThat(ids(ds, "email = ?", stored)).as("row 4's ciphertext text").isEmpty();
    assertThat(ids(ds, "email IN (?, ?)", stored, "nobody")).isEmpty();
    assertThat(ids(ds, "email <> ?", stored)).containsExactly(1L, 2L, 3L, 4L);

    // a rotation of the deterministic key: legacy rows, rows under the old and under the new key
    cipher.reload(keyring.with(keyring.deterministic().orElseThrow().rotate()));
    row(ds, 5, "ann@example.com", "C-1", null, null);
    mark = recorder.mark();
    assertThat(ids(ds, "email = ?", "ann@example.com")).containsExactly(1L, 3L, 5L);
    assertThat(recorder.since(mark).get(0).toString())
        .isEqualTo("SELECT id FROM " + TABLE + " WHERE email IN (" + p + ", " + p + ", " + p + ") ORDER BY id");
    assertThat(ids(ds, "email IN (?, ?)", "ann@example.com", "cid@example.com")).containsExactly(1L, 2L, 3L, 5L);
    assertThat(ids(ds, "email NOT IN (?)", "ann@example.com")).containsExactly(2L, 4L);
    assertThat(ids(ds, "code = ?", "C-1")).containsExactly(1L, 3L, 5L);

    // a strict column's search is as before: the plaintext form is never sent for it
    mark = recorder.mark();
    assertThat(ids(ds, "tag = ?", "x")).isEmpty();
    assertThat(recorder.since(mark)).doesNotContain("x");
  }

  /**
   * The plaintext arm compares exactly, as the ciphertexts are: on MariaDB too, whose usual collations
   * ignore case and trailing spaces, a search finds a legacy row by exactly the value it finds it by once
   * migrated (not {@code alice} for a legacy {@code Alice}, nor {@code Alice }), and {@code <>} /
   * {@code NOT IN} exclude exactly those rows; the same results after the migration job.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void legacySearches_compareExactly_caseAndTrailingSpacesAreOtherValues(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("jwl-exact"));
    EncryptingDataSource ds = EncryptingDataSource.wrap(db.dataSource(), cipher, columns(true));
    legacyRow(1, "Alice", "Alice", null, null);
    legacyRow(2, "Alice ", "Alice ", null, null);
    legacyRow(3, "ALICE", "ALICE", null, null);
    row(ds, 4, "alice", "alice", null, null);
    dev.fieldvault.jdbc.keystore.VaultTables vt = dev.fieldvault.jdbc.keystore.VaultTables.withPrefix(TABLE + "_fv_");
    db.dropTables(vt.rotationRange(), vt.rotation(), vt.keyset());
    try {
      for (String phase : new String[] {"before the job", "after the job"}) {
        for (String col : new String[] {"email", "code"}) {
          String as = phase + ", " + col;
          assertThat(ids(ds, col + " = ?", "alice")).as(as).containsExactly(4L);
          assertThat(ids(ds, col + " = ?", "Alice")).as(as).containsExactly(1L);
          assertThat(ids(ds, col + " = ?", "Alice ")).as(as).containsExactly(2L);
          assertThat(ids(ds, col + " = ?", "ALICE")).as(as).containsExactly(3L);
          assertThat(ids(ds, col + " = ?", "aLiCe")).as(as).isEmpty();
          assertThat(ids(ds, col + " IN (?, ?)", "Alice", "alice")).as(as).containsExactly(1L, 4L);
          assertThat(ids(ds, col + " <> ?", "Alice")).as(as).containsExactly(2L, 3L, 4L);
          assertThat(ids(ds, col + " <> ?", "alice")).as(as).containsExactly(1L, 2L, 3L);
          assertThat(ids(ds, col + " NOT IN (?, ?)", "alice", "Alice ")).as(as).containsExactly(1L, 3L);
        }
        if (phase.startsWith("before")) {
          vt.install(db.dataSource());
          dev.fieldvault.jdbc.rotation.RotationResult r = dev.fieldvault.jdbc.rotation.Rewrapper
              .builder(db.dataSource(), cipher).table(dev.fieldvault.jdbc.rotation.EncryptedTable.builder(TABLE)
                  .primaryKey("id").columnsOf(columns(true).all().stream().filter(c -> c.column().equals("email")
                      || c.column().equals("code")).collect(java.util.stream.Collectors.toList())).build())
              .vaultTables(vt).migratePlaintext(true).build().run();
          assertThat(r.complete()).as(r.describeRemaining()).isTrue();
          assertThat(r.plaintextEncrypted()).isEqualTo(6);
        }
      }
    } finally {
      db.dropTables(vt.rotationRange(), vt.rotation(), vt.keyset());
    }
  }

  private static final String SPELLED = "jwl_" + Long.toString(ProcessHandle.current().pid(), 36) + "_spelled";
  private static final java.time.LocalDateTime T1 = java.time.LocalDateTime.of(2024, 1, 31, 10, 15, 1);
  private static final java.time.LocalDateTime T2 = T1.withNano(500_000_000);
  private static final java.time.LocalDateTime T3 = java.time.LocalDateTime.of(2024, 2, 1, 0, 0);
  private static final java.util.UUID U1 = java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
  private static final java.util.UUID U2 = java.util.UUID.fromString("00000000-0000-4000-8000-00000000abcd");

  private static EncryptedColumns spelledColumns() {
    return EncryptedColumns.builder()
        .add(spelled("active", Boolean.class, ColumnStorage.TEXT))
        .add(spelled("at", java.time.LocalDateTime.class, ColumnStorage.TEXT))
        .add(spelled("x", Double.class, ColumnStorage.TEXT))
        .add(spelled("uid", java.util.UUID.class, ColumnStorage.TEXT))
        .add(spelled("flag", Boolean.class, ColumnStorage.BINARY))
        .build();
  }

  private static EncryptedColumn spelled(String column, Class<?> type, ColumnStorage storage) {
    return EncryptedColumn.builder(SPELLED, column, type).mode(EncryptionMode.DETERMINISTIC).storage(storage)
        .context("Spelled", column).legacyPlaintext(true).build();
  }

  /**
   * A native BOOLEAN, TIMESTAMP and DOUBLE column converted to text by the database holds the database's
   * spellings ({@code 1}/{@code 0}, {@code TRUE}, {@code 2024-01-31 10:15:01}, {@code 10:15:01.500000},
   * {@code 1e+20}, {@code 1e20}, {@code -1e-05}), and legacy text columns hold other accepted ones
   * ({@code yes}, {@code T}, {@code Off}, an upper-case UUID, a BINARY {@code ON}): through the wrapper,
   * {@code =} and {@code IN} find every such row before it is migrated (one placeholder per spelling),
   * {@code <>} and {@code NOT IN} exclude every one, and the same rows after the migration job.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void legacySearches_findEverySpellingTheDatabasesWrite_andNotEqualExcludesThemAll(TestDatabases.Kind kind)
      throws Exception {
    db = TestDatabases.get(kind);
    dev.fieldvault.jdbc.keystore.VaultTables vt = dev.fieldvault.jdbc.keystore.VaultTables.withPrefix(SPELLED + "_fv_");
    db.dropTables(SPELLED, vt.rotationRange(), vt.rotation(), vt.keyset());
    String timestamp = kind == TestDatabases.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    String dbl = kind == TestDatabases.Kind.MARIADB ? "DOUBLE" : "DOUBLE PRECISION";
    try {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + SPELLED + " (id BIGINT PRIMARY KEY, active BOOLEAN, at " + timestamp + ", x "
            + dbl + ", uid VARCHAR(300), flag " + JdbcFixtures.binary(kind) + ")");
      }
      Object[][] natives = {{1L, true, T1, 1e20, U1.toString(), "1"}, {2L, false, T2, 2.5, U2.toString(), "f"},
          {3L, true, T3, -1e-5, U2.toString().toUpperCase(java.util.Locale.ROOT), "Yes"}};
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "INSERT INTO " + SPELLED + " (id, active, at, x, uid, flag) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Object[] r : natives) {
          ps.setLong(1, (Long) r[0]);
          ps.setBoolean(2, (Boolean) r[1]);
          ps.setTimestamp(3, java.sql.Timestamp.valueOf((java.time.LocalDateTime) r[2]));
          ps.setDouble(4, (Double) r[3]);
          ps.setString(5, (String) r[4]);
          ps.setBytes(6, ((String) r[5]).getBytes(StandardCharsets.UTF_8));
          ps.executeUpdate();
        }
      }
      // the database converts its values to its own text (what the migration plan's ALTER TABLE does)
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        for (String col : new String[] {"active", "at", "x"}) {
          st.execute(kind == TestDatabases.Kind.POSTGRES
              ? "ALTER TABLE " + SPELLED + " ALTER COLUMN " + col + " TYPE VARCHAR(300) USING CAST(" + col + " AS TEXT)"
              : kind == TestDatabases.Kind.MARIADB ? "ALTER TABLE " + SPELLED + " MODIFY " + col + " VARCHAR(300)"
              : "ALTER TABLE " + SPELLED + " ALTER COLUMN " + col + " SET DATA TYPE VARCHAR(300)");
        }
      }
      String[][] spelled = {
          {"10", "yes", "2024-01-31T10:15:01", "1.0E20", U1.toString().toUpperCase(java.util.Locale.ROOT), "ON"},
          {"11", "T", "2024-01-31 10:15:01.500", "1e+20", U2.toString(), "t"},
          {"12", "0", "2024-01-31T10:15:01.500000", "2.5", U2.toString(), "No"},
          {"13", "Off", "2024-02-01 00:00:00", "-1e-05", U2.toString(), "0"},
          {"14", "no", "2024-02-01T00:00", "-0.00001", U2.toString(), "FALSE"},
          {"15", "TRUE", "2024-02-01 00:00:00.000000", "1e20", U2.toString(), "y"}};
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "INSERT INTO " + SPELLED + " (id, active, at, x, uid, flag) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (String[] r : spelled) {
          ps.setLong(1, Long.parseLong(r[0]));
          for (int i = 1; i <= 4; i++) {
            ps.setString(i + 1, r[i]);
          }
          ps.setBytes(6, r[5].getBytes(StandardCharsets.UTF_8));
          ps.executeUpdate();
        }
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("jwl-spelled"));
      EncryptingDataSource ds = EncryptingDataSource.wrap(recorder.wrap(db.dataSource()), cipher, spelledColumns());
      try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
          "INSERT INTO " + SPELLED + " (id, active, at, x, uid, flag) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, 20L);
        ps.setObject(2, true);
        ps.setObject(3, T1);
        ps.setObject(4, 1e20);
        ps.setObject(5, U1);
        ps.setObject(6, true);
        ps.executeUpdate();
      }

      int mark = recorder.mark();
      assertThat(spelledIds(ds, "active = ?", true)).containsExactly(1L, 3L, 10L, 11L, 15L, 20L);
      String sent = recorder.since(mark).get(0).toString();
      assertThat(sent.chars().filter(ch -> ch == '?').count()).as("one key, 14 spellings of a Boolean: " + sent)
          .isEqualTo(15);
      assertThat(sent).contains(kind == TestDatabases.Kind.MARIADB ? "collate utf8mb4_nopad_bin" : "active IN (?, ?");
      for (String phase : new String[] {"before the job", "after the job"}) {
        assertThat(spelledIds(ds, "active = ?", true)).as(phase).containsExactly(1L, 3L, 10L, 11L, 15L, 20L);
        assertThat(spelledIds(ds, "active = ?", false)).as(phase).containsExactly(2L, 12L, 13L, 14L);
        assertThat(spelledIds(ds, "active <> ?", true)).as(phase).containsExactly(2L, 12L, 13L, 14L);
        assertThat(spelledIds(ds, "active NOT IN (?)", false)).as(phase).containsExactly(1L, 3L, 10L, 11L, 15L, 20L);
        assertThat(spelledIds(ds, "flag = ?", true)).as(phase).containsExactly(1L, 3L, 10L, 11L, 15L, 20L);
        assertThat(spelledIds(ds, "flag <> ?", true)).as(phase).containsExactly(2L, 12L, 13L, 14L);
        assertThat(spelledIds(ds, "at = ?", T1)).as(phase).containsExactly(1L, 10L, 20L);
        assertThat(spelledIds(ds, "at = ?", T2)).as(phase).containsExactly(2L, 11L, 12L);
        assertThat(spelledIds(ds, "at = ?", T3)).as(phase).containsExactly(3L, 13L, 14L, 15L);
        assertThat(spelledIds(ds, "at IN (?, ?)", T1, T3)).as(phase).containsExactly(1L, 3L, 10L, 13L, 14L, 15L, 20L);
        assertThat(spelledIds(ds, "at NOT IN (?, ?)", T1, T3)).as(phase).containsExactly(2L, 11L, 12L);
        assertThat(spelledIds(ds, "x = ?", 1e20)).as(phase).containsExactly(1L, 10L, 11L, 15L, 20L);
        assertThat(spelledIds(ds, "x = ?", 2.5)).as(phase).containsExactly(2L, 12L);
        assertThat(spelledIds(ds, "x = ?", -1e-5)).as(phase).containsExactly(3L, 13L, 14L);
        assertThat(spelledIds(ds, "x <> ?", 1e20)).as(phase).containsExactly(2L, 3L, 12L, 13L, 14L);
        assertThat(spelledIds(ds, "uid = ?", U1)).as(phase).containsExactly(1L, 10L, 20L);
        assertThat(spelledIds(ds, "uid <> ?", U1)).as(phase).containsExactly(2L, 3L, 11L, 12L, 13L, 14L, 15L);
        assertThat(spelledIds(ds, "active = ? AND uid = ? AND x = ?", true, U1, 1e20)).as(phase)
            .containsExactly(1L, 10L, 20L);
        if (phase.startsWith("before")) {
          vt.install(db.dataSource());
          dev.fieldvault.jdbc.rotation.RotationResult r = dev.fieldvault.jdbc.rotation.Rewrapper
              .builder(db.dataSource(), cipher).table(dev.fieldvault.jdbc.rotation.EncryptedTable.builder(SPELLED)
                  .primaryKey("id").columnsOf(spelledColumns().all()).build())
              .vaultTables(vt).migratePlaintext(true).build().run();
          assertThat(r.complete()).as(r.describeRemaining()).isTrue();
          assertThat(r.plaintextEncrypted()).isEqualTo(9L * 5);
        }
      }
    } finally {
      db.dropTables(SPELLED, vt.rotationRange(), vt.rotation(), vt.keyset());
    }
  }

  private static List<Long> spelledIds(EncryptingDataSource ds, String where, Object... values) throws SQLException {
    try (Connection c = ds.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT id FROM " + SPELLED + " WHERE " + where + " ORDER BY id")) {
      for (int i = 0; i < values.length; i++) {
        ps.setObject(i + 1, values[i]);
      }
      List<Long> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
      return out;
    }
  }
}
