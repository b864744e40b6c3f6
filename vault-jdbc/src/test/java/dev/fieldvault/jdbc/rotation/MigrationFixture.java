package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A legacy table {@code mig_<name>} whose columns still hold plaintext, as an application has them
 * before it adds encryption: a deterministic tenant-bound e-mail (text), a randomized phone with a
 * blind index (text), a row-bound note (UTF-8 bytes in a binary column) and an age (an Integer in a
 * text column). Its values derive from the row id; row 3's e-mail is the header-like legacy value
 * {@code EAEAAAAAAAAAAAAAAAAA}; some values are NULL.
 */
final class MigrationFixture {

  static final String HEADER_LIKE = "EAEAAAAAAAAAAAAAAAAA";
  static final FieldSpec<String> EMAIL = FieldSpec.builder("Legacy", "email", String.class)
      .mode(EncryptionMode.DETERMINISTIC).build();
  static final FieldSpec<String> PHONE = FieldSpec.builder("Legacy", "phone", String.class).blindIndex().build();
  static final FieldSpec<String> NOTE = FieldSpec.builder("Legacy", "note", String.class).rowBound(true).build();
  static final FieldSpec<Integer> AGE = FieldSpec.builder("Legacy", "age", Integer.class).build();

  final TestDatabase db;
  final String table;
  final VaultTables vaultTables;

  MigrationFixture(TestDatabases.Kind kind, String name) {
    this(TestDatabases.get(kind), name);
  }

  MigrationFixture(TestDatabase db, String name) {
    this.db = db;
    this.table = "mig_" + name;
    this.vaultTables = VaultTables.withPrefix("mig_" + name + "_fv_");
  }

  EncryptedTable declaration() {
    return EncryptedTable.builder(table).primaryKey("id")
        .column(EncryptedColumn.builder(table, "email", EMAIL).tenantColumn("tenant").storage(ColumnStorage.TEXT).build())
        .column(EncryptedColumn.builder(table, "phone", PHONE).tenantColumn("tenant").blindIndexColumn("phone_bi")
            .storage(ColumnStorage.TEXT).build())
        .column(EncryptedColumn.builder(table, "note", NOTE).tenantColumn("tenant").rowIdColumn("id").build())
        .column(EncryptedColumn.builder(table, "age", AGE).tenantColumn("tenant").storage(ColumnStorage.TEXT).build())
        .build();
  }

  static String tenant(long id) {
    return "t" + (id % 3);
  }

  static String email(long id) {
    return id == 3 ? HEADER_LIKE : id % 7 == 0 ? null : "User" + id + "@Example.com";
  }

  static String phone(long id) {
    return id % 5 == 0 ? null : "+1 555 " + id;
  }

  static String note(long id) {
    return "note " + id + " é";
  }

  /** The legacy text of the age; {@link #age} is what it reads as. */
  static String ageText(long id) {
    return id % 11 == 0 ? null : id % 4 == 0 ? " " + (id % 90) + " " : String.valueOf(id % 90);
  }

  static Integer age(long id) {
    return ageText(id) == null ? null : (int) (id % 90);
  }

  /** The values of a row as the application reads them: e-mail, phone, note, age. */
  record Values(String email, String phone, String note, Integer age) {
    static Values legacy(long id) {
      return new Values(MigrationFixture.email(id), MigrationFixture.phone(id), MigrationFixture.note(id),
          MigrationFixture.age(id));
    }
  }

  /** Drops and creates the legacy table and the FieldVault tables, then inserts rows 1..rows in plaintext. */
  void create(int rows) throws SQLException {
    create(rows, 400);
  }

