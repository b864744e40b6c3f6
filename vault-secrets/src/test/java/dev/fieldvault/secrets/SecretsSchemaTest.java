package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped changelog and the shipped plain-SQL files run as written on the database each is for,
 * twice (idempotent), and produce tables the vault and the key store work on.
 */
class SecretsSchemaTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @ParameterizedTest
  @MethodSource(ALL)
  void changelog_honorsThePrefixParameter_andIsIdempotent(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_cl_");
    SecretsTestSupport.migrate(db, "sv_cl_");
    long applied = count(db, "sv_cl_databasechangelog");
    SecretsTestSupport.migrate(db, "sv_cl_"); // a second run applies nothing and fails nothing

    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix("sv_cl_").build();
    vault.createStore("n", null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"));

    assertThat(vault.store("n").get("k").value().asString()).isEqualTo("v");
    assertThat(count(db, "sv_cl_entry")).isEqualTo(1);
    // secrets-1, the keyed audit, the store defaults, the entry ids, the envelope and the sealed KDF everywhere;
    // the kinds and request context (s16a); the scheduler's leases (s16b-1); the exact-identifier changeset on MariaDB only
    assertThat(applied).isEqualTo(kind == Kind.MARIADB ? 9 : 8);
    assertThat(count(db, "sv_cl_databasechangelog")).isEqualTo(applied);
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void plainSqlSchema_runsAsWrittenTwice_andIsEquivalentForTheVault(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_sql_");
    String file = "secrets-schema-" + fileSuffix(kind) + ".sql";
    runScript(db, file, "fv_secret_", "sv_sql_");
    runScript(db, file, "fv_secret_", "sv_sql_"); // again: brings tables up to date, changes nothing

    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix("sv_sql_").build();
    SecretStore s = vault.createStore("n", "t", StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofBytes(new byte[] {9, 8, 7}));
    s.put("k", SecretValue.ofBytes(new byte[] {6}));
    s.put("K", SecretValue.ofBytes(new byte[] {5}));

    assertThat(s.get("k").value().asBytes()).containsExactly(6);
    assertThat(s.get("K").value().asBytes()).containsExactly(5);
    assertThat(s.getVersion("k", 1).value().asBytes()).containsExactly(9, 8, 7);
    ChainCheck chain = vault.verifyAuditChain();
    assertThat(chain.intact()).isTrue();
    assertThat(chain.eventsChecked()).isEqualTo(7); // store, 3 writes, 3 reads
    assertThat(chain.legacyEvents()).isZero();
    assertThat(count(db, "sv_sql_audit_head")).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void keyStoreSqlSchema_runsAsWrittenTwice_onItsDatabase(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    db.dropTables("sv_ks_keyset", "sv_ks_rotation", "sv_ks_rotation_range");
    String file = "fieldvault-schema-" + fileSuffix(kind) + ".sql";
    runScript(db, file, "fieldvault_", "sv_ks_");
    runScript(db, file, "fieldvault_", "sv_ks_");

    assertThat(count(db, "sv_ks_keyset")).isZero();
    assertThat(count(db, "sv_ks_rotation")).isZero();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO sv_ks_rotation_range (rotation_id, table_name, range_no, lower_key, state,"
          + " claim_count, lease_until, rows_scanned, rows_rewrapped, rows_conflicted) VALUES ('r', 't', 0, '"
          + "x".repeat(3000) + "', 'OPEN', 0, 0, 0, 0, 0)");
    }
    assertThat(count(db, "sv_ks_rotation_range")).isEqualTo(1);
  }

  static String fileSuffix(Kind kind) {
    return kind == Kind.POSTGRES ? "postgresql" : kind.name().toLowerCase(Locale.ROOT);
  }

  /** Runs a shipped script statement by statement, exactly as written except for the table prefix. */
  static void runScript(TestDatabase db, String file, String prefix, String newPrefix) throws Exception {
    String sql;
    try (InputStream in = SecretsSchemaTest.class.getResourceAsStream("/db/changelog/fieldvault/" + file)) {
      assertThat(in).as(file).isNotNull();
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(prefix, newPrefix);
    }
    List<String> statements = new ArrayList<>();
    for (String s : sql.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
      if (!s.isBlank()) {
        statements.add(s.trim());
      }
    }
    assertThat(statements).isNotEmpty();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static long count(TestDatabase db, String table) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
