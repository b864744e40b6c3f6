package dev.fieldvault.jdbc.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped changelog and its plain-SQL equivalent both produce tables the vault works on. */
class SecretsSchemaTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void changelog_honorsThePrefixParameter_andIsIdempotent(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_cl_");
    SecretsTestSupport.migrate(db, "sv_cl_");
    SecretsTestSupport.migrate(db, "sv_cl_"); // a second run applies nothing and fails nothing

    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix("sv_cl_").build();
    vault.createStore("n", null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"));

    assertThat(vault.store("n").get("k").value().asString()).isEqualTo("v");
    assertThat(count(db, "sv_cl_entry")).isEqualTo(1);
    assertThat(count(db, "sv_cl_databasechangelog")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
  void plainSqlSchema_isEquivalentForTheVault(Kind kind) throws Exception {
    TestDatabase db = kind == Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    SecretsTestSupport.dropAll(db, "sv_sql_");
    String sql;
    try (InputStream in = getClass().getResourceAsStream("/db/changelog/fieldvault/secrets-schema.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("fv_secret_", "sv_sql_");
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String stmt : Arrays.stream(sql.split(";")).map(s -> s.replaceAll("(?m)--.*$", "").trim())
          .filter(s -> !s.isEmpty()).toList()) {
        st.execute(stmt);
      }
    }

    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix("sv_sql_").build();
    SecretStore s = vault.createStore("n", "t", StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofBytes(new byte[] {9, 8, 7}));
    s.put("k", SecretValue.ofBytes(new byte[] {6}));

    assertThat(s.get("k").value().asBytes()).containsExactly(6);
    assertThat(s.getVersion("k", 1).value().asBytes()).containsExactly(9, 8, 7);
    assertThat(vault.verifyAuditChain().intact()).isTrue();
    assertThat(vault.verifyAuditChain().eventsChecked()).isEqualTo(5); // store, 2 writes, 2 reads
  }

  private static long count(TestDatabase db, String table) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
