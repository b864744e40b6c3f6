package dev.fieldvault.sample;

import dev.fieldvault.hibernate.AttributeDecryptionException;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.HibernateRotation;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.jdbc.keystore.KeyInUseException;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.WriteResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.sample.entity.Customer;
import dev.fieldvault.sample.entity.SupportTicket;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * FieldVault's sample application: a small SaaS back end that keeps its customers' personal data
 * in {@code @Encrypted} entity fields and its users' OAuth tokens in a secrets-vault namespace, on a
 * HikariCP pool with a Liquibase-managed schema. Its run tells the story step by step: entities
 * saved, the raw rows as stored, a lookup by encrypted email, a secret stored and read back, a key
 * rotation with a live progress bar and the key inventory before and after, and a tampered row
 * read with the clear error it gets.
 *
 * <p>By default it runs on an embedded H2 file database in {@code ./fieldvault-demo} (kept between
 * runs); given {@code --jdbc-url} it runs on PostgreSQL or MariaDB. Keysets live in the database's
 * key store table, encrypted under a KEK from the master secret in {@code FIELDVAULT_MASTER_SECRET},
 * or, for the demo only, a generated one kept in the data directory. Every table starts with
 * {@code app_}.
 */
@Command(name = "sample-app", mixinStandardHelpOptions = true,
    description = "FieldVault's demonstration: encrypted entities, search, secrets, rotation, tampering.")
public final class SampleApp implements Callable<Integer> {

