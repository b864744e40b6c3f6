package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.cli.testapp.CliAccount;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.secrets.AuditAction;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `rotate`, `inventory` and the database-backed `keys` commands, on H2 and PostgreSQL. */
class RotateAndInventoryCommandTest extends CliTestSupport {

  static final int ROWS = 250;
  static final VaultTables VAULT = VaultTables.withPrefix(VAULT_PREFIX);
  static final FieldSpec<String> EMAIL = FieldSpec.builder("Customer", "email", String.class)
      .mode(EncryptionMode.DETERMINISTIC).build();
  static final FieldSpec<String> PHONE = FieldSpec.builder("Customer", "phone", String.class)
      .blindIndex(16, Normalizers.caseInsensitive()).build();
  static final FieldSpec<String> NOTE = FieldSpec.builder("Customer", "note", String.class).rowBound(true).build();
  static final String TABLES_JSON = """
      {"tables": [{
        "table": "app_cli_customer", "primaryKey": "id",
        "columns": [
          {"column": "email", "domain": "Customer", "field": "email", "mode": "DETERMINISTIC"},
          {"column": "phone", "domain": "Customer", "field": "phone",
           "blindIndex": {"column": "phone_bi", "normalizer": "case-insensitive"}},
          {"column": "note", "domain": "Customer", "field": "note", "rowBound": true, "storage": "TEXT"}
        ]}]}
      """;

  @TempDir
  Path dir;
  Path tables;
  Keyring keyring;

