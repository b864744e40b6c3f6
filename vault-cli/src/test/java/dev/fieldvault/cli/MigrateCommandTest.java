package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code fieldvault migrate} on a legacy table (plaintext e-mails in a column too narrow for their
 * ciphertext, notes, one header-like value), on H2, PostgreSQL and MariaDB: the plan and its DDL, a
 * dry run, the migration, a legacy writer's plaintext found by the next run (exit 1), then none left.
 */
class MigrateCommandTest extends CliTestSupport {

  static final int ROWS = 120;
  static final VaultTables VAULT = VaultTables.withPrefix(VAULT_PREFIX);
  static final FieldSpec<String> EMAIL = FieldSpec.builder("Customer", "email", String.class)
      .mode(EncryptionMode.DETERMINISTIC).build();
  static final FieldSpec<String> NOTE = FieldSpec.builder("Customer", "note", String.class).rowBound(true).build();
  static final String TABLES_JSON = """
      {"tables": [{
        "table": "app_cli_legacy", "primaryKey": "id",
        "columns": [
          {"column": "email", "domain": "Customer", "field": "email", "mode": "DETERMINISTIC", "storage": "TEXT"},
          {"column": "note", "domain": "Customer", "field": "note", "rowBound": true, "storage": "TEXT"}
        ]}]}
      """;

  @TempDir
  Path dir;
  Path tables;
  Keyring keyring;

  static String email(long id) {
    return id == 2 ? "EAEAAAAAAAAAAAAAAAAA" : "customer" + id + "@example.com";
  }

  static String note(long id) {
    return id % 4 == 0 ? null : "likes tea " + id;
  }

  void setUp(Kind kind) throws Exception {
    use(kind);
    db.dropTables("app_cli_legacy", VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    keyring = Keyring.generate("cli");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.deterministic().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE app_cli_legacy (id BIGINT PRIMARY KEY, email VARCHAR(40), note VARCHAR(500))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_cli_legacy VALUES (?, ?, ?)")) {
        for (long i = 1; i <= ROWS; i++) {
          ps.setLong(1, i);
          ps.setString(2, email(i));
          ps.setString(3, note(i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    tables = dir.resolve("tables.json");
    Files.writeString(tables, TABLES_JSON);
  }

  String[] migrate(String... more) {
    List<String> all = new ArrayList<>(List.of("migrate", "--tables", tables.toString()));
    all.addAll(List.of(more));
    all.addAll(List.of("--vault-prefix", VAULT_PREFIX, "--aead", "cli-aead", "--daead", "cli-daead", "--prf", "cli-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void planWidenMigrate_fromTheTerminal_exitingNonZeroWhilePlaintextRemains(Kind kind) throws Exception {
    setUp(kind);

    assertThat(run(migrate("--plan"))).as(out + err).isEqualTo(1);
    assertThat(out).contains("app_cli_legacy.email", "TOO_NARROW", "app_cli_legacy.note", "FITS")
        .containsPattern("(?m)^ALTER TABLE app_cli_legacy .*email.*VARCHAR\\(208\\).*;$");
    assertThat(err).contains("error: 1 column(s) must change before the migration");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String line : out.split("\n")) {
        if (line.startsWith("ALTER TABLE")) {
          st.execute(line.substring(0, line.length() - 1));
        }
      }
    }
    assertThat(run(migrate("--plan"))).as(out + err).isZero();
    assertThat(out).contains("every column fits");

    assertThat(run(migrate("--dry-run"))).as(err).isZero();
    assertThat(out).contains("[dry run] plaintext migration migrate-to-", "[dry run] " + ROWS + " of " + ROWS
        + " rows need writing: " + (ROWS + ROWS - ROWS / 4) + " plaintext values to encrypt");
    assertThat(storedEmail(1)).isEqualTo(email(1));

    assertThat(run(migrate("--batch-size", "25", "--throttle", "100000", "--worker-id", "job-1", "--lease", "30s")))
        .as(err).isZero();
    assertThat(out).contains("\rapp_cli_legacy", "100%", ROWS + " of " + ROWS + " rows written: "
        + (ROWS + ROWS - ROWS / 4) + " plaintext values encrypted", "plaintext values left: 0",
        "values not on a primary key: 0", "cli-daead#1(primary)=" + ROWS);
    assertThat(out + err).doesNotContain("customer1@example.com").doesNotContain("likes tea");
    assertEveryRowEncrypted(FieldCipher.create(keyring));

    // a legacy instance writes plaintext again: the next run finds it, re-opens the table and exits 1 ...
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE app_cli_legacy SET email = 'late@example.com' WHERE id = 7");
    }
    assertThat(run(migrate())).isEqualTo(1);
    assertThat(out).contains("plaintext values left: 1", "  app_cli_legacy.email: 1");
    assertThat(err).contains("error: plaintext migration migrate-to-", "is not complete", "re-opened app_cli_legacy");
    // ... and the same command run again encrypts it
    assertThat(run(migrate())).as(err).isZero();
    assertThat(out).contains("1 plaintext values encrypted", "plaintext values left: 0");
    assertThat(FieldCipher.create(keyring).field(EMAIL).decryptText(storedEmail(7), null, null))
        .isEqualTo("late@example.com");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void secretsPrefix_isRefused_theVaultNeverHoldsPlaintext(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(migrate("--secrets-prefix", "fv_secret_"))).isEqualTo(1);
    assertThat(err).contains("error: --secrets-prefix: the secrets vault never holds plaintext");
  }

  String storedEmail(long id) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT email FROM app_cli_legacy WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  void assertEveryRowEncrypted(FieldCipher cipher) throws Exception {
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> note = cipher.field(NOTE);
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, email, note FROM app_cli_legacy ORDER BY id")) {
      int n = 0;
      while (rs.next()) {
        long id = rs.getLong(1);
        assertThat(email.decryptText(rs.getString(2), null, null)).isEqualTo(email(id));
        assertThat(note.decryptText(rs.getString(3), null, id)).isEqualTo(note(id));
        n++;
      }
      assertThat(n).isEqualTo(ROWS);
    }
  }
}
