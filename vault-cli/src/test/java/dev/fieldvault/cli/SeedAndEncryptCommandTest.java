package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.cli.testapp.CliSeedCustomer;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table seeded from SQL files whose values `fieldvault seed` and `fieldvault encrypt` produced,
 * read through {@code @Encrypted} with the strict plaintext policy, on H2, PostgreSQL and MariaDB.
 */
class SeedAndEncryptCommandTest extends CliTestSupport {

  static final VaultTables VAULT = VaultTables.withPrefix(VAULT_PREFIX);
  static final String TABLE = "app_cli_seed_customer";
  static final String DATA_SQL = """
      -- seed data, as the application's data.sql holds it before `fieldvault seed`
      INSERT INTO app_cli_seed_customer (id, email, note, birthday, phone, phone_bi) VALUES
        (1, 'ada@example.com', 'first note, with ''quotes'' and ü', '1815-12-10', 'Phone-ONE', NULL),
        (2, 'grace@example.com', NULL, '1906-12-09', 'phone-two', NULL);
      /* a row without the optional columns */
      INSERT INTO app_cli_seed_customer (id, email, note) VALUES (3, 'alan@example.com', 'note three');
      """;

  static Stream<Kind> databases() {
    return TestDatabases.all();
  }

  @TempDir
  Path dir;
  Keyring keyring;

