package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The example in vault-jdbc/README-jdbc.md, kept compiling and passing here. */
class ReadmeExampleTest {

  @Test
  void readmeExample_wrapsAHikariPool_encryptsOnWrite_decryptsOnRead_andSearchesByEmail() throws Exception {
    TestDatabase db = TestDatabases.h2();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE jw_person (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARBINARY(512),"
          + " ssn VARBINARY(512))");
    }
    HikariConfig hikariConfig = new HikariConfig();
    hikariConfig.setJdbcUrl(db.url());
    hikariConfig.setUsername(db.user());
    Keyring keyring = Keyring.generate("app"); // in production: load it with KeysetSources / a KMS

    // --- README snippet start
    EncryptedColumns columns = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("jw_person", "email", String.class)
            .mode(EncryptionMode.DETERMINISTIC)      // searchable with = and IN
            .context("Person", "email")              // the names Hibernate's @Encrypted uses
            .build())
        .add(EncryptedColumn.builder("jw_person", "ssn", String.class)
            .context("Person", "ssn")
            .rowIdColumn("id")                       // randomized, bound to its row
            .build())
        .build();
    try (EncryptingDataSource ds = EncryptingDataSource.wrap(
        new HikariDataSource(hikariConfig), FieldCipher.create(keyring), columns)) {

      try (Connection c = ds.getConnection();
           PreparedStatement insert = c.prepareStatement(
               "INSERT INTO jw_person (id, name, email, ssn) VALUES (?, ?, ?, ?)")) {
        insert.setLong(1, 1);
        insert.setString(2, "Ann");
        insert.setString(3, "ann@example.com");     // stored as ciphertext
        insert.setString(4, "123-45-6789");
        insert.executeUpdate();
      }

      try (Connection c = ds.getConnection();
           PreparedStatement query = c.prepareStatement(
               "SELECT id, name, ssn FROM jw_person WHERE email = ?")) {
        query.setString(1, "ann@example.com");      // encrypted deterministically to match
        try (ResultSet rs = query.executeQuery()) {
          rs.next();
          String ssn = rs.getString("ssn");          // "123-45-6789", decrypted
          // --- README snippet end
          assertThat(ssn).isEqualTo("123-45-6789");
          assertThat(rs.getString("name")).isEqualTo("Ann");
        }
      }
    }
    try (Connection raw = db.connect(); Statement st = raw.createStatement();
        ResultSet rs = st.executeQuery("SELECT email FROM jw_person")) {
      rs.next();
      assertThat(rs.getBytes(1)).isNotEqualTo("ann@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(dev.fieldvault.keys.CiphertextHeader.looksLikeCiphertext(rs.getBytes(1))).isTrue();
    }
  }
}
