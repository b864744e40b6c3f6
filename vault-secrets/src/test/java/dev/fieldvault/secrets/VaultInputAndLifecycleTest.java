package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A closed vault refuses everything; bad input and database refusals get their own, accurate errors. */
class VaultInputAndLifecycleTest {

  private static final String P = "sv_in_";
  // one keyring for every vault on these tables: the audit chain is keyed by it
  private static final FieldCipher CIPHER = SecretsTestSupport.cipher();
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();
  private TestDatabase db;

  @TempDir
  Path tmp;

  private SecretsVault vault(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(P).clock(clock).build();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void afterClose_everyOperationIsRefused_andNothingIsWritten(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("closed");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT).as("alice");
    s.put("k", SecretValue.ofString("v1"));
    long eventsBefore = count("SELECT COUNT(*) FROM " + P + "audit");

    vault.close();

    assertThatThrownBy(() -> s.put("k", SecretValue.ofString("v2"))).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.put("other", SecretValue.ofString("v"))).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.get("k")).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.has("k")).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.remove("k")).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.rotate("k", SecretValue.ofString("v3"))).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.update("k", PutOptions.builder().noExpiry().build()))
        .isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.list(null, 10)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.getMany(List.of("k"))).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.createStore(SecretsTestSupport.unique("late"), null, StoreOptions.DEFAULT))
        .isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.store(ns)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(vault::verifyAuditChain).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.purgeAuditEvents(Duration.ZERO)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.cleanupExpired(Duration.ZERO)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.getVersion("k", 1)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.versions("k")).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> s.rollback("k", 1)).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.exportStore(ns, null, tmp.resolve("closed.jsonl")))
        .isInstanceOf(SecretsVaultClosedException.class);
    assertThat(tmp.resolve("closed.jsonl")).doesNotExist();
    assertThatThrownBy(() -> vault.auditEvents(AuditQuery.all())).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(vault::auditAnchor).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(vault::flushAudit).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> vault.rewrapAll(10)).isInstanceOf(SecretsVaultClosedException.class);
    vault.close(); // twice is harmless

    SecretsVault reopened = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(P).build();
    assertThat(count("SELECT COUNT(*) FROM " + P + "audit")).isEqualTo(eventsBefore);
    assertThat(count("SELECT MAX(version) FROM " + P + "entry WHERE name_key = 'k'")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM " + P + "entry WHERE name_key = 'other'")).isZero();
    assertThat(reopened.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void namesWithNulOrUnpairedSurrogates_orTooLong_areRefusedUpFront_withoutEchoingThem(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore s = vault.createStore(SecretsTestSupport.unique("names"), null, StoreOptions.DEFAULT);
    long eventsBefore = count("SELECT COUNT(*) FROM " + P + "audit");

    assertThatThrownBy(() -> s.put("git\u0000hub", SecretValue.ofString("v")))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("U+0000")
        .hasMessageNotContaining("git");
    assertThatThrownBy(() -> s.get("git\u0000hub")).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> s.put("bad\uD800", SecretValue.ofString("v")))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> s.put("x".repeat(256), SecretValue.ofString("v")))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("256 characters");
    assertThatThrownBy(() -> s.put("", SecretValue.ofString("v"))).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> vault.createStore("ns\u0000", null, StoreOptions.DEFAULT))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("namespace");
    assertThatThrownBy(() -> vault.createStore(SecretsTestSupport.unique("t"), "acme\u0000", StoreOptions.DEFAULT))
        .isInstanceOf(InvalidSecretNameException.class).hasMessageContaining("tenant");
    assertThatThrownBy(() -> s.as("alice\u0000")).isInstanceOf(InvalidSecretNameException.class);
    assertThatThrownBy(() -> s.as("p".repeat(201))).isInstanceOf(InvalidSecretNameException.class);

    assertThat(count("SELECT COUNT(*) FROM " + P + "audit")).isEqualTo(eventsBefore);
    assertThat(s.put("x".repeat(255), SecretValue.ofString("v")).isWritten()).isTrue();
    assertThat(s.put("emoji \uD83D\uDD11", SecretValue.ofString("v")).isWritten()).isTrue();
    assertThat(s.get("emoji \uD83D\uDD11").value().asString()).isEqualTo("v");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void negativeRetention_isRefused_andDeletesNothing(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore s = vault.createStore(SecretsTestSupport.unique("retain"), null, StoreOptions.DEFAULT);
    s.put("recent", SecretValue.ofString("v"));
    long events = count("SELECT COUNT(*) FROM " + P + "audit");

    assertThatThrownBy(() -> vault.purgeAuditEvents(Duration.ofDays(-1)))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("negative retention");
    assertThatThrownBy(() -> vault.cleanupExpired(Duration.ofSeconds(-1)))
        .isInstanceOf(VaultConfigurationException.class);

    assertThat(count("SELECT COUNT(*) FROM " + P + "audit")).isEqualTo(events);
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void duplicateImport_saysTheEntriesExist_notThatTheChangelogIsMissing(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("dup");
    vault.createStore(ns, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"));
    Path file = tmp.resolve("export.jsonl");
    vault.exportStore(ns, null, file);
    assertThat(Files.size(file)).isPositive();

    assertThatThrownBy(() -> vault.importStore(file, false))
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("already holds entries")
        .hasMessageNotContaining("changelog");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void missingTables_adviseApplyingTheChangelog(Kind kind) throws Exception {
    db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_none_");
    SecretsVault vault = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix("sv_none_")
        .build();

    assertThatThrownBy(() -> vault.createStore("n", null, StoreOptions.DEFAULT))
        .isInstanceOf(SecretsStorageException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("secrets-changelog.xml");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void tablesOfAnOlderChangelog_adviseApplyingTheLatestOne_andNothingIsWritten(Kind kind) throws Exception {
    db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_v1_");
    SecretsTestSupport.migrate(db, "sv_v1_", 1);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix("sv_v1_").build();

    assertThatThrownBy(() -> vault.createStore("n", null, StoreOptions.DEFAULT))
        .isInstanceOf(SecretsStorageException.class)
        .hasMessageContaining("lacks a column")
        .hasMessageContaining("apply the latest");
    assertThat(count("SELECT COUNT(*) FROM sv_v1_store")).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
  void missingPrivilege_advisesAGrant_notTheChangelog(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    // a login role is shared by every database of the server: one per database, so that runs on two
    // databases of one server (e.g. a developer's and CI's) never hold objects of each other's role
    String user = "fv_secrets_ro_" + databaseName(kind).replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(java.util.Locale.ROOT);
    if (kind == Kind.POSTGRES) {
      exec("DROP OWNED BY " + user, true);
      exec("DROP ROLE IF EXISTS " + user, false);
      exec("CREATE ROLE " + user + " LOGIN PASSWORD 'ro-pass'", false);
      exec("GRANT SELECT ON " + P + "store, " + P + "entry, " + P + "version, " + P + "audit, " + P + "audit_head TO "
          + user, false);
    } else {
      exec("DROP USER IF EXISTS '" + user + "'@'%'", false);
      exec("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'ro-pass'", false);
      for (String t : List.of("store", "entry", "version", "audit", "audit_head")) {
        exec("GRANT SELECT ON " + P + t + " TO '" + user + "'@'%'", false);
      }
    }
    String ns = SecretsTestSupport.unique("ro");
    SecretsVault owner = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(P).build();
    owner.createStore(ns, null, StoreOptions.DEFAULT);
    javax.sql.DataSource readOnly = new javax.sql.DataSource() {
      @Override
      public Connection getConnection() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(db.url(), user, "ro-pass");
      }

      @Override
      public Connection getConnection(String u, String p) throws java.sql.SQLException {
        return getConnection();
      }

      @Override
      public java.io.PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(java.io.PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public java.util.logging.Logger getParentLogger() {
        return null;
      }

      @Override
      public <T> T unwrap(Class<T> iface) {
        return null;
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
    SecretStore s = SecretsVault.builder(readOnly, CIPHER).tablePrefix(P).build().store(ns);

    assertThatThrownBy(() -> s.put("k", SecretValue.ofString("v")))
        .isInstanceOf(SecretsStorageException.class)
        .hasMessageContaining("lacks a privilege")
        .hasMessageContaining("grant")
        .hasMessageNotContaining("changelog");
  }

  private String databaseName(Kind kind) throws Exception {
    String sql = kind == Kind.POSTGRES ? "SELECT current_database()" : "SELECT DATABASE()";
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void exec(String sql, boolean ignoreFailure) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (java.sql.SQLException e) {
      if (!ignoreFailure) {
        throw e;
      }
    }
  }

}