  void setUp(Kind kind) throws Exception {
    use(kind);
    db.dropTables("app_cli_customer", "app_cli_account", VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    keyring = Keyring.generate("cli");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.deterministic().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
    String bin = kind == Kind.POSTGRES ? "BYTEA" : "VARBINARY(600)";
    FieldCipher cipher = FieldCipher.create(keyring);
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> phone = cipher.field(PHONE);
    FieldEncryptor<String> note = cipher.field(NOTE);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE app_cli_customer (id BIGINT PRIMARY KEY, email " + bin + ", phone " + bin
          + ", phone_bi " + bin + ", note VARCHAR(1000))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_cli_customer VALUES (?, ?, ?, ?, ?)")) {
        for (long i = 1; i <= ROWS; i++) {
          ps.setLong(1, i);
          ps.setBytes(2, email.encrypt("c" + i + "@example.com"));
          ps.setBytes(3, phone.encrypt("Phone-" + i));
          ps.setBytes(4, phone.blindIndex("Phone-" + i, null));
          ps.setString(5, note.encryptToText("note " + i, null, i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    tables = dir.resolve("tables.json");
    Files.writeString(tables, TABLES_JSON);
  }

  String[] keyArgs(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(more));
    all.addAll(List.of("--vault-prefix", VAULT_PREFIX, "--aead", "cli-aead", "--daead", "cli-daead", "--prf", "cli-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  String[] keysDb(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(more));
    all.addAll(List.of("--vault-prefix", VAULT_PREFIX));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void inventoryDisableRotate_walkAKeyRotationFromTheTerminal(Kind kind) throws Exception {
    setUp(kind);
    int oldAead = keyring.aead().orElseThrow().primary().keyId();

    assertThat(run(keyArgs("inventory", "--tables", tables.toString()))).as(err).isZero();
    assertThat(out).contains("app_cli_customer.email: cli-daead#1(primary)=" + ROWS,
        "app_cli_customer.phone_bi [blind index]: cli-prf#1(primary)=" + ROWS, "app_cli_customer.note: cli-aead#1(primary)=" + ROWS);
    assertThat(runDb("inventory", "--tables", tables.toString())).isZero();
    assertThat(out).containsPattern("app_cli_customer.phone\\s+" + Integer.toUnsignedString(oldAead) + "\\s+" + ROWS);

    for (String ks : List.of("cli-aead", "cli-daead", "cli-prf")) {
      assertThat(run(keysDb("keys", "add", "--keyset", ks, "--promote"))).as(err).isZero();
    }
    // the old key is still referenced: disabling it is refused
    assertThat(run(keysDb("keys", "disable", "--keyset", "cli-aead", "--ordinal", "1", "--tables", tables.toString())))
        .isEqualTo(1);
    assertThat(err).contains("error: Cannot disable key 1", "still use it", "app_cli_customer.phone: " + ROWS);
    assertThat(run(keysDb("keys", "disable", "--keyset", "cli-aead", "--ordinal", "1"))).isEqualTo(1);
    assertThat(err).contains("disable needs the encrypted columns");

    // a dry run counts and writes nothing
    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--dry-run"))).as(err).isZero();
    assertThat(out).contains("[dry run] " + ROWS + " of " + ROWS + " rows need re-encryption");
    assertThat(keyIds("phone")).containsExactly(oldAead);

    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--batch-size", "50", "--throttle", "100000")))
        .as(err).isZero();
    assertThat(out).contains("\rapp_cli_customer", "100%", ROWS + " of " + ROWS + " rows re-encrypted",
        "values not on a primary key: 0", "cli-aead#2(primary)=" + ROWS);
    Keyring rotated = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT)
        .loadKeyring("cli-aead", "cli-daead", "cli-prf");
    assertThat(keyIds("phone")).containsExactly(rotated.aead().orElseThrow().primary().keyId());
    assertThat(keyIds("email")).containsExactly(rotated.deterministic().orElseThrow().primary().keyId());
    assertEveryRowDecrypts(FieldCipher.create(rotated));

    // running it again is harmless: nothing left to do
    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).as(err).isZero();
    assertThat(out).contains("values not on a primary key: 0").doesNotContain(ROWS + " of " + ROWS + " rows re-encrypted");

    // now the old key can go
    assertThat(run(keysDb("keys", "disable", "--keyset", "cli-aead", "--ordinal", "1", "--tables", tables.toString())))
        .as(err).isZero();
    assertThat(run(keysDb("keys", "list", "--keyset", "cli-aead"))).isZero();
    assertThat(out).containsPattern("(?m)^1\\s+\\d+\\s+DISABLED").containsPattern("(?m)^2\\s+\\d+\\s+ENABLED\\s+yes");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void aStoppedRotation_isResumedByTheSameCommand(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(keysDb("keys", "add", "--keyset", "cli-aead", "--promote"))).isZero();
    Keyring rotated = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT)
        .loadKeyring("cli-aead", "cli-daead", "cli-prf");
    // an earlier worker (same keys, so the same rotation) stops after its first batch, as a killed run would;
    // its claimed range stays leased until the lease runs out (1 s here, 60 s by default)
    AtomicReference<Rewrapper> first = new AtomicReference<>();
    first.set(Rewrapper.builder(db.dataSource(), FieldCipher.create(rotated)).tables(TablesFile.read(tables))
        .vaultTables(VAULT).batchSize(50).lease(Duration.ofSeconds(1)).finalInventory(false).listener(p -> first.get().stop()).build());
    RotationResult stopped = first.get().run();
    assertThat(stopped.complete()).isFalse();
    long done = stopped.rowsRewrapped();
    assertThat(done).isPositive().isLessThan(ROWS);

    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).as(err).isZero();
    assertThat(out).contains("rotation " + Rewrapper.defaultRotationId(rotated),
        (ROWS - done) + " of " + (ROWS - done) + " rows re-encrypted", "values not on a primary key: 0");
    assertEveryRowDecrypts(FieldCipher.create(rotated));
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void aCrashedJobRestartedUnderItsWorkerId_takesItsRangeBackWithoutWaitingForTheLease(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(keysDb("keys", "add", "--keyset", "cli-aead", "--promote"))).isZero();
    Keyring rotated = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT)
        .loadKeyring("cli-aead", "cli-daead", "cli-prf");
    // the job "job-1" dies after its first batch: its range stays claimed under a 10-minute lease
    Rewrapper crashing = Rewrapper.builder(db.dataSource(), FieldCipher.create(rotated)).tables(TablesFile.read(tables))
        .vaultTables(VAULT).batchSize(50).workerId("job-1").lease(Duration.ofMinutes(10)).listener(p -> {
          throw new IllegalStateException("simulated crash");
        }).build();
    assertThatThrownBy(crashing::run).hasStackTraceContaining("simulated crash");

    long start = System.nanoTime();
    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--worker-id", "job-1", "--lease", "10m")))
        .as(err).isZero();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(2));
    assertThat(out).contains("values not on a primary key: 0");
    assertEveryRowDecrypts(FieldCipher.create(rotated));
    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--lease", "soon"))).isEqualTo(1);
    assertThat(err).contains("--lease must be a number of seconds");
    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--lease", "2h"))).isEqualTo(1);
    assertThat(err).contains("between 1 second and 1 hour");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void minimumDecrypt_isRefusedWhileValuesUseAnOlderKey_likeDisable_unlessForced(Kind kind) throws Exception {
    setUp(kind);
    for (String ks : List.of("cli-aead", "cli-daead", "cli-prf")) {
      assertThat(run(keysDb("keys", "add", "--keyset", ks, "--promote"))).isZero();
    }

    assertThat(run(keysDb("keys", "minimum-decrypt", "--keyset", "cli-aead", "--ordinal", "2"))).isEqualTo(1);
    assertThat(err).contains("needs the encrypted columns", "--force");
    assertThat(run(keysDb("keys", "minimum-decrypt", "--keyset", "cli-aead", "--ordinal", "2", "--tables",
        tables.toString()))).isEqualTo(1);
    assertThat(err).contains("Cannot set the minimum decryption ordinal", "still use older keys",
        "app_cli_customer.phone: " + ROWS);
    assertThat(run(keysDb("keys", "list", "--keyset", "cli-aead"))).isZero();
    assertThat(out).contains("minimum decryption ordinal 0");

    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).as(err).isZero();
    assertThat(run(keysDb("keys", "minimum-decrypt", "--keyset", "cli-aead", "--ordinal", "2", "--tables",
        tables.toString()))).as(err).isZero();
    assertThat(out).contains("minimum decryption ordinal 2");
    assertThat(run(keysDb("keys", "minimum-decrypt", "--keyset", "cli-daead", "--ordinal", "2", "--force")))
        .as(err).isZero();
    assertThat(out).contains("minimum decryption ordinal 2");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void valuesWrittenUnderAnOldKeyAfterARotation_failTheRun_andTheSameCommandAgainMovesThem(Kind kind)
      throws Exception {
    setUp(kind);
    for (String ks : List.of("cli-aead", "cli-daead", "cli-prf")) {
      assertThat(run(keysDb("keys", "add", "--keyset", ks, "--promote"))).isZero();
    }
    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).as(err).isZero();
    // an instance that never reloaded its keys writes 7 more rows under the old keys
    FieldCipher stale = FieldCipher.create(keyring);
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO app_cli_customer VALUES (?, ?, ?, ?, ?)")) {
      for (long i = ROWS + 1; i <= ROWS + 7; i++) {
        ps.setLong(1, i);
        ps.setBytes(2, stale.field(EMAIL).encrypt("c" + i + "@example.com"));
        ps.setBytes(3, stale.field(PHONE).encrypt("Phone-" + i));
        ps.setBytes(4, stale.field(PHONE).blindIndex("Phone-" + i, null));
        ps.setString(5, stale.field(NOTE).encryptToText("note " + i, null, i));
        ps.executeUpdate();
      }
    }

    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).isEqualTo(1);
    assertThat(out).contains("values not on a primary key: 28", "app_cli_customer.email: 7", "app_cli_customer.phone_bi: 7");
    assertThat(err).contains("is not complete", "values are left under old keys", "run it again");

    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).as(err).isZero();
    assertThat(out).contains("7 of " + (ROWS + 7) + " rows re-encrypted", "values not on a primary key: 0");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void compositeKeyTable_andTheSecretsVault_areRotatedInOneRun(Kind kind) throws Exception {
    setUp(kind);
    String sv = "app_cli_sv_";
    CliTestSupport.migrateSecrets(db, sv);
    db.dropTables("app_cli_pair");
    FieldEncryptor<String> email = FieldCipher.create(keyring).field(EMAIL);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE app_cli_pair (tenant_id BIGINT NOT NULL, code VARCHAR(20) NOT NULL, email "
          + (kind == Kind.POSTGRES ? "BYTEA" : "VARBINARY(600)") + ", PRIMARY KEY (tenant_id, code))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_cli_pair VALUES (?, ?, ?)")) {
        for (long t = 1; t <= 3; t++) {
          for (int i = 0; i < 30; i++) {
            ps.setLong(1, t);
            ps.setString(2, "c," + i);
            ps.setBytes(3, email.encrypt(t + "." + i + "@example.com"));
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
    }
    Path pairs = dir.resolve("pairs.json");
    Files.writeString(pairs, """
        {"tables": [{"table": "app_cli_pair", "primaryKey": "tenant_id, code",
          "columns": [{"column": "email", "domain": "Customer", "field": "email", "mode": "DETERMINISTIC"}]}]}
        """);
    SecretsVault before = SecretsVault.builder(db.dataSource(), FieldCipher.create(keyring)).tablePrefix(sv).build();
    before.createStore("tokens", "acme", StoreOptions.DEFAULT).put("github", SecretValue.ofString("gho_1"));
    before.store("tokens", "acme").put("github", SecretValue.ofString("gho_2"));
    assertThat(run(keysDb("keys", "add", "--keyset", "cli-aead", "--promote"))).as(err).isZero();
    assertThat(run(keysDb("keys", "add", "--keyset", "cli-daead", "--promote"))).as(err).isZero();
    // the vault's values count where keys are inventoried and disabled, not only where they are rotated
    assertThat(run(keyArgs("inventory", "--tables", pairs.toString(), "--secrets-prefix", sv))).as(err).isZero();
    assertThat(out).contains("app_cli_pair.email", "app_cli_sv_entry.dek_ct", "app_cli_sv_version.dek_ct");
    assertThat(run(keysDb("keys", "disable", "--keyset", "cli-aead", "--ordinal", "1", "--secrets-prefix", sv)))
        .isEqualTo(1);
    assertThat(err).contains("error: Cannot disable key 1", "app_cli_sv_entry.dek_ct: 1",
        "app_cli_sv_version.dek_ct: 2");

    assertThat(run(keyArgs("rotate", "--tables", pairs.toString(), "--secrets-prefix", sv, "--batch-size", "7")))
        .as(err).isZero();

    assertThat(out).contains("over 3 table(s): [app_cli_pair, app_cli_sv_entry, app_cli_sv_version]",
        (90 + 3) + " of " + (90 + 3) + " rows re-encrypted", "values not on a primary key: 0");
    Keyring rotated = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT)
        .loadKeyring("cli-aead", "cli-daead", "cli-prf");
    SecretsVault after = SecretsVault.builder(db.dataSource(), FieldCipher.create(rotated)).tablePrefix(sv).build();
    assertThat(after.store("tokens", "acme").get("github").value().asString()).isEqualTo("gho_2");
    assertThat(after.store("tokens", "acme").getVersion("github", 1).value().asString()).isEqualTo("gho_1");
    // one vault-wide event, and one for the store with its counts
    assertThat(after.auditEvents(AuditQuery.all().action(AuditAction.KEY_ROTATED)).items())
        .extracting(e -> e.namespace()).containsExactly(null, "tokens");
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT email FROM app_cli_pair")) {
      while (rs.next()) {
        ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
      }
    }
    assertThat(ids).containsExactly(rotated.deterministic().orElseThrow().primary().keyId());
    db.dropTables("app_cli_pair");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void entityClasses_areDiscovered_andRotated(Kind kind) throws Exception {
    setUp(kind);
    Configuration cfg = new Configuration().addAnnotatedClass(CliAccount.class);
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "create");
    cfg.getProperties().put(FieldVaultSettings.KEYRING, keyring);
    try (SessionFactory sf = cfg.buildSessionFactory()) {
      sf.inTransaction(s -> {
        for (long i = 1; i <= 40; i++) {
          s.persist(new CliAccount(i, "a" + i + "@example.com", "DE89 " + i));
        }
      });
    }
    String entities = CliAccount.class.getName();
    assertThat(runDb("inventory", "--entities", entities)).as(err).isZero();
    assertThat(out).containsIgnoringCase("app_cli_account.email").containsIgnoringCase("app_cli_account.iban");

    assertThat(run(keysDb("keys", "add", "--keyset", "cli-aead", "--promote"))).isZero();
    assertThat(run(keyArgs("rotate", "--entities", entities))).as(err).isZero();
    assertThat(out).contains("40 of 40 rows re-encrypted", "values not on a primary key: 0");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void errors_exitNonZero_withAClearMessage(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(keyArgs("rotate"))).isEqualTo(1);
    assertThat(err).contains("either --tables FILE or --entities");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"tables\": [{\"table\": \"app_cli_customer\", \"primaryKey\": \"id\", \"colums\": []}]}");
    assertThat(run(keyArgs("rotate", "--tables", bad.toString()))).isEqualTo(1);
    assertThat(err).contains("unknown key \"colums\"");
    Files.writeString(bad, "{\"tables\": [{\"table\": \"app_cli_customer\", \"primaryKey\": \"id\","
        + " \"columns\": [{\"column\": \"email\", \"type\": \"Money\"}]}]}");
    assertThat(run(keyArgs("inventory", "--tables", bad.toString()))).isEqualTo(1);
    assertThat(err).contains("unknown type 'Money'");
    assertThat(run(keyArgs("inventory", "--tables", dir.resolve("missing.json").toString()))).isEqualTo(1);
    assertThat(err).contains("cannot read the tables file");

    assertThat(run(keyArgs("rotate", "--tables", tables.toString(), "--batch-size", "0"))).isEqualTo(1);
    assertThat(err).contains("batch size must be 1 to 10,000");

    env.put("FIELDVAULT_MASTER_SECRET", NEW_SECRET);
    assertThat(run(keyArgs("rotate", "--tables", tables.toString()))).isEqualTo(1);
    assertThat(err).contains("was encrypted under KEK").doesNotContain(SECRET, NEW_SECRET);
    env.put("FIELDVAULT_MASTER_SECRET", SECRET);

    assertThat(runDb("rotate", "--tables", tables.toString(), "--vault-prefix", VAULT_PREFIX, "--aead", "no-such-keyset")).isEqualTo(1);
    assertThat(err).contains("no-such-keyset");

    assertThat(run(keyArgs("rotate", "--entities", "com.example.Missing"))).isEqualTo(1);
    assertThat(err).contains("entity class com.example.Missing not found");

    assertThat(run("inventory", "--tables", tables.toString(), "--jdbc-url", "jdbc:h2:tcp://127.0.0.1:1/none")).isEqualTo(1);
    assertThat(err).contains("cannot connect to jdbc:h2:tcp://127.0.0.1:1/none");

    assertThat(run("rotate", "--tables", tables.toString())).isEqualTo(2);
    assertThat(err).contains("Missing required option: '--jdbc-url=URL'");

    assertThat(run(keysDb("keys", "generate", "--name", "cli-aead"))).isEqualTo(1);
    assertThat(err).contains("already exists");
    assertThat(run("keys", "list")).isEqualTo(1);
    assertThat(err).contains("give -f FILE, or --jdbc-url URL with --keyset NAME");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void keysInTheDatabase_generateListAndRotateTheKek(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(keysDb("keys", "generate", "--name", "cli-extra", "--purpose", "PRF"))).as(err).isZero();
    assertThat(out).contains("generated keyset cli-extra in table " + VAULT.keyset(), "cli-extra (PRF)");
    assertThat(run(keysDb("keys", "list"))).isZero();
    assertThat(out).contains("keyset cli-aead (AEAD)", "keyset cli-daead (DETERMINISTIC_AEAD)", "keyset cli-extra (PRF)");

    assertThat(run(keysDb("keys", "rotate-kek", "--new-master-secret-env", "NEW_SECRET"))).as(err).isZero();
    assertThat(out).contains("re-encrypted 4 keyset(s)");
    assertThat(run(keysDb("keys", "list", "--keyset", "cli-aead"))).isEqualTo(1);
    assertThat(err).contains("was encrypted under KEK");
    env.put("FIELDVAULT_MASTER_SECRET", NEW_SECRET);
    assertThat(run(keysDb("keys", "list", "--keyset", "cli-aead"))).isZero();
    assertThat(out).containsPattern("(?m)^1\\s+\\d+\\s+ENABLED\\s+yes");
  }

  @Test
  void everyCommand_hasHelp() {
    for (String[] cmd : new String[][] {{"rotate"}, {"inventory"}, {"keys"}, {"keys", "disable"}, {"keys", "minimum-decrypt"}, {"secrets"},
        {"secrets", "put"}, {"secrets", "get"}, {"secrets", "list"}, {"secrets", "versions"}, {"secrets", "rollback"},
        {"secrets", "remove"}, {"secrets", "export"}, {"secrets", "import"}}) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      assertThat(run(args)).as(String.join(" ", cmd)).isZero();
      assertThat(out).startsWith("Usage: fieldvault " + String.join(" ", cmd));
    }
  }

  private Set<Integer> keyIds(String column) throws Exception {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + column + " FROM app_cli_customer")) {
      while (rs.next()) {
        ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
      }
    }
    return ids;
  }

  private void assertEveryRowDecrypts(FieldCipher cipher) throws Exception {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> phone = cipher.field(PHONE);
    FieldEncryptor<String> note = cipher.field(NOTE);
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, email, phone, phone_bi, note FROM app_cli_customer ORDER BY id")) {
      int n = 0;
      while (rs.next()) {
        long id = rs.getLong(1);
        assertThat(email.decrypt(rs.getBytes(2))).isEqualTo("c" + id + "@example.com");
        assertThat(phone.decrypt(rs.getBytes(3))).isEqualTo("Phone-" + id);
        assertThat(rs.getBytes(4)).isEqualTo(phone.blindIndex("PHONE-" + id, null));
        assertThat(note.decryptText(rs.getString(5), null, id)).isEqualTo("note " + id);
        n++;
      }
      assertThat(n).isEqualTo(ROWS);
    }
  }
}
