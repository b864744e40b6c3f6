package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `secrets ...` on H2 and PostgreSQL: every subcommand, and secrets never printed unless revealed. */
class SecretsCommandTest extends CliTestSupport {

  static final String PREFIX = "app_cli_sec_";
  static final VaultTables VAULT = VaultTables.withPrefix("app_cli_sv_");
  static final String TOKEN_1 = "gho_firstTokenValue111";
  static final String TOKEN_2 = "gho_secondTokenValue222";

  @TempDir
  Path dir;

  void setUp(Kind kind) throws Exception {
    use(kind);
    migrateSecrets(db, PREFIX);
    db.dropTables(VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    Keyring keyring = Keyring.generate("sec");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
    env.put("TOKEN_1", TOKEN_1);
    env.put("TOKEN_2", TOKEN_2);
  }

  String[] secrets(String... args) {
    List<String> all = new ArrayList<>(List.of("secrets"));
    all.addAll(List.of(args));
    all.addAll(List.of("--secrets-prefix", PREFIX, "--vault-prefix", VAULT.prefix(), "--aead", "sec-aead",
        "--prf", "sec-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void everySubcommand_worksOnTheVault_andNeverPrintsAValueUnlessRevealed(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("put", "github", "-n", "tokens", "--create-namespace", "--value-env", "TOKEN_1",
        "--metadata", "provider=github", "--ttl", "30d"))).as(err).isZero();
    assertThat(out).contains("created namespace tokens", "wrote tokens/github version 1").doesNotContain(TOKEN_1);
    assertThat(runWithInput(TOKEN_2, secrets("put", "github", "-n", "tokens", "--metadata", "provider=github")))
        .as(err).isZero();
    assertThat(out).contains("version 2");
    assertStoredEncrypted();

    assertThat(run(secrets("get", "github", "-n", "tokens"))).isZero();
    assertThat(out).contains("version:  2", "type:     STRING", "provider=github", "(hidden, 23 bytes")
        .doesNotContain(TOKEN_1, TOKEN_2);
    assertThat(run(secrets("get", "github", "-n", "tokens", "--reveal"))).isZero();
    assertThat(out).endsWith(TOKEN_2 + System.lineSeparator());
    assertThat(run(secrets("get", "github", "-n", "tokens", "--at-version", "1", "--reveal"))).isZero();
    assertThat(out).contains(TOKEN_1);

    assertThat(run(secrets("list", "-n", "tokens"))).isZero();
    assertThat(out).containsPattern("github\\s+2\\s+ACTIVE").contains("provider=github").doesNotContain(TOKEN_2);
    assertThat(run(secrets("versions", "github", "-n", "tokens"))).isZero();
    assertThat(out).containsPattern("(?m)^2\\s+").containsPattern("(?m)^1\\s+").contains("fieldvault-cli");

    assertThat(run(secrets("rollback", "github", "-n", "tokens", "--to", "1"))).as(err).isZero();
    assertThat(out).contains("back to version 1: now version 3");
    assertThat(run(secrets("get", "github", "-n", "tokens", "--reveal"))).isZero();
    assertThat(out).contains("version:  3", TOKEN_1);

    Path export = dir.resolve("tokens.jsonl");
    assertThat(run(secrets("export", "-n", "tokens", "--out", export.toString()))).as(err).isZero();
    assertThat(out).contains("exported 1 secrets");
    assertThat(Files.readString(export, StandardCharsets.UTF_8)).doesNotContain(TOKEN_1, TOKEN_2);

    assertThat(run(secrets("remove", "github", "-n", "tokens"))).isZero();
    assertThat(out).contains("removed tokens/github");
    assertThat(run(secrets("get", "github", "-n", "tokens"))).isEqualTo(1);
    assertThat(err).contains("tokens/github: not found");

    assertThat(run(secrets("import", export.toString(), "--dry-run"))).as(err).isZero();
    assertThat(out).contains("[dry run] imported 1 secrets");
    assertThat(run(secrets("get", "github", "-n", "tokens"))).isEqualTo(1);
    assertThat(run(secrets("import", export.toString()))).as(err).isZero();
    assertThat(run(secrets("get", "github", "-n", "tokens", "--reveal"))).isZero();
    assertThat(out).contains("version:  3", TOKEN_1);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void errors_exitNonZero_withAClearMessage_andNoSecret(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("put", "github", "-n", "nowhere", "--value-env", "TOKEN_1"))).isEqualTo(1);
    assertThat(err).contains("no namespace 'nowhere'", "--create-namespace").doesNotContain(TOKEN_1);
    assertThat(run(secrets("get", "github", "-n", "nowhere"))).isEqualTo(1);
    assertThat(err).contains("no namespace 'nowhere'");

    assertThat(run(secrets("put", "a", "-n", "tokens", "--create-namespace"))).isEqualTo(1);
    assertThat(err).contains("no value: pipe it to standard input");
    assertThat(run(secrets("put", "a", "-n", "tokens", "--value-env", "UNSET_VAR"))).isEqualTo(1);
    assertThat(err).contains("UNSET_VAR is not set");
    assertThat(run(secrets("put", "a", "-n", "tokens", "--value-env", "TOKEN_1", "--ttl", "soon"))).isEqualTo(1);
    assertThat(err).contains("bad duration 'soon'");
    assertThat(run(secrets("put", "a", "-n", "tokens", "--value-env", "TOKEN_1", "--type", "JSON", "--create-namespace")))
        .isEqualTo(1);
    assertThat(err).startsWith("error: ").doesNotContain(TOKEN_1);

    assertThat(run(secrets("put", "a", "-n", "tokens", "--value-env", "TOKEN_1", "--create-namespace"))).isZero();
    assertThat(run(secrets("put", "a", "-n", "tokens", "--value-env", "TOKEN_2", "--expected-version", "0"))).isEqualTo(1);
    assertThat(err).contains("changed concurrently");
    assertThat(run(secrets("rollback", "a", "-n", "tokens", "--to", "9"))).isEqualTo(1);
    assertThat(err).contains("cannot roll tokens/a back to version 9: not found");
    assertThat(run(secrets("remove", "zzz", "-n", "tokens"))).isEqualTo(1);
    assertThat(err).contains("cannot remove tokens/zzz: not found");
    assertThat(run(secrets("versions", "zzz", "-n", "tokens"))).isEqualTo(1);
    assertThat(run(secrets("import", dir.resolve("none.jsonl").toString()))).isEqualTo(1);
    assertThat(err).contains("no export file");
    Path export = dir.resolve("x.jsonl");
    Files.writeString(export, "x");
    assertThat(run(secrets("export", "-n", "tokens", "--out", export.toString()))).isEqualTo(1);
    assertThat(err).contains("exists: choose another file");

    assertThat(run(secrets("get", "a"))).isEqualTo(2);
    assertThat(err).contains("Missing required option: '--namespace=NAMESPACE'");

    // a wrong KEK: a clear message, no secret
    env.put("FIELDVAULT_MASTER_SECRET", NEW_SECRET);
    assertThat(run(secrets("get", "a", "-n", "tokens", "--reveal"))).isEqualTo(1);
    assertThat(err).contains("was encrypted under KEK").doesNotContain(TOKEN_1, SECRET, NEW_SECRET);
  }

  private void assertStoredEncrypted() throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT value_ct FROM " + PREFIX + "entry")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("gho_");
    }
  }
}
