package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A table {@code rot_<name>} with four encrypted columns (binary randomized with a blind index,
 * text randomized row-bound, binary randomized nullable number, binary deterministic), filled with
 * values derived from the row id, and the checks the rotation tests share.
 */
final class RotationFixture {

  static final FieldSpec<String> EMAIL = FieldSpec.builder("Customer", "email", String.class)
      .blindIndex(16, Normalizers.caseInsensitive()).build();
  static final FieldSpec<String> NAME = FieldSpec.builder("Customer", "name", String.class).rowBound(true).build();
  static final FieldSpec<Long> SALARY = FieldSpec.builder("Customer", "salary", Long.class).build();
  static final FieldSpec<String> SSN = FieldSpec.builder("Customer", "ssn", String.class)
      .mode(EncryptionMode.DETERMINISTIC).build();

  final TestDatabase db;
  final String table;
  final VaultTables vaultTables;

  RotationFixture(TestDatabases.Kind kind, String name) {
    this(TestDatabases.get(kind), name);
  }

  RotationFixture(TestDatabase db, String name) {
    this.db = db;
    this.table = "rot_" + name;
    this.vaultTables = VaultTables.withPrefix("rot_" + name + "_fv_");
  }

  EncryptedTable declaration() {
    return EncryptedTable.builder(table).primaryKey("id")
        .column(EncryptedColumn.builder(table, "email", EMAIL).tenantColumn("tenant").blindIndexColumn("email_bi").build())
        .column(EncryptedColumn.builder(table, "name", NAME).tenantColumn("tenant").rowIdColumn("id")
            .storage(ColumnStorage.TEXT).build())
        .column(EncryptedColumn.builder(table, "salary", SALARY).tenantColumn("tenant").build())
        .column(EncryptedColumn.builder(table, "ssn", SSN).tenantColumn("tenant").build())
        .build();
  }

  static String tenant(long id) {
    return "t" + (id % 3);
  }

  static String email(long id) {
    return "User" + id + "@Example.com";
  }

  static String name(long id) {
    return "Name " + id;
  }

  static Long salary(long id) {
    return id % 10 == 0 ? null : id * 7;
  }

  static String ssn(long id) {
    return String.format("%09d", id);
  }

  /** Drops and creates the data table and the FieldVault tables, then inserts rows 1..rows. */
  void create(FieldCipher cipher, int rows) throws SQLException {
    db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
    String bin = db.kind() == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(300)";
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, tenant VARCHAR(20) NOT NULL,"
          + " email " + bin + ", email_bi " + bin + ", name VARCHAR(300), salary " + bin + ", ssn " + bin + ","
          + " note VARCHAR(100))");
    }
    vaultTables.install(db.dataSource());
    insert(cipher, 1, rows);
  }

  void insert(FieldCipher cipher, long fromId, int rows) throws SQLException {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> name = cipher.field(NAME);
    FieldEncryptor<Long> salary = cipher.field(SALARY);
    FieldEncryptor<String> ssn = cipher.field(SSN);
    int chunk = 500;
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      for (long start = fromId; start < fromId + rows; start += chunk) {
        int n = (int) Math.min(chunk, fromId + rows - start);
        StringBuilder sql = new StringBuilder("INSERT INTO " + table
            + " (id, tenant, email, email_bi, name, salary, ssn) VALUES ");
        for (int i = 0; i < n; i++) {
          sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          int p = 1;
          for (long id = start; id < start + n; id++) {
            String t = tenant(id);
            ps.setLong(p++, id);
            ps.setString(p++, t);
            ps.setBytes(p++, email.encrypt(email(id), t, id));
            ps.setBytes(p++, email.blindIndex(email(id), t));
            ps.setString(p++, name.encryptToText(name(id), t, id));
            ps.setBytes(p++, salary.encrypt(salary(id), t, id));
            ps.setBytes(p++, ssn.encrypt(ssn(id), t, id));
          }
          ps.executeUpdate();
        }
      }
      c.commit();
    }
  }

  /** Every stored byte of the encrypted columns, by id. */
  Map<Long, byte[][]> snapshot() throws SQLException {
    Map<Long, byte[][]> out = new HashMap<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, email, email_bi, name, salary, ssn FROM " + table)) {
      while (rs.next()) {
        String name = rs.getString(4);
        out.put(rs.getLong(1), new byte[][] {rs.getBytes(2), rs.getBytes(3),
            name == null ? null : name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), rs.getBytes(5), rs.getBytes(6)});
      }
    }
    return out;
  }

  static boolean sameBytes(byte[][] a, byte[][] b) {
    return Arrays.deepEquals(a, b);
  }

  /**
   * Decrypts every row with {@code cipher} and compares with the original values (names may have
   * been changed by the application: {@code names} overrides them by id).
   */
  void assertEveryRowDecrypts(FieldCipher cipher, int rows, Map<Long, String> names) throws SQLException {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> name = cipher.field(NAME);
    FieldEncryptor<Long> salary = cipher.field(SALARY);
    FieldEncryptor<String> ssn = cipher.field(SSN);
    long seen = 0;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, tenant, email, email_bi, name, salary, ssn FROM " + table)) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String t = rs.getString(2);
        assertThat(email.decrypt(rs.getBytes(3), t, id)).isEqualTo(email(id));
        assertThat(rs.getBytes(4)).isEqualTo(email.blindIndex(email(id), t));
        assertThat(name.decryptText(rs.getString(5), t, id)).isEqualTo(names.getOrDefault(id, name(id)));
        assertThat(salary.decrypt(rs.getBytes(6), t, id)).isEqualTo(salary(id));
        assertThat(ssn.decrypt(rs.getBytes(7), t, id)).isEqualTo(ssn(id));
        seen++;
      }
    }
    assertThat(seen).isEqualTo(rows);
  }

  static Keyring promoteAll(Keyring k) {
    return Keyring.of(k.aead().orElseThrow().rotate(), k.deterministic().orElseThrow().rotate(),
        k.prf().orElseThrow().rotate());
  }

  Rewrapper.Builder rewrapper(FieldCipher cipher) {
    return Rewrapper.builder(db.dataSource(), cipher).table(declaration()).vaultTables(vaultTables);
  }

  long sumRewrappedInWorkTable(String rotationId) throws SQLException {
    return rangeAggregate(db, vaultTables, "COALESCE(SUM(rows_rewrapped), 0)", rotationId, "");
  }

  long latestLeaseUntil(String rotationId) throws SQLException {
    return rangeAggregate(db, vaultTables, "MAX(lease_until)", rotationId, " AND state = 'CLAIMED'");
  }

  /** {@code SELECT aggregate FROM <rotation_range> WHERE rotation_id = ? <and>}. */
  static long rangeAggregate(TestDatabase db, VaultTables vaultTables, String aggregate, String rotationId, String and)
      throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT " + aggregate + " FROM " + vaultTables.rotationRange() + " WHERE rotation_id = ?" + and)) {
      ps.setString(1, rotationId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  void drop() throws SQLException {
    db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
  }
}
