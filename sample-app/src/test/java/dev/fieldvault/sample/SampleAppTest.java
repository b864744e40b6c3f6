package dev.fieldvault.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the sample application's main entry point and checks what it prints and what it stores. */
class SampleAppTest {

  static final int CUSTOMERS = 120;
  static final String[] TABLES = {"app_support_ticket", "app_customer", "app_fv_rotation_range", "app_fv_rotation",
      "app_fv_keyset", "app_secret_version", "app_secret_entry", "app_secret_store", "app_secret_audit",
      "app_secret_audit_head", "app_secret_task_lease", "app_databasechangelog", "app_databasechangeloglock"};

  @TempDir
  Path home;

  @Test
  void defaultRunOnH2_tellsTheWholeStory_andStoresOnlyCiphertext() throws Exception {
    Run run = run(Map.of(), "--data-dir", home.toString(), "--customers", String.valueOf(CUSTOMERS));

    assertThat(run.code).as(run.err).isZero();
    assertTheStory(run.out);
    assertThat(run.out).contains("(new)", "Database: embedded H2", "WARNING: FIELDVAULT_MASTER_SECRET is not set",
        "generated keyset demo-aead", "demo-aead (2 keys, primary #2)");
    assertThat(Files.exists(home.resolve("DEMO-ONLY-master-secret.txt"))).isTrue();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + home.toAbsolutePath().resolve("sample-db"), "sa", "")) {
      assertStored(c);
    }
  }

  @Test
  void secondRunOnH2_reusesTheDataDirectoryAndKeys_andRotatesAgain() throws Exception {
    String[] args = {"--data-dir", home.toString(), "--customers", String.valueOf(CUSTOMERS)};
    assertThat(run(Map.of(), args).code).isZero();

    Run second = run(Map.of(), args);

    assertThat(second.code).as(second.err).isZero();
    assertThat(second.out).contains("reused from a previous run").doesNotContain("generated keyset");
    assertThat(second.out).contains("demo-aead (2 keys, primary #2)", "demo-aead (3 keys, primary #3)");
    assertTheStory(second.out);
    assertThat(second.out).contains("put customer-2/github -> OK, version 2");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#servers")
  void runOnAServer_withAJdbcUrl_tellsTheStory_andStoresOnlyCiphertext(Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLES);
    Map<String, String> env = new HashMap<>();
    env.put("SAMPLE_DB_PASSWORD", db.password());
    env.put("FIELDVAULT_MASTER_SECRET", "a-master-secret-for-the-sample-app-test-of-length-48");

    Run run = run(env, "--data-dir", home.toString(), "--customers", String.valueOf(CUSTOMERS),
        "--jdbc-url", db.url(), "--user", db.user(), "--password-env", "SAMPLE_DB_PASSWORD");

    assertThat(run.code).as(run.err).isZero();
    assertTheStory(run.out);
    assertThat(run.out).contains("Database: " + db.url()).doesNotContain("WARNING");
    try (Connection c = db.connect()) {
      assertStored(c);
    }
  }

  @Test
  void aWrongMasterSecret_failsWithAClearMessage_andExitCode1() throws Exception {
    String[] args = {"--data-dir", home.toString(), "--customers", "20"};
    assertThat(run(Map.of(), args).code).isZero();

    Run wrong = run(Map.of("FIELDVAULT_MASTER_SECRET", "another-master-secret-that-is-long-enough-000"), args);

    assertThat(wrong.code).isEqualTo(1);
    assertThat(wrong.err).startsWith("error: ").contains("was encrypted under KEK", "configure the master secret");
  }

  @Test
  void aBadOption_exitsWith2_andUsage() throws Exception {
    Run run = run(Map.of(), "--customers", "lots");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--customers", "Usage: sample-app");
  }

  private static void assertTheStory(String out) {
    assertThat(out).contains("1. Schema", "2. Save " + CUSTOMERS + " customers", "3. The rows as stored",
        "4. Look customers up", "5. A user's OAuth token", "6. Key rotation", "7. Tampering", "Done.");
    // the raw rows are ciphertext with readable headers, never the plaintext
    String raw = section(out, "3. ", "4. ");
    assertThat(raw).contains("app_customer id=1 plan=team", "DETERMINISTIC, key id", "RANDOMIZED, key id",
        "[blind index]", "app_support_ticket id=1 body");
    assertThat(raw).doesNotContain("Ada", "ada@example.com", "1815", "7946");
    // lookups by encrypted email and by blind index, before and after the rotation
    assertThat(out.split("where c.email = 'grace@example.com'  -> \\[customer 2 Grace Hopper]", -1)).hasSize(3);
    assertThat(out.split("by blind index  -> \\[customer 2 Grace Hopper]", -1)).hasSize(3);
    // the secret round trip
    assertThat(out).contains("access_token read back = gho_DEMO0nlyAcc3ssT0ken", "metadata {provider=github");
    // rotation: inventory, refusal, live bar, all values moved
    String rotation = section(out, "6. ", "7. ");
    assertThat(rotation).contains("inventory before", "app_customer.email: demo-daead#", "[blind index]",
        "is refused:", "inventory after", "values not on a primary key: 0");
    // the progress listener's last line per table: every row of the table scanned
    assertThat(rotation).containsPattern("   app_customer +" + CUSTOMERS + "/" + CUSTOMERS + " rows, " + CUSTOMERS + " rewrapped");
    assertThat(rotation).containsPattern("rewrapped " + (CUSTOMERS + CUSTOMERS / 10) + " of " + (CUSTOMERS + CUSTOMERS / 10) + " rows");
    // tampering fails closed, naming the attribute
    String tamper = section(out, "7. ", "Done.");
    assertThat(tamper).contains("load customer 1 -> AttributeDecryptionException", "Customer.name",
        "load customer 3 -> AttributeDecryptionException", "Customer.birthday");
    assertThat(out).doesNotContain("UNEXPECTED");
  }

  /** Every customer is stored; names are ciphertext under one AEAD key (the rotation's primary). */
  private static void assertStored(Connection c) throws SQLException {
    List<byte[]> names = new ArrayList<>();
    Set<Integer> emailKeys = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name, email FROM app_customer WHERE id > 3 ORDER BY id")) {
      while (rs.next()) {
        names.add(rs.getBytes(1));
        emailKeys.add(CiphertextHeader.parse(rs.getBytes(2)).keyId());
      }
    }
    assertThat(names).hasSize(CUSTOMERS - 3);
    assertThat(names).allSatisfy(n -> assertThat(new String(n, StandardCharsets.ISO_8859_1)).doesNotContain("Customer"));
    assertThat(names.stream().map(n -> CiphertextHeader.parse(n).keyId()).distinct()).hasSize(1);
    assertThat(emailKeys).hasSize(1);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM app_fv_keyset")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT value_ct FROM app_secret_entry")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("gho_");
    }
  }

  private static String section(String out, String from, String to) {
    int start = out.indexOf("\n" + from);
    int end = out.indexOf(to, start + 1);
    assertThat(start).as("section " + from).isPositive();
    return out.substring(start, end < 0 ? out.length() : end);
  }

  record Run(int code, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SampleApp.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get, args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
