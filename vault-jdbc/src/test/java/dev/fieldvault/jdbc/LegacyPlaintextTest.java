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
    assertThat(recorder.since(mark).get(0).toString()).as("the key's ciphertext and the plaintext form")
        .isEqualTo("SELECT id FROM " + TABLE + " WHERE email IN (?, ?) ORDER BY id");
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
        .isEqualTo("SELECT id FROM " + TABLE + " WHERE email IN (?, ?, ?) ORDER BY id");
    assertThat(ids(ds, "email IN (?, ?)", "ann@example.com", "cid@example.com")).containsExactly(1L, 2L, 3L, 5L);
    assertThat(ids(ds, "email NOT IN (?)", "ann@example.com")).containsExactly(2L, 4L);
    assertThat(ids(ds, "code = ?", "C-1")).containsExactly(1L, 3L, 5L);

    // a strict column's search is as before: the plaintext form is never sent for it
    mark = recorder.mark();
    assertThat(ids(ds, "tag = ?", "x")).isEmpty();
    assertThat(recorder.since(mark)).doesNotContain("x");
  }
}