  static final VaultTables VAULT_TABLES = VaultTables.withPrefix("app_fv_");
  static final String SECRETS_PREFIX = "app_secret_";
  static final String AEAD = "demo-aead";
  static final String DAEAD = "demo-daead";
  static final String PRF = "demo-prf";
  static final String MASTER_SECRET_ENV = "FIELDVAULT_MASTER_SECRET";

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "fieldvault-demo",
      description = "Where the embedded database and the demo master secret live (default: ${DEFAULT-VALUE}).")
  Path home;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "Run on this database (PostgreSQL or MariaDB) instead of the embedded H2.")
  String jdbcUrl;

  @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user.")
  String user;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Environment variable holding the database password (never on the command line).")
  String passwordEnv;

  @Option(names = "--customers", paramLabel = "N", defaultValue = "1000",
      description = "How many customers to save (default: ${DEFAULT-VALUE}).")
  int customers;

  static {
    // Hibernate logs through slf4j like the rest (quiet: see simplelogger.properties), not java.util.logging
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
  }

  private final PrintStream out;
  private final Function<String, String> env;

  SampleApp(PrintStream out, Function<String, String> env) {
    this.out = out;
    this.env = env;
  }

  public static void main(String[] args) {
    int code = execute(System.out, System.err, System::getenv, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the app with these arguments; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  static int execute(PrintStream out, PrintStream err, Function<String, String> env, String... args) {
    CommandLine cl = new CommandLine(new SampleApp(out, env));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      FieldVaultException fv = cause(ex, FieldVaultException.class);
      err.println("error: " + (fv != null ? fv.getMessage() : ex.toString()));
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (customers < 10 || customers > 1_000_000) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--customers must be 10 to 1,000,000");
    }
    out.println("FieldVault sample: a SaaS back end keeping customer PII and users' OAuth tokens");
    boolean reused;
    try (var entries = Files.isDirectory(home) ? Files.list(home) : java.util.stream.Stream.<Path>empty()) {
      reused = entries.findAny().isPresent();
    }
    Files.createDirectories(home);
    out.println("Data directory: " + home.toAbsolutePath() + (reused
        ? " (reused from a previous run; delete it to start over)" : " (new)"));
    try (DemoDatabase db = database()) {
      out.println("Database: " + db.description());
      return run(db);
    }
  }

  private DemoDatabase database() {
    if (jdbcUrl == null) {
      return DemoDatabase.h2(home);
    }
    String password = "";
    if (passwordEnv != null) {
      password = env.apply(passwordEnv);
      if (password == null) {
        throw new FieldVaultException(passwordEnv + " is not set: it must hold the database password");
      }
    }
    return DemoDatabase.open(jdbcUrl, user, password, jdbcUrl + (user.isEmpty() ? "" : " as " + user));
  }

  private int run(DemoDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    step(1, "Schema: Liquibase applies the app's changelog, which includes FieldVault's key store,"
        + " rotation and secrets changelogs");
    db.migrate();
    out.println("   tables app_customer, app_support_ticket, " + VAULT_TABLES.keyset() + ", " + VAULT_TABLES.rotation()
        + ", " + SECRETS_PREFIX + "entry, ... are up to date");

    KeyStore keyStore = KeyStore.create(ds, KeyEncryptionKeys.fromMasterSecret(masterSecret()), VAULT_TABLES);
    Map<String, KeyPurpose> keysets = new LinkedHashMap<>();
    keysets.put(AEAD, KeyPurpose.AEAD);
    keysets.put(DAEAD, KeyPurpose.DETERMINISTIC_AEAD);
    keysets.put(PRF, KeyPurpose.PRF);
    for (Map.Entry<String, KeyPurpose> k : keysets.entrySet()) {
      if (keyStore.find(k.getKey()).isEmpty()) {
        keyStore.insert(VaultKeyset.generate(k.getKey(), k.getValue()));
        out.println("   generated keyset " + k.getKey() + " (stored encrypted in " + VAULT_TABLES.keyset() + ")");
      }
    }
    try (StoredKeyring keys = StoredKeyring.open(keyStore, AEAD, DAEAD, PRF);
        SessionFactory sf = sessionFactory(ds, keys)) {
      out.println("   keys: KEK " + keyStore.kek().id() + "; " + describeKeys(keys.keyring()));
      HibernateVault vault = HibernateVault.of(sf);
      saveEntities(db, sf);
      showRawRows(ds);
      lookups(sf, vault, false);
      SecretsVault secrets = SecretsVault.builder(ds, keys.cipher()).tablePrefix(SECRETS_PREFIX).build();
      storeAndReadSecret(ds, secrets);
      rotate(ds, keyStore, keys, vault, secrets);
      lookups(sf, vault, true);
      tamper(ds, sf);
    }
    out.println();
    out.println("Done. Run it again: the data directory and the keys are reused, the keys rotate once more.");
    return 0;
  }

  private SessionFactory sessionFactory(DataSource ds, StoredKeyring keys) {
    Configuration cfg = new Configuration().addAnnotatedClass(Customer.class).addAnnotatedClass(SupportTicket.class);
    cfg.getProperties().put(AvailableSettings.DATASOURCE, ds);
    cfg.getProperties().put(FieldVaultSettings.KEYRING, keys.cipher());
    cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");        // Liquibase owns the schema
    cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "100");
    cfg.setProperty(AvailableSettings.ORDER_INSERTS, "true");
    return cfg.buildSessionFactory();
  }

  // ---------------------------------------------------------------------------------------------
  // The steps

  private void saveEntities(DemoDatabase db, SessionFactory sf) throws SQLException {
    step(2, "Save " + customers + " customers and " + customers / 10 + " support tickets with Hibernate");
    db.execute("DELETE FROM app_support_ticket");
    db.execute("DELETE FROM app_customer");
    String[][] known = {
        {"Ada Lovelace", "ada@example.com", "1815-12-10"},
        {"Grace Hopper", "grace@example.com", "1906-12-09"},
        {"Alan Turing", "alan@example.com", "1912-06-23"}};
    tx(sf, s -> {
      for (int i = 1; i <= customers; i++) {
        String[] k = i <= known.length ? known[i - 1] : null;
        Customer c = new Customer(i, i % 3 == 0 ? "enterprise" : "team",
            k != null ? k[0] : "Customer " + i, k != null ? k[1] : "customer" + i + "@example.com",
            String.format(Locale.ROOT, "+44 20 7946 %04d", i),
            k != null ? LocalDate.parse(k[2]) : LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28));
        s.persist(c);
        if (i % 10 == 0) {
          s.persist(new SupportTicket(i / 10, i, "Cannot export invoices",
              "Hello, since this morning the invoice export for " + c.email() + " fails with an error."
              + " We need it for the month-end close. ".repeat(3)));
        }
        if (i % 200 == 0) {
          s.flush();
          s.clear();
        }
      }
    });
    out.println("   saved customers 1.." + customers + ": name, phone (randomized), email (deterministic),"
        + " birthday (row-bound), phone_bi (blind index)");
  }

  private void showRawRows(DataSource ds) throws SQLException {
    step(3, "The rows as stored: what a DBA, a backup or an SQL injection sees (ciphertext, base64 shown)");
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT id, plan, name, email, phone, phone_bi, birthday FROM app_customer WHERE id <= 3 ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.printf("   app_customer id=%d plan=%s%n", rs.getLong(1), rs.getString(2));
        for (int col = 3; col <= 7; col++) {
          byte[] v = rs.getBytes(col);
          String label = rs.getMetaData().getColumnLabel(col).toLowerCase(Locale.ROOT);
          out.printf("      %-9s %s%n", label, col == 6 ? b64(v) + "  [blind index]" : describeCiphertext(v));
        }
      }
    }
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT id, body FROM app_support_ticket WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        String body = rs.getString(2);
        out.printf("   app_support_ticket id=1 body %s [%s, text column]%n", abbreviate(body), headerOf(body));
      }
    }
  }

  private void lookups(SessionFactory sf, HibernateVault vault, boolean afterRotation) {
    String email = "grace@example.com";
    String phone = "+44 20 7946 0002";
    if (afterRotation) {
      out.println("   lookups after the rotation:");
    } else {
      step(4, "Look customers up by encrypted fields (JPQL unchanged; the blind index for the phone)");
    }
    tx(sf, s -> {
      List<Customer> byEmail = s.createSelectionQuery("from Customer c where c.email = :email", Customer.class)
          .setParameter("email", email).getResultList();
      out.println("   where c.email = '" + email + "'  -> " + describe(byEmail));
      List<Customer> byPhone = s.createSelectionQuery("from Customer c where c.phoneIndex in (:indexes)", Customer.class)
          .setParameterList("indexes", vault.blindIndexes(Customer.class, "phone", phone)).getResultList();
      out.println("   phone '" + phone + "' by blind index  -> " + describe(byPhone));
    });
  }

  private void storeAndReadSecret(DataSource ds, SecretsVault vault) throws SQLException {
    step(5, "A user's OAuth token in the secrets vault (namespace oauth-tokens)");
    SecretStore tokens;
    try {
      tokens = vault.store("oauth-tokens");
    } catch (SecretStoreNotFoundException e) {
      tokens = vault.createStore("oauth-tokens", null, StoreOptions.DEFAULT);
      out.println("   created the store oauth-tokens");
    }
    tokens = tokens.as("sample-app");
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("access_token", "gho_DEMO0nlyAcc3ssT0ken");
    token.put("refresh_token", "ghr_DEMO0nlyRefr3shT0ken");
    WriteResult w = tokens.put("customer-2/github", SecretValue.ofJson(token), PutOptions.builder()
        .metadata(Map.of("provider", "github", "scopes", "repo read:user")).ttl(Duration.ofDays(30)).build());
    out.println("   put customer-2/github -> " + w.status() + ", version " + w.version());
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT value_ct, dek_ct FROM " + SECRETS_PREFIX + "entry WHERE name_key = ?")) {
      ps.setString(1, "customer-2/github");
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          out.println("   stored as a " + rs.getBytes(1).length + "-byte value under its own data key (AES-256-GCM),"
              + " the data key wrapped as " + describeCiphertext(rs.getBytes(2)));
        }
      }
    }
    SecretResult r = tokens.get("customer-2/github");
    out.println("   get customer-2/github -> " + r.status() + ", version " + r.version() + ", metadata "
        + new java.util.TreeMap<>(r.metadata()) + ", expires " + r.expiresAt());
    out.println("   access_token read back = " + r.value().asJson().get("access_token"));
  }

  private void rotate(DataSource ds, KeyStore keyStore, StoredKeyring keys, HibernateVault vault, SecretsVault secrets) {
    step(6, "Key rotation: promote new keys, rewrap every stored value in place, while the app runs");
    List<EncryptedTable> tables = HibernateRotation.tables(vault);
    out.println("   tables from the Hibernate mapping: " + tables.stream().map(EncryptedTable::table).toList());
    // every column the keys protect: the entities' and the secrets vault's (checked before disabling a key)
    List<EncryptedTable> everything = new ArrayList<>(tables);
    everything.addAll(secrets.encryptedTables());
    out.println("   inventory before (values per key version per column):");
    printInventory(KeyInventory.scan(ds, everything), keys.keyring());

    int oldAead = keys.keyring().aead().orElseThrow().primary().ordinal();
    for (String name : List.of(AEAD, DAEAD, PRF)) {
      keyStore.update(name, VaultKeyset::rotate);
    }
    keys.reload();
    vault.reload(keys.keyring());
    out.println("   promoted new keys: " + describeKeys(keys.keyring()));
    try {
      keyStore.disableKey(AEAD, oldAead, KeyInventory.scan(ds, everything));
      out.println("   UNEXPECTED: the old key was disabled while values still use it");
    } catch (KeyInUseException e) {
      out.println("   disabling " + AEAD + "#" + oldAead + " now is refused: " + e.getMessage());
    }

    // an application's own listener: counts and names only, never values (the CLI draws a terminal bar)
    java.util.Set<String> finishedTables = java.util.concurrent.ConcurrentHashMap.newKeySet();
    RotationListener bar = p -> {
      if (p.tableRows() > 0 && p.tableRowsDone() >= p.tableRows() && finishedTables.add(p.table())) {
        out.printf(java.util.Locale.ROOT, "   %-24s %d/%d rows, %d rewrapped, %d conflicts%n", p.table(),
            p.tableRowsDone(), p.tableRows(), p.rowsRewrapped(), p.rowsConflicted());
      }
    };
    int batch = Math.max(20, customers / 25);
    // one rotation over the entities' columns and the secrets vault's values (audited in the vault)
    RotationResult result = secrets.rewrap(Rewrapper.builder(ds, keys.cipher()).tables(tables)
        .vaultTables(VAULT_TABLES).batchSize(batch).listener(bar));
    List<String> secretTables = secrets.encryptedTables().stream().map(EncryptedTable::table).toList();
    long[] app = new long[2];
    long[] vaultValues = new long[2];
    for (RotationProgress p : result.tables()) {
      long[] into = secretTables.contains(p.table()) ? vaultValues : app;
      into[0] += p.rowsRewrapped();
      into[1] += p.rowsScanned();
    }
    out.println("   rewrapped " + app[0] + " of " + app[1] + " rows (rotation " + result.rotationId() + ", complete: "
        + result.complete() + "); secrets vault: " + vaultValues[0] + " of " + vaultValues[1] + " values rewrapped");
    out.println("   inventory after:");
    printInventory(result.inventory(), keys.keyring());
    out.println("   values not on a primary key: " + result.valuesOffPrimary());
  }

  private void tamper(DataSource ds, SessionFactory sf) throws SQLException {
    step(7, "Tampering: flip one bit of customer 1's name, copy customer 2's birthday to customer 3");
    try (Connection c = ds.getConnection()) {
      byte[] name = select(c, "SELECT name FROM app_customer WHERE id = 1");
      name[name.length - 1] ^= 1;
      update(c, "UPDATE app_customer SET name = ? WHERE id = 1", name);
      update(c, "UPDATE app_customer SET birthday = ? WHERE id = 3",
          select(c, "SELECT birthday FROM app_customer WHERE id = 2"));
    }
    for (long id : new long[] {1, 3}) {
      try {
        tx(sf, s -> s.find(Customer.class, id).name());
        out.println("   UNEXPECTED: customer " + id + " loaded after tampering");
      } catch (RuntimeException e) {
        // the integration's error names the entity and attribute; its cause is FieldVault's typed error
        RuntimeException failure = cause(e, AttributeDecryptionException.class);
        if (failure == null) {
          failure = cause(e, FieldVaultException.class);
        }
        if (failure == null) {
          throw e;
        }
        out.println("   load customer " + id + " -> " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
      }
    }
    out.println("   (nothing was decrypted wrongly and no plaintext leaked: the read fails, naming the attribute)");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void printInventory(KeyInventory inventory, Keyring keyring) {
    inventory.describe(keyring).lines().skip(1).forEach(l -> out.println("   " + l));
  }

  private static String describeKeys(Keyring k) {
    StringBuilder sb = new StringBuilder();
    for (VaultKeyset ks : List.of(k.aead().orElseThrow(), k.deterministic().orElseThrow(), k.prf().orElseThrow())) {
      sb.append(sb.length() == 0 ? "" : ", ").append(ks.name()).append(" (").append(ks.keys().size())
          .append(ks.keys().size() == 1 ? " key" : " keys").append(", primary #").append(ks.primary().ordinal()).append(')');
    }
    return sb.toString();
  }

  private static String describe(List<Customer> found) {
    return found.isEmpty() ? "no customer" : found.stream().map(c -> "customer " + c.id() + " " + c.name()).toList().toString();
  }

  private static String describeCiphertext(byte[] v) {
    if (v == null) {
      return "null";
    }
    CiphertextHeader h = CiphertextHeader.parse(v);
    return String.format(Locale.ROOT, "%-34s [%s, key id %s, %d bytes]", abbreviate(Base64.getEncoder().encodeToString(v)),
        h.mode(), Integer.toUnsignedString(h.keyId()), v.length);
  }

  private static String headerOf(String text) {
    CiphertextHeader h = CiphertextHeader.parseText(text);
    return h.mode() + ", key id " + Integer.toUnsignedString(h.keyId()) + (h.compressed() ? ", compressed" : "");
  }

  private static String b64(byte[] v) {
    return v == null ? "null" : Base64.getEncoder().encodeToString(v);
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 32 ? s : s.substring(0, 30) + "..";
  }

  private static byte[] select(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  private static void update(Connection c, String sql, byte[] value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setBytes(1, value);
      ps.executeUpdate();
    }
  }

  private void step(int n, String title) {
    out.println();
    out.println(n + ". " + title);
  }

  private static void tx(SessionFactory sf, Consumer<Session> work) {
    sf.inTransaction(work);
  }

  static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private String masterSecret() throws IOException {
    String secret = env.apply(MASTER_SECRET_ENV);
    if (secret != null && !secret.isBlank()) {
      return secret;
    }
    Path file = home.resolve("DEMO-ONLY-master-secret.txt");
    if (!Files.exists(file)) {
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      Files.writeString(file, Base64.getEncoder().encodeToString(random), StandardCharsets.UTF_8);
    }
    out.println("   WARNING: " + MASTER_SECRET_ENV + " is not set; using the demo master secret in " + file
        + " (for this demo only: never keep a master secret beside the data it protects)");
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
