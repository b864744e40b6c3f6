package dev.fieldvault.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.internal.FieldVaultDataSource;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.sql.DataSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a JDBC test slice must show on each Boot line (Boot 4.0: {@link JdbcSliceTest}; Boot 3.5: the compat
 * module's {@code Boot35JdbcSliceTest}): JdbcTemplate through FieldVault's wrapper writes ciphertext and
 * reads plaintext, FieldVault's tables and keys are there, and the secrets vault is a bean.
 */
public final class JdbcSliceChecks {

  public static final String TABLE = "sbt_jdbc_note";

  private JdbcSliceChecks() {}

  /** The application's columns for the wrapper (a slice has no JPA mapping). */
  @TestConfiguration(proxyBeanMethods = false)
  public static class Columns {
    @Bean
    EncryptedColumns noteColumns() {
      return EncryptedColumns.builder()
          .add(EncryptedColumn.builder(TABLE, "owner", String.class).mode(EncryptionMode.DETERMINISTIC)
              .storage(ColumnStorage.TEXT).context("JdbcNote", "owner").build())
          .add(EncryptedColumn.builder(TABLE, "body", String.class).storage(ColumnStorage.TEXT)
              .context("JdbcNote", "body").build())
          .build();
    }
  }

  /** A clean database with the slice's table, and its Spring properties. */
  public static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, "sbt_");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, owner VARCHAR(200), body VARCHAR(400))");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create " + TABLE + " on " + db, e);
    }
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  /** JdbcTemplate writes plaintext parameters; the table holds ciphertext; the deterministic column is searchable. */
  public static void assertJdbcTemplateWritesCiphertext(JdbcTemplate jdbc, DataSource dataSource, FieldVaultKeys keys) {
    jdbc.update("INSERT INTO " + TABLE + " (id, owner, body) VALUES (?, ?, ?)", 1L, "owner@example.com",
        "a note written in the JDBC slice");
    jdbc.update("INSERT INTO " + TABLE + " (id, owner, body) VALUES (?, ?, ?)", 2L, "other@example.com", "another");

    // through the wrapper: plaintext back, the deterministic column searched by its plaintext
    assertThat(jdbc.queryForObject("SELECT body FROM " + TABLE + " WHERE owner = ?", String.class,
        "owner@example.com")).isEqualTo("a note written in the JDBC slice");

    // the pool itself: ciphertext in both columns, no plaintext
    JdbcTemplate raw = new JdbcTemplate(FieldVaultDataSource.unencrypted(dataSource));
    for (String column : new String[] {"owner", "body"}) {
      String stored = raw.queryForObject("SELECT " + column + " FROM " + TABLE + " WHERE id = 1", String.class);
      assertThat(stored).doesNotContain("owner@").doesNotContain("JDBC slice");
      assertThat(CiphertextHeader.parse(Base64.getDecoder().decode(stored))).as(column).isNotNull();
    }
    Number keysets = raw.queryForObject("SELECT COUNT(*) FROM sbt_fv_keyset", Number.class);
    assertThat(keysets.intValue()).as("FieldVault's Liquibase ran in the slice and the keys were created").isEqualTo(3);
    assertThat(keys.keysets()).hasSize(3);
  }

  /** The secrets vault bean stores ciphertext and reads the value back. */
  public static void assertSecretsVaultWorks(SecretsVault secrets, DataSource dataSource) {
    secrets.store("slice-store").put("api-key", SecretValue.ofString("slice-secret-value-123"));
    assertThat(secrets.store("slice-store").get("api-key").value().asString()).isEqualTo("slice-secret-value-123");
    JdbcTemplate raw = new JdbcTemplate(FieldVaultDataSource.unencrypted(dataSource));
    byte[] stored = raw.queryForObject("SELECT value_ct FROM sbt_secret_entry", byte[].class);
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("slice-secret-value");
  }
}
