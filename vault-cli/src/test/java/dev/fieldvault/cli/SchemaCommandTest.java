package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `schema install` creates every table the CLI uses, on H2, PostgreSQL and MariaDB, idempotently. */
class SchemaCommandTest extends CliTestSupport {

  static final String VAULT_PREFIX = "app_cli_sch_";
  static final String SECRETS_PREFIX = "app_cli_schs_";
  static final String CHANGELOG = "app_cli_sch_dbcl";

  String[] install(String... extra) {
    List<String> all = new ArrayList<>(List.of("schema", "install", "--vault-prefix", VAULT_PREFIX, "--secrets-prefix",
        SECRETS_PREFIX, "--changelog-table", CHANGELOG));
    all.addAll(List.of(extra));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void install_createsTheKeyStoreRotationAndSecretsTables_thenTheCliWorksOnThem_andASecondRunIsUpToDate(Kind kind)
      throws Exception {
    use(kind);
    VaultTables vault = VaultTables.withPrefix(VAULT_PREFIX);
    db.dropTables(vault.rotationRange(), vault.rotation(), vault.keyset(), SECRETS_PREFIX + "version",
        SECRETS_PREFIX + "entry", SECRETS_PREFIX + "store", SECRETS_PREFIX + "audit", SECRETS_PREFIX + "audit_head",
        SECRETS_PREFIX + "task_lease", CHANGELOG, CHANGELOG + "LOCK");

    int first = run(install());
    String firstOut = out;
    int second = run(install());
    String secondOut = out;
    Keyring keyring = Keyring.generate("sch");
    KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), vault)
        .insert(keyring.aead().orElseThrow());
    env.put("TOKEN", "gho_schemaToken");
    List<String> common = new ArrayList<>(List.of("-n", "tokens", "--secrets-prefix", SECRETS_PREFIX,
        "--vault-prefix", VAULT_PREFIX, "--aead", "sch-aead"));
    common.addAll(dbArgs());
    List<String> put = new ArrayList<>(List.of("secrets", "put", "github", "--create-namespace", "--value-env", "TOKEN"));
    put.addAll(common);
    List<String> get = new ArrayList<>(List.of("secrets", "get", "github", "--reveal"));
    get.addAll(common);
    int putCode = run(put.toArray(String[]::new));
    String putErr = err;
    int getCode = run(get.toArray(String[]::new));

    assertThat(first).as(err).isZero();
    // the exact-name and exact-key changesets apply on MariaDB only; secrets: 1, keyed audit, store defaults, ids, envelope, sealed KDF, kinds, scheduler
    assertThat(firstOut).contains("key store and rotation work tables (" + VAULT_PREFIX + "*): "
        + (kind == Kind.MARIADB ? 5 : 3) + " changesets applied")
        .contains("secrets vault tables (" + SECRETS_PREFIX + "*): " + (kind == Kind.MARIADB ? 9 : 8)
            + " changesets applied");
    assertThat(second).isZero();
    assertThat(secondOut).contains("(" + VAULT_PREFIX + "*): up to date").contains("(" + SECRETS_PREFIX + "*): up to date");
    assertThat(putCode).as(putErr).isZero();
    assertThat(getCode).as(err).isZero();
    assertThat(out).contains("gho_schemaToken");
  }

  /** Applies the changelog of FieldVault 0.1 (before tables made without Liquibase were taken over). */
  void migrateWithTheOldChangelog() throws Exception {
    java.nio.file.Path old = java.nio.file.Path.of(getClass().getResource("/changelog-0.1").toURI());
    try (java.sql.Connection c = db.connect()) {
      liquibase.database.Database database = liquibase.database.DatabaseFactory.getInstance()
          .findCorrectDatabaseImplementation(new liquibase.database.jvm.JdbcConnection(c));
      database.setDatabaseChangeLogTableName(CHANGELOG);
      database.setDatabaseChangeLogLockTableName(CHANGELOG + "LOCK");
      @SuppressWarnings("deprecation")
      liquibase.Liquibase lb = new liquibase.Liquibase(SchemaCommand.KEYSTORE_CHANGELOG,
          new liquibase.resource.DirectoryResourceAccessor(old), database);
      lb.setChangeLogParameter("fieldvault.tablePrefix", VAULT_PREFIX);
      lb.update(new liquibase.Contexts(), new liquibase.LabelExpression());
    }
  }

  void dropAll() throws Exception {
    VaultTables vault = VaultTables.withPrefix(VAULT_PREFIX);
    db.dropTables(vault.rotationRange(), vault.rotation(), vault.keyset(), CHANGELOG, CHANGELOG + "LOCK");
  }

  /** A keyset stored before the install, read back after it: the tables were kept, not re-created. */
  void assertKeysetSurvivesInstall(Kind kind) {
    VaultTables vault = VaultTables.withPrefix(VAULT_PREFIX);
    Keyring keyring = Keyring.generate("shape");
    KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), vault)
        .insert(keyring.aead().orElseThrow());

    int first = run(install("--no-secrets"));
    String firstOut = out;
    String firstErr = err;
    int second = run(install("--no-secrets"));

    assertThat(first).as(firstErr).isZero();
    assertThat(firstOut).contains("key store and rotation work tables (" + VAULT_PREFIX + "*): ");
    assertThat(second).as(err).isZero();
    assertThat(out).contains("(" + VAULT_PREFIX + "*): up to date");
    assertThat(KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), vault)
        .find("shape-aead")).isPresent();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void install_takesOverTablesThatVaultTablesInstallMade_keepingTheirKeysets(Kind kind) throws Exception {
    use(kind);
    dropAll();
    VaultTables.withPrefix(VAULT_PREFIX).install(db.dataSource());

    assertKeysetSurvivesInstall(kind);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void install_updatesADatabaseThatTheEarlierChangelogMigrated_withoutAChecksumError(Kind kind) throws Exception {
    use(kind);
    dropAll();
    migrateWithTheOldChangelog();

    assertKeysetSurvivesInstall(kind);
    assertThat(run(install("--no-secrets"))).as(err).isZero();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void install_stopsOnTablesOfThePrefixThatAreNotFieldVaults_andSaysWhatToDo(Kind kind) throws Exception {
    use(kind);
    dropAll();
    try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + VAULT_PREFIX + "rotation (id INT PRIMARY KEY)");
    }

    int code = run(install("--no-secrets"));

    assertThat(code).isEqualTo(1);
    assertThat(err).contains("exist only in part or without FieldVault's columns", "choose another table prefix");
    // nothing was created or recorded: the keyset table is still absent
    try (java.sql.Connection c = db.connect();
        java.sql.ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "%", null)) {
      while (rs.next()) {
        assertThat(rs.getString("TABLE_NAME")).isNotEqualToIgnoringCase(VAULT_PREFIX + "keyset");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void install_refusesAPrefixThatIsNotAnIdentifier(Kind kind) {
    use(kind);

    int code = run("schema", "install", "--vault-prefix", "x; DROP TABLE y", "--jdbc-url", db.url(), "--user", db.user(),
        "--password-env", "DB_PASSWORD");

    assertThat(code).isEqualTo(1);
    assertThat(err).contains("--vault-prefix must be 1 to 40 letters");
  }
}
