package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** No database password, master secret or value reaches the CLI's output, its errors or its data source's toString. */
class NoSecretInOutputTest extends CliTestSupport {

  static final String DB_PASSWORD = "Db-Pass-Known-4711";
  static final String URL_PASSWORD = "Url-Pass-Known-0815";
  static final String VALUE = "Value-Known-2342";

  @TempDir
  Path dir;

  static Stream<Kind> databases() {
    return TestDatabases.all();
  }

  @Test
  void jdbcUrls_loseTheirPasswords_inEveryFormDriversAccept() {
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/app?user=app&password=" + URL_PASSWORD + "&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=****&ssl=true");
    assertThat(Redaction.jdbcUrl("jdbc:mariadb://app:" + URL_PASSWORD + "@db:3306/app"))
        .isEqualTo("jdbc:mariadb://app:****@db:3306/app");
    assertThat(Redaction.jdbcUrl("jdbc:h2:file:./db;USER=sa;PASSWORD=" + URL_PASSWORD + ";MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:file:./db;USER=sa;PASSWORD=****;MODE=PostgreSQL");
    assertThat(Redaction.jdbcUrl("jdbc:sqlserver://db:1433;databaseName=app;user=app;password=" + URL_PASSWORD))
        .isEqualTo("jdbc:sqlserver://db:1433;databaseName=app;user=app;password=****");
    assertThat(Redaction.jdbcUrl("jdbc:oracle:thin:scott/" + URL_PASSWORD + "@//db:1521/app"))
        .isEqualTo("jdbc:oracle:thin:scott/****@//db:1521/app");
    assertThat(Redaction.jdbcUrl("jdbc:mysql://db/app?sslMode=REQUIRED&PWD=" + URL_PASSWORD))
        .doesNotContain(URL_PASSWORD);
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/app?user=app&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=app&ssl=true");
  }

  @Test
  void messages_loseEverySecretTheRunRead_shortOnesWhereTheyStandAlone() {
    assertThat(Redaction.scrub("connect jdbc:mariadb://app:" + URL_PASSWORD + "@db/app failed for " + DB_PASSWORD
        + "; value 'x7' at index 3", List.of(DB_PASSWORD, "x7", "3")))
        .isEqualTo("connect jdbc:mariadb://app:****@db/app failed for ****; value '****' at index ****");
    assertThat(Redaction.scrub("the index of x", List.of("x"))).isEqualTo("the index of ****");
  }

  @Test
  void badUsage_echoesNoPasswordOfTheUrl() {
    assertThat(run("inventory", "--jdbc-url", "jdbc:postgresql://db/app?password=" + URL_PASSWORD, "--batch-size",
        "9")).isEqualTo(2);
    assertThat(err).contains("Unknown option");
    assertNoSecret();
    assertThat(run("rotate", "--jdbc-url", "jdbc:postgresql://db/app?password=" + URL_PASSWORD,
        "--throttle", "jdbc:x://u:" + URL_PASSWORD + "@h")).isEqualTo(2);
    assertThat(err).contains("Invalid value for option '--throttle': (an argument, not shown) is not a double")
        .doesNotContain("jdbc:x://");
    assertNoSecret();
  }

  @Test
  void theDataSourceRecord_printsItsUrlRedacted_andNeverThePassword() {
    String text = new DbOptions.DriverDataSource("jdbc:postgresql://db/app?password=" + URL_PASSWORD, "app",
        DB_PASSWORD).toString();
    assertThat(text).contains("jdbc:postgresql://db/app?password=****", "app")
        .doesNotContain(URL_PASSWORD, DB_PASSWORD);
  }

  @Test
  void connectionFailures_nameTheDatabase_withoutItsPassword() {
    env.put("DB_PASSWORD", DB_PASSWORD);
    // the driver refuses the URL and quotes it whole in its message
    assertThat(run("inventory", "--jdbc-url", "jdbc:nosuchdb://app:" + URL_PASSWORD + "@db/app", "--password-env",
        "DB_PASSWORD", "--secrets-prefix", "fv_secret_")).isEqualTo(1);
    assertThat(err).contains("cannot connect to jdbc:nosuchdb://app:****@db/app");
    assertNoSecret();
    // the server cannot be reached
    assertThat(run("inventory", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/app?user=app&password=" + URL_PASSWORD,
        "--password-env", "DB_PASSWORD", "--secrets-prefix", "fv_secret_")).isEqualTo(1);
    assertThat(err).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/app?user=app&password=****");
    assertNoSecret();
  }

  /** URLs of the three databases whose password a driver may repeat in its error, cut where it misread the URL. */
  static Stream<String> urlsWithPasswords() {
    String pw = URL_PASSWORD;
    return Stream.of(
        // MariaDB reads user:password@ as host:port and complains "Incorrect port value : <password>@127.0.0.1"
        "jdbc:mariadb://root:" + pw + "@127.0.0.1:3306/fv_review",
        "jdbc:mariadb://root:" + pw + "@127.0.0.1/fv_review",
        // a password holding @ or : is cut by the driver into pieces that each reach the message
        "jdbc:mariadb://root:" + pw + "@x" + pw + "@127.0.0.1:3306/fv_review",
        "jdbc:mariadb://root:" + pw + ":" + pw + "@127.0.0.1:3306/fv_review",
        "jdbc:mariadb://root:" + pw.replace("-", "%2D") + "@127.0.0.1:1/fv_review",
        "jdbc:mariadb://127.0.0.1:1/fv_review?user=root&password=" + pw,
        "jdbc:postgresql://postgres:" + pw + "@127.0.0.1:5432/fv_review",
        "jdbc:postgresql://127.0.0.1:1/fv_review?user=postgres&password=" + pw,
        "jdbc:postgresql://postgres:" + pw + "@127.0.0.1:1/fv_review",
        "jdbc:h2:tcp://sa:" + pw + "@127.0.0.1:1/mem:x",
        "jdbc:h2:tcp://127.0.0.1:1/mem:x;USER=sa;PASSWORD=" + pw,
        "jdbc:h2:mem:x;PASSWORD=" + pw + ";NOSUCHSETTING=1");
  }

  @ParameterizedTest
  @MethodSource("urlsWithPasswords")
  void connectionFailures_neverPrintThePasswordOrAPieceOfIt_whateverTheDriverSays(String url) {
    assertThat(run("keys", "list", "--jdbc-url", url, "--user", "")).isEqualTo(1);
    assertThat(err).contains("cannot connect to");
    assertThat(out + err).doesNotContain(URL_PASSWORD, URL_PASSWORD.substring(0, 8), "Known-0815");
  }

  @Test
  void urlSecrets_coverTheUserInfoPasswordItsPiecesAndPasswordParameters() {
    assertThat(Redaction.urlSecrets("jdbc:mariadb://root:a@b:c%40d@db:3306/app"))
        .contains("root:a@b:c%40d", "a@b:c%40d", "a", "b", "c%40d", "c@d").doesNotContain("root");
    assertThat(Redaction.urlSecrets("jdbc:postgresql://db/app?user=app&password=" + URL_PASSWORD + "&ssl=true"))
        .containsExactly(URL_PASSWORD);
    assertThat(Redaction.urlSecrets("jdbc:h2:mem:x;USER=sa;PASSWORD=" + URL_PASSWORD)).containsExactly(URL_PASSWORD);
    assertThat(Redaction.urlSecrets("jdbc:postgresql://db/app?user=app")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void commandsThatWorkOrFail_neverPrintThePasswordTheMasterSecretOrTheValue(Kind kind) throws Exception {
    use(kind);
    VaultTables vault = VaultTables.withPrefix(VAULT_PREFIX);
    db.dropTables(vault.rotationRange(), vault.rotation(), vault.keyset());
    vault.install(db.dataSource());
    Keyring keyring = Keyring.generate("cli");
    KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), vault)
        .insert(keyring.aead().orElseThrow());
    env.put("VALUE", VALUE);
    List<String> keys = List.of("--vault-prefix", VAULT_PREFIX, "--aead", "cli-aead");
    String[] column = {"--table", "customer", "--column", "note"};

    // works: the value goes in through stdin and the environment, the ciphertext comes out
    assertThat(runWithInput(VALUE, args(keys, "encrypt", column))).as(err).isZero();
    String ciphertext = out.strip();
    assertNoSecret();
    assertThat(run(args(keys, "encrypt", column, "--value-env", "VALUE"))).as(err).isZero();
    assertNoSecret();
    // fails: another column's context, a value that is not of the type, a seed file the parser stops in
    assertThat(runWithInput(ciphertext, args(keys, "decrypt", "--table", "customer", "--column", "email"))).isEqualTo(1);
    assertNoSecret();
    assertThat(runWithInput(VALUE, args(keys, "encrypt", column, "--type", "int"))).isEqualTo(1);
    assertThat(err).contains("is not of type Integer");
    assertNoSecret();
    Path seed = dir.resolve("data.sql");
    Files.writeString(seed, "INSERT INTO customer (id, note) VALUES (1, '" + VALUE + "' '" + VALUE + "');");
    Path tables = dir.resolve("tables.json");
    Files.writeString(tables, "{\"tables\": [{\"table\": \"customer\", \"primaryKey\": \"id\","
        + " \"columns\": [{\"column\": \"note\"}]}]}");
    assertThat(run(args(keys, "seed", seed.toString(), "--tables", tables.toString()))).isEqualTo(1);
    assertThat(err).contains("cannot parse");
    assertNoSecret();
    // fails: the database password is wrong (server databases that check it) or ignored (trust)
    env.put("DB_PASSWORD", DB_PASSWORD);
    run(args(keys, "encrypt", column, "--value-env", "VALUE"));
    assertNoSecret();
    // fails: a wrong master secret
    env.put("FIELDVAULT_MASTER_SECRET", NEW_SECRET);
    assertThat(runWithInput(VALUE, args(keys, "encrypt", column))).isEqualTo(1);
    assertThat(out + err).doesNotContain(NEW_SECRET);
    assertNoSecret();
  }

  String[] args(List<String> keys, String command, String[] column, String... more) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(column));
    all.addAll(List.of(more));
    all.addAll(keys);
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  String[] args(List<String> keys, String command, String... more) {
    return args(keys, command, more, new String[0]);
  }

  void assertNoSecret() {
    assertThat(out + err).doesNotContain(DB_PASSWORD, URL_PASSWORD, VALUE, SECRET);
  }
}