  void create(int rows, int textWidth) throws SQLException {
    drop();
    String bin = db.kind() == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(400)";
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, tenant VARCHAR(20) NOT NULL,"
          + " email VARCHAR(" + textWidth + "), phone VARCHAR(" + textWidth + "), phone_bi " + bin + ", note " + bin
          + ", age VARCHAR(" + textWidth + "))");
    }
    vaultTables.install(db.dataSource());
    insertLegacy(1, rows);
  }

  void insertLegacy(long fromId, int rows) throws SQLException {
    int chunk = 500;
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      for (long start = fromId; start < fromId + rows; start += chunk) {
        int n = (int) Math.min(chunk, fromId + rows - start);
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (id, tenant, email, phone, note, age) VALUES ");
        for (int i = 0; i < n; i++) {
          sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          int p = 1;
          for (long id = start; id < start + n; id++) {
            ps.setLong(p++, id);
            ps.setString(p++, tenant(id));
            ps.setString(p++, email(id));
            ps.setString(p++, phone(id));
            ps.setBytes(p++, note(id).getBytes(StandardCharsets.UTF_8));
            ps.setString(p++, ageText(id));
          }
          ps.executeUpdate();
        }
      }
      c.commit();
    }
  }

  Rewrapper.Builder migration(FieldCipher cipher) {
    return Rewrapper.builder(db.dataSource(), cipher).table(declaration()).vaultTables(vaultTables)
        .migratePlaintext(true);
  }

  /** Every stored value of the encrypted columns, by id (text as UTF-8 bytes), for byte comparisons. */
  Map<Long, byte[][]> snapshot() throws SQLException {
    Map<Long, byte[][]> out = new HashMap<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, email, phone, phone_bi, note, age FROM " + table)) {
      while (rs.next()) {
        out.put(rs.getLong(1), new byte[][] {utf8(rs.getString(2)), utf8(rs.getString(3)), rs.getBytes(4),
            rs.getBytes(5), utf8(rs.getString(6))});
      }
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static boolean sameBytes(byte[][] a, byte[][] b) {
    return Arrays.deepEquals(a, b);
  }

  /**
   * Asserts that every row holds ciphertext (or NULL) of exactly the expected values, with the blind
   * index of its phone; {@code expected} overrides the legacy values by id.
   */
  void assertEveryRowEncrypted(FieldCipher cipher, int rows, Map<Long, Values> expected) throws SQLException {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> phone = cipher.field(PHONE);
    FieldEncryptor<String> note = cipher.field(NOTE);
    FieldEncryptor<Integer> age = cipher.field(AGE);
    long seen = 0;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, tenant, email, phone, phone_bi, note, age FROM " + table)) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String t = rs.getString(2);
        Values want = expected.getOrDefault(id, Values.legacy(id));
        try {
          assertThat(email.decryptText(rs.getString(3), t, null)).as("email of %d", id).isEqualTo(want.email());
          assertThat(phone.decryptText(rs.getString(4), t, null)).as("phone of %d", id).isEqualTo(want.phone());
          assertThat(rs.getBytes(5)).as("phone_bi of %d", id)
              .isEqualTo(want.phone() == null ? null : phone.blindIndex(want.phone(), t));
          assertThat(note.decrypt(rs.getBytes(6), t, id)).as("note of %d", id).isEqualTo(want.note());
          assertThat(age.decryptText(rs.getString(7), t, null)).as("age of %d", id).isEqualTo(want.age());
        } catch (FieldVaultException e) {
          throw new AssertionError("row " + id + " does not decrypt: " + e.getMessage(), e);
        }
        seen++;
      }
    }
    assertThat(seen).isEqualTo(rows);
  }

  /** How many non-null values of the encrypted columns are not FieldVault ciphertexts of their column. */
  long plaintextLeft(FieldCipher cipher) throws SQLException {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> phone = cipher.field(PHONE);
    FieldEncryptor<String> note = cipher.field(NOTE);
    FieldEncryptor<Integer> age = cipher.field(AGE);
    long n = 0;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, tenant, email, phone, note, age FROM " + table)) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String t = rs.getString(2);
        n += plain(() -> email.decryptText(rs.getString(3), t, null));
        n += plain(() -> phone.decryptText(rs.getString(4), t, null));
        n += plain(() -> note.decrypt(rs.getBytes(5), t, id));
        n += plain(() -> age.decryptText(rs.getString(6), t, null));
      }
    }
    return n;
  }

  private interface Read {
    Object get() throws SQLException;
  }

  private static int plain(Read r) throws SQLException {
    try {
      r.get();
      return 0;
    } catch (FieldVaultException e) {
      return 1;
    }
  }

  static boolean isCiphertextText(String stored) {
    try {
      return stored != null && CiphertextHeader.looksLikeCiphertext(CiphertextHeader.decodeText(stored));
    } catch (FieldVaultException e) {
      return false;
    }
  }

  long sumRewrappedInWorkTable(String rotationId) throws SQLException {
    return RotationFixture.rangeAggregate(db, vaultTables, "COALESCE(SUM(rows_rewrapped), 0)", rotationId, "");
  }

  void drop() throws SQLException {
    db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
  }

  /** The stored text of one column of one row. */
  String snapshotText(long id, String column) throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT " + column + " FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
