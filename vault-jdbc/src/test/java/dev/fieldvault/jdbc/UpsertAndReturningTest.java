package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** Dialect-specific writes: PostgreSQL's ON CONFLICT and RETURNING, MariaDB's ON DUPLICATE KEY UPDATE. */
class UpsertAndReturningTest {

  private static void upsertAndRead(TestDatabase db, String upsert) throws Exception {
    JdbcFixtures.createTables(db);
    EncryptingDataSource ds = EncryptingDataSource.wrap(db.dataSource(), JdbcFixtures.CIPHER, JdbcFixtures.columns());
    try (Connection c = ds.getConnection()) {
      for (String note : new String[] {"first", "second"}) {
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
          ps.setLong(1, 1);
          ps.setString(2, note);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT note FROM jw_customer WHERE id = ?"))) {
        ps.setLong(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("second");
        }
      }
    }
    try (Connection raw = db.connect(); var st = raw.createStatement();
        ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT note FROM jw_customer"))) {
      rs.next();
      assertThat(CiphertextHeader.looksLikeCiphertext(CiphertextHeader.decodeText(rs.getString(1)))).isTrue();
    }
  }

  @Test
  void postgresOnConflictDoUpdate_withExcludedValue_isEncrypted() throws Exception {
    upsertAndRead(TestDatabases.get(TestDatabases.Kind.POSTGRES),
        JdbcFixtures.t("INSERT INTO jw_customer (id, note) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET note = excluded.note"));
  }

  @Test
  void mariadbOnDuplicateKeyUpdate_withValuesFunction_isEncrypted() throws Exception {
    upsertAndRead(TestDatabases.get(TestDatabases.Kind.MARIADB),
        JdbcFixtures.t("INSERT INTO jw_customer (id, note) VALUES (?, ?) ON DUPLICATE KEY UPDATE note = VALUES(note)"));
  }

  @Test
  void postgresReturning_decryptsTheReturnedColumns() throws Exception {
    TestDatabase db = TestDatabases.get(TestDatabases.Kind.POSTGRES);
    JdbcFixtures.createTables(db);
    EncryptingDataSource ds = EncryptingDataSource.wrap(db.dataSource(), JdbcFixtures.CIPHER, JdbcFixtures.columns());
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("INSERT INTO jw_customer (id, email, ssn) VALUES (?, ?, ?) RETURNING id, email, ssn AS s"))) {
        ps.setLong(1, 4);
        ps.setString(2, "ret@x");
        ps.setString(3, "444");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("email")).isEqualTo("ret@x");
          assertThat(rs.getString("s")).isEqualTo("444");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("UPDATE jw_customer SET ssn = ? WHERE id = ? RETURNING id, ssn"))) {
        ps.setString(1, "555");
        ps.setLong(2, 4);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("ssn")).isEqualTo("555");
        }
      }
    }
  }
}
