package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one identifier rule through the wrapper on each database: a column declared with quotes
 * (a space and mixed case in its name) is found in statements quoted the database's way.
 */
class QuotedIdentifiersTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aQuotedMixedCaseColumn_isEncryptedOnWrite_decryptedOnRead_andGuardedAgainstLiterals(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    char q = kind == TestDatabases.Kind.MARIADB ? '`' : '"';
    String table = q + "FV Quoted" + q;
    String column = q + "Home Note" + q;
    String bin = kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(300)";
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + table);
      st.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, " + column + " " + bin + ")");
    }
    Keyring keyring = Keyring.generate("quoted");
    EncryptedColumn note = EncryptedColumn.builder("\"FV Quoted\"", "\"Home Note\"", String.class).build();
    try (EncryptingDataSource ds = EncryptingDataSource.wrap(db.dataSource(), FieldCipher.create(keyring),
        EncryptedColumns.builder().add(note).build())) {
      try (Connection c = ds.getConnection();
           PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, " + column + ") VALUES (?, ?)")) {
        ps.setLong(1, 1);
        ps.setString(2, "likes tea");
        ps.executeUpdate();
      }
      byte[] stored;
      try (Connection raw = db.connect(); Statement st = raw.createStatement();
           ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table)) {
        rs.next();
        stored = rs.getBytes(1);
      }
      assertThat(CiphertextHeader.looksLikeCiphertext(stored)).isTrue();
      // the default context is the names without quotes, case kept
      FieldSpec<String> spec = FieldSpec.builder("FV Quoted", "Home Note", String.class).build();
      assertThat(FieldCipher.create(keyring).field(spec).decrypt(stored)).isEqualTo("likes tea");

      try (Connection c = ds.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
        ps.setLong(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("likes tea");
        }
      }
      Connection c = ds.getConnection();
      try (c) {
        assertThatThrownBy(() -> c.prepareStatement("INSERT INTO " + table + " (id, " + column + ") VALUES (2, 'x')")
            .executeUpdate()).isInstanceOf(StatementRefusedException.class);
      }
    } finally {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }
}