  void setUp(Kind kind) throws Exception {
    use(kind);
    db.dropTables(TABLE, VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    keyring = Keyring.generate("cli");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.deterministic().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
  }

  /** The command with the keys and the database options appended. */
  String[] withKeys(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--vault-prefix", VAULT_PREFIX, "--aead", "cli-aead", "--daead", "cli-daead", "--prf", "cli-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  /** `fieldvault encrypt` of one value (from standard input) as a SQL literal. */
  String encryptLiteral(Kind kind, String value, String... column) {
    List<String> args = new ArrayList<>(List.of("encrypt", "--sql", dialect(kind).name()));
    args.addAll(List.of(column));
    assertThat(runWithInput(value + "\n", withKeys(args.toArray(String[]::new)))).as(err).isZero();
    assertThat(out).doesNotContain(value);
    return out.strip();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void seededAndEncryptedValues_readThroughEncryptedWithTheStrictPolicy(Kind kind) throws Exception {
    setUp(kind);
    try (SessionFactory sf = sessionFactory("create")) {
      // data.sql rewritten by seed, the columns discovered from the entity class
      Path data = dir.resolve("data.sql");
      Files.writeString(data, DATA_SQL);
      Path seeded = dir.resolve("data-encrypted.sql");
      assertThat(run(withKeys("seed", data.toString(), "--out", seeded.toString(),
          "--entities", CliSeedCustomer.class.getName()))).as(err).isZero();
      assertThat(out).contains("encrypted 9 value(s) in 3 row(s) of 2 statement(s)");
      String rewritten = Files.readString(seeded);
      assertThat(rewritten).contains("-- seed data, as the application's data.sql", "/* a row without the optional")
          .doesNotContain("ada@example.com", "first note", "1815-12-10", "Phone-ONE", "phone-two", "note three");

      // fixture.sql written by hand from `fieldvault encrypt` literals: the @Encrypted contexts given explicitly
      String email = encryptLiteral(kind, "edsger@example.com", "--entity", "SeedCustomer", "--attribute", "email",
          "--mode", "DETERMINISTIC");
      String note = encryptLiteral(kind, "fourth note", "--entity", "SeedCustomer", "--attribute", "note",
          "--row-bound", "--row-id", "4", "--storage", "TEXT");
      String birthday = encryptLiteral(kind, "1930-05-11", "--entity", "SeedCustomer", "--attribute", "birthday",
          "--context", "Person.birthday", "--type", "LocalDate");
      Path fixture = dir.resolve("fixture.sql");
      Files.writeString(fixture, "INSERT INTO " + TABLE + " (id, email, note, birthday) VALUES (4, " + email + ", "
          + note + ", " + birthday + ");\n");

      execute(rewritten);
      execute(Files.readString(fixture));

      sf.inTransaction(s -> {
        CliSeedCustomer ada = s.find(CliSeedCustomer.class, 1L);
        assertThat(ada.email).isEqualTo("ada@example.com");
        assertThat(ada.note).isEqualTo("first note, with 'quotes' and ü");
        assertThat(ada.birthday).isEqualTo(LocalDate.of(1815, 12, 10));
        assertThat(ada.phone).isEqualTo("Phone-ONE");
        CliSeedCustomer grace = s.find(CliSeedCustomer.class, 2L);
        assertThat(grace.note).isNull();
        assertThat(grace.phone).isEqualTo("phone-two");
        assertThat(s.find(CliSeedCustomer.class, 3L).note).isEqualTo("note three");
        CliSeedCustomer edsger = s.find(CliSeedCustomer.class, 4L);
        assertThat(edsger.email).isEqualTo("edsger@example.com");
        assertThat(edsger.note).isEqualTo("fourth note");
        assertThat(edsger.birthday).isEqualTo(LocalDate.of(1930, 5, 11));
        // the deterministic value is searchable, and the blind index seed computed finds its row
        assertThat(s.createQuery("from SeedCustomer c where c.email = :e", CliSeedCustomer.class)
            .setParameter("e", "edsger@example.com").getSingleResult().id).isEqualTo(4L);
        assertThat(s.createQuery("from SeedCustomer c where c.phoneIndex in :idx", CliSeedCustomer.class)
            .setParameter("idx", HibernateVault.of(sf).blindIndexes(CliSeedCustomer.class, "phone", "PHONE-one"))
            .getSingleResult().id).isEqualTo(1L);
      });
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void encryptThenDecrypt_roundTripsInTheTablesFileContext_andAnotherRowFails(Kind kind) throws Exception {
    setUp(kind);
    Path tables = dir.resolve("tables.json");
    Files.writeString(tables, """
        {"tables": [{"table": "app_cli_note", "primaryKey": "id", "tenantColumn": "tenant_id",
          "columns": [{"column": "note", "domain": "Note", "field": "text", "rowBound": true, "storage": "TEXT"}]}]}
        """);
    String[] column = {"--tables", tables.toString(), "--table", "app_cli_note", "--column", "note"};
    // a tenant-scoped column refuses a value without its tenant
    assertThat(runWithInput("secret note", withKeys(concat(new String[] {"encrypt", "--row-id", "7"}, column))))
        .isEqualTo(1);
    assertThat(err).contains("is tenant-scoped (tenant column tenant_id): give --tenant");

    assertThat(runWithInput("secret note", withKeys(concat(new String[] {"encrypt", "--row-id", "7", "--tenant",
        "acme"}, column)))).as(err).isZero();
    String ciphertext = out.strip();
    assertThat(ciphertext).doesNotContain("secret note");
    dev.fieldvault.keys.CiphertextHeader.parseText(ciphertext);   // the stored text form: base64 of a ciphertext

    assertThat(runWithInput(ciphertext, withKeys(concat(new String[] {"decrypt", "--row-id", "7", "--tenant", "acme"},
        column)))).as(err).isZero();
    assertThat(out).isEqualTo("secret note" + System.lineSeparator());

    // another row, another tenant: refused without a word about the value
    assertThat(runWithInput(ciphertext, withKeys(concat(new String[] {"decrypt", "--row-id", "8", "--tenant", "acme"},
        column)))).isEqualTo(1);
    assertThat(err).startsWith("error: ").doesNotContain("secret note");
    assertThat(runWithInput(ciphertext, withKeys(concat(new String[] {"decrypt", "--row-id", "7", "--tenant", "other"},
        column)))).isEqualTo(1);
    assertThat(out).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void encrypt_bindsTheJdbcWrappersTableColumnContextByDefault(Kind kind) throws Exception {
    setUp(kind);
    assertThat(runWithInput("ada@example.com", withKeys("encrypt", "--table", "customer", "--column", "email",
        "--mode", "DETERMINISTIC"))).as(err).isZero();
    byte[] ciphertext = java.util.HexFormat.of().parseHex(out.strip());
    var spec = dev.fieldvault.keys.EncryptedColumn.builder("customer", "email", String.class)
        .mode(dev.fieldvault.keys.EncryptionMode.DETERMINISTIC).build().spec();
    @SuppressWarnings("unchecked")
    var field = dev.fieldvault.keys.FieldCipher.create(keyring).field((dev.fieldvault.keys.FieldSpec<String>) spec);
    assertThat(field.decrypt(ciphertext)).isEqualTo("ada@example.com");
    // deterministic: the same value gives the same stored bytes, as the wrapper writes them
    assertThat(ciphertext).isEqualTo(field.encrypt("ada@example.com"));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void seed_refusesShapesItCannotRewrite_andWritesNothing(Kind kind) throws Exception {
    setUp(kind);
    Path out = dir.resolve("out.sql");
    for (String[] c : new String[][] {
        {"INSERT INTO app_cli_seed_customer VALUES (1, 'ada@example.com', NULL, NULL, NULL, NULL);", "must name its columns"},
        {"INSERT INTO app_cli_seed_customer (id, email) SELECT 1, 'ada@example.com';", "without VALUES"},
        {"UPDATE app_cli_seed_customer SET email = 'ada@example.com' WHERE id = 1;", "an UPDATE of app_cli_seed_customer.email"},
        {"INSERT INTO app_cli_seed_customer (id, email) VALUES (1, LOWER('ada@example.com'));", "must be a string or number literal"},
        {"INSERT INTO app_cli_seed_customer (id, phone) VALUES (1, 'ada@example.com');", "add it to the INSERT's columns"},
        {"INSERT INTO app_cli_seed_customer (email, note) VALUES ('ada@example.com', 'x');", "must give the primary key column id"},
        {"INSERT INTO app_cli_seed_customer (id, email) VALUES (1, 'ada@example.com'", "cannot parse"}}) {
      Path data = dir.resolve("bad.sql");
      Files.writeString(data, c[0]);
      assertThat(run(withKeys("seed", data.toString(), "--out", out.toString(), "--entities",
          CliSeedCustomer.class.getName()))).as(c[0]).isEqualTo(1);
      assertThat(err).as(c[0]).contains(c[1]).doesNotContain("ada@example.com");
      assertThat(this.out).doesNotContain("ada@example.com");
      assertThat(out).doesNotExist();
    }
    // a file seed already rewrote is refused rather than encrypted twice
    Path data = dir.resolve("data.sql");
    Files.writeString(data, "INSERT INTO app_cli_seed_customer (id, note) VALUES (1, 'a note');");
    assertThat(run(withKeys("seed", data.toString(), "--out", out.toString(), "--entities",
        CliSeedCustomer.class.getName()))).as(err).isZero();
    assertThat(run(withKeys("seed", out.toString(), "--entities", CliSeedCustomer.class.getName()))).isEqualTo(1);
    assertThat(err).contains("already a FieldVault ciphertext");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void seed_bindsValuesToTheirTenantAndRow_andFillsBlindIndexesAsEncryptPrintsThem(Kind kind) throws Exception {
    setUp(kind);
    Path tables = dir.resolve("tables.json");
    Files.writeString(tables, """
        {"tables": [{"table": "app_cli_tenant_note", "primaryKey": "id", "tenantColumn": "tenant_id", "columns": [
          {"column": "note", "domain": "Note", "field": "text", "rowBound": true, "storage": "TEXT"},
          {"column": "email", "storage": "TEXT",
           "blindIndex": {"column": "email_bi", "normalizer": "case-insensitive", "storage": "TEXT"}}]}]}
        """);
    Path data = dir.resolve("data.sql");
    Files.writeString(data, "INSERT INTO \"APP_CLI_TENANT_NOTE\" (id, tenant_id, note, email, email_bi)"
        + " VALUES (5, 'acme', 'acme note', 'Ada@Example.com', NULL);\n");
    assertThat(run(withKeys("seed", data.toString(), "--tables", tables.toString()))).as(err).isZero();
    assertThat(err).contains("encrypted 2 value(s) in 1 row(s) of 1 statement(s)");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "VALUES \\(5, 'acme', '([^']+)', '([^']+)', '([^']+)'\\);").matcher(out);
    assertThat(m.find()).as(out).isTrue();

    var columns = TablesFile.read(tables).get(0).columns();
    var cipher = dev.fieldvault.keys.FieldCipher.create(keyring);
    @SuppressWarnings("unchecked")
    var note = cipher.field((dev.fieldvault.keys.FieldSpec<String>) columns.get(0).spec());
    @SuppressWarnings("unchecked")
    var email = cipher.field((dev.fieldvault.keys.FieldSpec<String>) columns.get(1).spec());
    assertThat(note.decryptText(m.group(1), "acme", 5L)).isEqualTo("acme note");
    assertThat(email.decryptText(m.group(2), "acme", null)).isEqualTo("Ada@Example.com");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> note.decryptText(m.group(1), "other", 5L))
        .isInstanceOf(dev.fieldvault.keys.DecryptionFailedException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> note.decryptText(m.group(1), "acme", 6L))
        .isInstanceOf(dev.fieldvault.keys.DecryptionFailedException.class);
    String blindIndex = java.util.Base64.getEncoder().encodeToString(email.blindIndex("ada@example.com", "acme"));
    assertThat(m.group(3)).isEqualTo(blindIndex);

    // encrypt prints the same blind index for a fixture
    assertThat(runWithInput("ADA@example.com", withKeys("encrypt", "--blind-index", "--tenant", "acme", "--tables",
        tables.toString(), "--table", "app_cli_tenant_note", "--column", "email"))).as(err).isZero();
    assertThat(out.lines().toList()).hasSize(2).last().isEqualTo(blindIndex);
    assertThat(runWithInput("x", withKeys("encrypt", "--blind-index", "--tenant", "acme", "--row-id", "1", "--tables",
        tables.toString(), "--table", "app_cli_tenant_note", "--column", "note"))).isEqualTo(1);
    assertThat(err).contains("has no blind index");
    assertThat(out).isEmpty();
  }

  /** String literals with escapes, per database, as a seed file may hold them. */
  static List<String> escapedLiterals(Kind kind) {
    return switch (kind) {
      case POSTGRES -> List.of("E'a\\tb'", "E'a\\\\b'", "e'line\\nnext\\r'", "E'\\x41\\101\\u00e9\\U0001F600'",
          "E'x\\qy\\\\'", "'plain\\n stays'", "'O''Brien'", "E'it''s'", "$$x\\y'z$$", "N'a\\b'");
      case H2 -> List.of("'a\\tb'", "'a\\\\b'", "'O''Brien'", "'back\\'", "N'x\\n'");
      default -> List.of("'a\\nb'", "'a\\\\b'", "'t\\tr\\rb\\bz\\Z'", "'50\\% and \\_'", "'q\\\"d'", "'x\\qy'",
          "'nul\\0end'", "'O''Brien'", "'it''s\\\\'", "_utf8mb4'a\\nb'", "N'n\\tn'");
    };
  }

  @ParameterizedTest
  @MethodSource("databases")
  void seed_encryptsWhatTheDatabaseStoresForEscapedLiterals_asTheUnencryptedSeedLoads(Kind kind) throws Exception {
    setUp(kind);
    seedEscapes(escapedLiterals(kind), false);
  }

  @org.junit.jupiter.api.Test
  void seed_withNoBackslashEscapes_encryptsBackslashesAsWritten_asMariaDbInThatModeStores() throws Exception {
    setUp(Kind.MARIADB);
    seedEscapes(List.of("'a\\nb'", "'a\\\\b'", "'end\\'", "'O''Brien'"), true);
  }

  /**
   * Loads a file of escaped literals into a plain table, and its seed-rewritten form into the
   * encrypted one; every decrypted value equals the plain table's stored value.
   */
  void seedEscapes(List<String> literals, boolean noBackslashEscapes) throws Exception {
    String plain = "app_cli_esc_plain";
    String encrypted = "app_cli_esc";
    db.dropTables(plain, encrypted);
    String mode = noBackslashEscapes ? "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n" : "";
    execute("CREATE TABLE " + plain + " (id INT PRIMARY KEY, note VARCHAR(200));\n"
        + "CREATE TABLE " + encrypted + " (id INT PRIMARY KEY, note VARCHAR(400));\n");
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < literals.size(); i++) {
      file.append("INSERT INTO TABLE_NAME (id, note) VALUES (").append(i + 1).append(", ").append(literals.get(i))
          .append(");\n");
    }
    execute(mode + file.toString().replace("TABLE_NAME", plain));
    Path tables = dir.resolve("esc-tables.json");
    Files.writeString(tables, "{\"tables\": [{\"table\": \"" + encrypted + "\", \"primaryKey\": \"id\","
        + " \"columns\": [{\"column\": \"note\", \"storage\": \"TEXT\"}]}]}");
    Path data = dir.resolve("esc.sql");
    Files.writeString(data, file.toString().replace("TABLE_NAME", encrypted));
    Path seeded = dir.resolve("esc-encrypted.sql");
    List<String> args = new ArrayList<>(List.of("seed", data.toString(), "--out", seeded.toString(), "--force",
        "--tables", tables.toString()));
    if (noBackslashEscapes) {
      args.add("--no-backslash-escapes");
    }
    assertThat(run(withKeys(args.toArray(String[]::new)))).as(err).isZero();
    execute(mode + Files.readString(seeded));

    @SuppressWarnings("unchecked")
    var note = dev.fieldvault.keys.FieldCipher.create(keyring)
        .field((dev.fieldvault.keys.FieldSpec<String>) TablesFile.read(tables).get(0).columns().get(0).spec());
    try (Connection c = db.connect(); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT p.id, p.note, e.note FROM " + plain + " p JOIN " + encrypted
            + " e ON e.id = p.id ORDER BY p.id")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertThat(note.decryptText(rs.getString(3), null, null)).as(literals.get(rs.getInt(1) - 1))
            .isEqualTo(rs.getString(2));
      }
      assertThat(rows).isEqualTo(literals.size());
    }
  }

  @org.junit.jupiter.api.Test
  void seed_refusesLiteralsWhoseStoredValueItCannotKnow_andNamesNoValue() throws Exception {
    setUp(Kind.H2);
    Path tables = dir.resolve("esc-tables.json");
    Files.writeString(tables, "{\"tables\": [{\"table\": \"app_cli_esc\", \"primaryKey\": \"id\","
        + " \"columns\": [{\"column\": \"note\", \"storage\": \"TEXT\"}]}]}");
    Path out = dir.resolve("out.sql");
    for (String[] c : new String[][] {
        {"POSTGRESQL", "E'Secret\\xff'", "not ASCII"},
        {"POSTGRESQL", "E'Secret\\377'", "not ASCII"},
        {"POSTGRESQL", "E'Secret\\000'", "not ASCII"},
        {"POSTGRESQL", "E'Secret\\uD800'", "write the character itself"},
        {"MARIADB", "E'Secret\\n'", "E'...' escape strings are PostgreSQL's"},
        {"H2", "E'Secret\\n'", "E'...' escape strings are PostgreSQL's"},
        {"MARIADB", "$$Secret$$", "write the value in '...'"},
        {"MARIADB", "B'0101'", "with the prefix B"}}) {
      Path data = dir.resolve("bad.sql");
      Files.writeString(data, "INSERT INTO app_cli_esc (id, note) VALUES (1, " + c[1] + ");");
      assertThat(run(withKeys("seed", data.toString(), "--out", out.toString(), "--tables", tables.toString(),
          "--dialect", c[0]))).as(c[0] + " " + c[1]).isEqualTo(1);
      assertThat(err).as(c[1]).contains(c[2], "statement 1, row 1").doesNotContain("Secret");
      assertThat(out).doesNotExist();
    }
  }

  SessionFactory sessionFactory(String ddl) {
    Configuration cfg = new Configuration().addAnnotatedClass(CliSeedCustomer.class);
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, ddl);
    cfg.setProperty(FieldVaultSettings.PLAINTEXT_POLICY, "CIPHERTEXT_ONLY");
    cfg.getProperties().put(FieldVaultSettings.KEYRING, keyring);
    return cfg.buildSessionFactory();
  }

  /** Runs a SQL file of statements each ending with ";" at the end of a line (the test's own files). */
  void execute(String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String statement : sql.split(";\\s*(\\n|$)")) {
        if (!statement.isBlank()) {
          st.execute(statement);
        }
      }
    }
  }

  static SqlDialect dialect(Kind kind) {
    return switch (kind) {
      case H2 -> SqlDialect.H2;
      case POSTGRES -> SqlDialect.POSTGRESQL;
      default -> SqlDialect.MARIADB;
    };
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
