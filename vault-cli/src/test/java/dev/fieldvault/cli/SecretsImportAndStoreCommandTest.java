package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.secrets.SecretKind;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.Secrets;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `secrets import --from`, `create-store`, sealed namespaces with the caller secret from the environment
 * or a file, `events`, and `export-all` / `import DIR`, on H2, PostgreSQL and MariaDB.
 */
class SecretsImportAndStoreCommandTest extends CliTestSupport {

  static final String PREFIX = "app_cli_imp_";
  static final VaultTables VAULT = VaultTables.withPrefix("app_cli_iv_");
  static final String CALLER_SECRET = "caller-secret-0123456789-abcdef";
  static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @TempDir
  Path dir;

  /** The keys the tool finds in the key store (for the library's side of a test). */
  Keyring keyring;

  void setUp(Kind kind) throws Exception {
    use(kind);
    migrateSecrets(db, PREFIX);
    db.dropTables(VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    keyring = Keyring.generate("imp");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
    env.put("CALLER_SECRET", CALLER_SECRET);
    env.put("VALUE", "put-value-secret-1");
  }

  String[] secrets(String... args) {
    List<String> all = new ArrayList<>(List.of("secrets"));
    all.addAll(List.of(args));
    all.addAll(List.of("--secrets-prefix", PREFIX, "--vault-prefix", VAULT.prefix(), "--aead", "imp-aead",
        "--prf", "imp-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void importFrom_eachFormat_dryRunThenImport_conflictPolicies_neverPrintingAValue(Kind kind) throws Exception {
    setUp(kind);
    Path env1 = file("app.env", "export DB_PASSWORD='dotenv-pw-1'\nAPI_KEY=dotenv-key-2 # comment\n");
    Path kv = file("kv.json", "{\"API_KEY\": {\"data\": {\"key\": \"kv-key-3\"}, \"metadata\": {\"version\": 4}},"
        + " \"kv/other\": {\"x\": \"kv-other-4\"}}");
    Path aws = file("aws.json", "{\"Name\": \"DB_PASSWORD\", \"SecretString\": \"aws-pw-5\", \"VersionId\": \"v1\"}");

    assertThat(run(secrets("import", "--from", "dotenv", env1.toString(), "--store", "app", "--dry-run")))
        .as(err).isEqualTo(1);
    assertThat(err).contains("no namespace 'app'", "create-store");
    assertThat(run(secrets("import", "--from", "dotenv", env1.toString(), "-n", "app", "--create-namespace",
        "--dry-run"))).as(err).isZero();
    assertThat(out).contains("would create namespace app", "[dry run] 2 created").containsPattern("CREATED\\s+DB_PASSWORD");
    assertThat(run(secrets("list", "-n", "app"))).isEqualTo(1);

    assertThat(run(secrets("import", "--from", "dotenv", env1.toString(), "-n", "app", "--create-namespace")))
        .as(err).isZero();
    assertThat(out).contains("created namespace app", "2 created, 0 updated, 0 skipped (dotenv, skip into app)")
        .containsPattern("CREATED\\s+API_KEY \\(version 1\\)").doesNotContain("dotenv-pw-1", "dotenv-key-2");
    assertThat(run(secrets("get", "API_KEY", "-n", "app", "--reveal"))).isZero();
    assertThat(out).contains("source=dotenv").endsWith("dotenv-key-2" + System.lineSeparator());

    assertThat(run(secrets("import", "--from", "vault-kv", kv.toString(), "-n", "app", "--dry-run",
        "--on-conflict", "overwrite"))).as(err).isZero();
    assertThat(out).containsPattern("UPDATED\\s+API_KEY").containsPattern("CREATED\\s+kv/other")
        .contains("[dry run] 1 created, 1 updated").doesNotContain("kv-key-3");
    assertThat(run(secrets("import", "--from", "vault-kv", kv.toString(), "-n", "app"))).as(err).isZero();
    assertThat(out).containsPattern("SKIPPED\\s+API_KEY: exists \\(version 1\\)").contains("1 created, 0 updated, 1 skipped");
    assertThat(run(secrets("import", "--from", "aws", aws.toString(), "-n", "app", "--on-conflict", "fail")))
        .isEqualTo(1);
    assertThat(err).contains("DB_PASSWORD", "nothing was written").doesNotContain("aws-pw-5");
    assertThat(run(secrets("import", "--from", "aws", aws.toString(), "-n", "app", "--on-conflict", "overwrite")))
        .as(err).isZero();
    assertThat(out).containsPattern("UPDATED\\s+DB_PASSWORD \\(version 2\\)").doesNotContain("aws-pw-5");
    assertThat(run(secrets("get", "DB_PASSWORD", "-n", "app", "--reveal"))).isZero();
    assertThat(out).contains("aws.versionId=v1").endsWith("aws-pw-5" + System.lineSeparator());
    assertThat(run(secrets("get", "kv/other", "-n", "app", "--reveal"))).isZero();
    assertThat(out).contains("type:     JSON", "kv-other-4");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void importErrors_nameTheLineOrOption_neverTheValue(Kind kind) throws Exception {
    setUp(kind);
    Path bad = file("bad.env", "OK=fine\nPASSWORD=\"unterminated-s3cr3t\n");
    assertThat(run(secrets("create-store", "-n", "app"))).as(err).isZero();

    assertThat(run(secrets("import", "--from", "dotenv", bad.toString(), "-n", "app"))).isEqualTo(1);
    assertThat(err).startsWith("error: line 2: ").contains("PASSWORD", "never closed").doesNotContain("s3cr3t");
    assertThat(run(secrets("import", "--from", "yaml", bad.toString(), "-n", "app"))).isEqualTo(1);
    assertThat(err).contains("Unknown import format 'yaml': use vault-kv, aws or dotenv");
    assertThat(run(secrets("import", "--from", "dotenv", bad.toString(), "-n", "app", "--on-conflict", "merge")))
        .isEqualTo(1);
    assertThat(err).contains("bad --on-conflict 'merge'");
    assertThat(run(secrets("import", "--from", "dotenv", bad.toString()))).isEqualTo(1);
    assertThat(err).contains("-n NAMESPACE");
    assertThat(run(secrets("import", "--from", "dotenv", dir.resolve("none.env").toString(), "-n", "app")))
        .isEqualTo(1);
    assertThat(err).contains("no file");
    assertThat(run(secrets("import", bad.toString(), "-n", "app"))).isEqualTo(1);
    assertThat(err).contains("go with --from");
    assertThat(run(secrets("list", "-n", "app"))).isZero();
    assertThat(out).doesNotContain("OK");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedNamespaces_takeTheCallerSecretFromTheEnvironmentOrAFile_neverFromTheCommandLine(Kind kind)
      throws Exception {
    setUp(kind);
    Path secretFile = file("caller.secret", CALLER_SECRET + "\n");
    assertThat(run(secrets("create-store", "-n", "vault", "--tenant", "acme", "--sealed", "--max-versions", "3")))
        .as(err).isZero();
    assertThat(out).contains("created namespace vault of tenant acme (sealed, 3 versions kept)");

    assertThat(run(secrets("put", "2fa", "-n", "vault", "--tenant", "acme", "--value-env", "VALUE", "--secret-env",
        "CALLER_SECRET"))).as(err).isZero();
    assertThat(run(secrets("get", "2fa", "-n", "vault", "--tenant", "acme", "--reveal", "--secret-file",
        secretFile.toString()))).as(err).isZero();
    assertThat(out).endsWith("put-value-secret-1" + System.lineSeparator());
    Path importFile = file("sealed.env", "RECOVERY=\"sealed-import-7\"\n");
    assertThat(run(secrets("import", "--from", "dotenv", importFile.toString(), "-n", "vault", "--tenant", "acme",
        "--secret-env", "CALLER_SECRET"))).as(err).isZero();
    assertThat(run(secrets("get", "RECOVERY", "-n", "vault", "--tenant", "acme", "--reveal", "--secret-env",
        "CALLER_SECRET"))).as(err).isZero();
    assertThat(out).endsWith("sealed-import-7" + System.lineSeparator());

    env.put("WRONG", "another-secret-of-enough-length");
    assertThat(run(secrets("get", "2fa", "-n", "vault", "--tenant", "acme", "--secret-env", "WRONG"))).isEqualTo(1);
    assertThat(err).contains("not found");
    assertThat(run(secrets("get", "2fa", "-n", "vault", "--tenant", "acme"))).isEqualTo(1);
    assertThat(err).contains("is sealed: give its caller secret with --secret-env VAR or --secret-file FILE");
    assertThat(run(secrets("get", "2fa", "-n", "vault", "--tenant", "acme", "--secret", CALLER_SECRET))).isEqualTo(2);
    assertThat(err).contains("never goes on the command line", "--secret-env VAR").doesNotContain(CALLER_SECRET);
    assertThat(run(secrets("put", "x", "-n", "vault", "--tenant", "acme", "--value-env", "VALUE",
        "--caller-secret=" + CALLER_SECRET))).isEqualTo(2);
    assertThat(err).contains("never goes on the command line").doesNotContain(CALLER_SECRET);
    assertThat(run(secrets("import", "--from", "dotenv", importFile.toString(), "-n", "vault", "--tenant", "acme",
        "--secret", CALLER_SECRET))).isEqualTo(2);
    assertThat(err).contains("never goes on the command line").doesNotContain(CALLER_SECRET);
    assertThat(run(secrets("versions", "x", "-n", "vault", "--tenant", "acme", "--secret-env", "CALLER_SECRET")))
        .isEqualTo(1);   // the refused put wrote nothing
    assertThat(err).contains("not found");

    assertThat(run(secrets("create-store", "-n", "plain", "--max-versions", "2"))).as(err).isZero();
    assertThat(run(secrets("put", "a", "-n", "plain", "--value-env", "VALUE", "--secret-env", "CALLER_SECRET")))
        .isEqualTo(1);
    assertThat(err).contains("is not sealed: it takes no caller secret");
    for (int i = 0; i < 3; i++) {
      assertThat(run(secrets("put", "a", "-n", "plain", "--value-env", "VALUE"))).as(err).isZero();
    }
    assertThat(run(secrets("versions", "a", "-n", "plain"))).isZero();
    assertThat(out).containsPattern("(?m)^3\\s+").containsPattern("(?m)^2\\s+").doesNotContainPattern("(?m)^1\\s+");
    assertThat(run(secrets("create-store", "-n", "plain"))).isEqualTo(1);
    assertThat(err).contains("already exists");
    assertThat(run(secrets("create-store", "-n", "bad", "--max-versions", "0"))).isEqualTo(1);
    assertThat(err).contains("maxVersions must be 1 to 10000, not 0");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void events_filterByNamespaceNameActionPrincipalAndPeriod(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("create-store", "-n", "ev"))).as(err).isZero();
    assertThat(run(secrets("put", "alpha", "-n", "ev", "--value-env", "VALUE", "--as", "alice"))).as(err).isZero();
    assertThat(run(secrets("put", "beta", "-n", "ev", "--value-env", "VALUE", "--as", "bob"))).as(err).isZero();
    assertThat(run(secrets("get", "alpha", "-n", "ev", "--as", "bob"))).as(err).isZero();
    assertThat(run(secrets("remove", "beta", "-n", "ev", "--as", "alice"))).as(err).isZero();

    assertThat(run(secrets("events", "-n", "ev"))).as(err).isZero();
    assertThat(lines()).hasSize(5).anySatisfy(l -> assertThat(l).contains("STORE_CREATED"));
    assertThat(out).doesNotContain("put-value-secret-1");
    assertThat(run(secrets("events", "-n", "ev", "--name", "alpha"))).as(err).isZero();
    assertThat(lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains(" alpha "));
    assertThat(run(secrets("events", "-n", "ev", "--name", "alpha", "--limit", "1"))).as(err).isZero();
    assertThat(lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("CREATED"));
    assertThat(out).contains("more: --cursor ");
    assertThat(run(secrets("events", "-n", "ev", "--action", "deleted"))).as(err).isZero();
    assertThat(lines()).singleElement().satisfies(l -> assertThat(l).contains("alice", "beta", "DELETED", "OK"));
    assertThat(run(secrets("events", "-n", "ev", "--principal", "bob"))).as(err).isZero();
    assertThat(lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("bob"));
    assertThat(run(secrets("events", "-n", "ev", "--since", "1h", "--until", "2999-01-01T00:00:00Z"))).as(err).isZero();
    assertThat(lines()).hasSize(5);
    assertThat(run(secrets("events", "-n", "ev", "--until", "1h"))).as(err).isZero();
    assertThat(lines()).isEmpty();
    assertThat(run(secrets("events", "-n", "ev", "--limit", "2"))).as(err).isZero();
    String cursor = out.substring(out.indexOf("more: --cursor ") + 15).trim();
    assertThat(run(secrets("events", "-n", "ev", "--limit", "10", "--cursor", cursor))).as(err).isZero();
    assertThat(lines()).hasSize(3);

    assertThat(run(secrets("events", "--action", "SOMETHING"))).isEqualTo(1);
    assertThat(err).contains("bad --action 'SOMETHING'");
    assertThat(run(secrets("events", "--since", "yesterday"))).isEqualTo(1);
    assertThat(err).contains("bad --since 'yesterday'");
    assertThat(run(secrets("events", "--tenant", "x"))).isEqualTo(1);
    assertThat(err).contains("--tenant goes with -n");
    assertThat(run(secrets("create-store", "-n", "sealed-ev", "--sealed"))).as(err).isZero();
    assertThat(run(secrets("events", "-n", "sealed-ev", "--name", "x"))).isEqualTo(1);
    assertThat(err).contains("keyed hashes");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void exportAll_thenImportTheDirectory_withADryRunFirst(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("create-store", "-n", "one"))).as(err).isZero();
    assertThat(run(secrets("put", "a", "-n", "one", "--value-env", "VALUE"))).as(err).isZero();
    assertThat(run(secrets("create-store", "-n", "two", "--sealed"))).as(err).isZero();
    assertThat(run(secrets("put", "b", "-n", "two", "--value-env", "VALUE", "--secret-env", "CALLER_SECRET")))
        .as(err).isZero();
    Path archive = dir.resolve("archive");

    assertThat(run(secrets("export-all", "--out", archive.toString()))).as(err).isZero();
    assertThat(out).contains("exported 2 namespaces, 2 secrets (2 kept versions)");
    migrateSecrets(db, PREFIX);   // empty tables: the vault is restored into them

    assertThat(run(secrets("import", archive.toString(), "--dry-run"))).as(err).isZero();
    assertThat(out).contains("[dry run] imported 2 stores, 2 secrets");
    assertThat(run(secrets("get", "a", "-n", "one"))).isEqualTo(1);
    assertThat(run(secrets("import", archive.toString()))).as(err).isZero();
    assertThat(out).contains("imported 2 stores, 2 secrets (2 kept versions)");
    assertThat(run(secrets("get", "a", "-n", "one", "--reveal"))).as(err).isZero();
    assertThat(out).endsWith("put-value-secret-1" + System.lineSeparator());
    assertThat(run(secrets("get", "b", "-n", "two", "--reveal", "--secret-env", "CALLER_SECRET"))).as(err).isZero();
    assertThat(out).endsWith("put-value-secret-1" + System.lineSeparator());
    assertThat(run(secrets("import", archive.toString()))).isEqualTo(1);
    assertThat(err).contains("These stores exist already");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void exportThenImport_keepsTheKindOfTypedEntries(Kind kind) throws Exception {
    setUp(kind);
    try (SecretsVault vault = SecretsVault.builder(db.dataSource(), FieldCipher.create(keyring)).tablePrefix(PREFIX)
        .build()) {
      SecretStore typed = vault.createStore("typed", null, StoreOptions.DEFAULT);
      typed.put("stripe", Secrets.apiKey("key-id", "sk_typed_cli"));
      typed.put("db", Secrets.databaseCredentials("app", "pw-typed-cli", null));
      Path file = dir.resolve("typed.jsonl");

      assertThat(run(secrets("export", "-n", "typed", "-o", file.toString()))).as(err).isZero();
      assertThat(run(secrets("remove", "stripe", "-n", "typed"))).as(err).isZero();
      assertThat(run(secrets("remove", "db", "-n", "typed"))).as(err).isZero();
      assertThat(run(secrets("import", file.toString(), "--dry-run"))).as(err).isZero();
      assertThat(out).contains("[dry run] imported 2 secrets (2 kept versions), 4 verified, 0 failed");
      assertThat(typed.has("stripe")).isFalse();
      assertThat(run(secrets("import", file.toString()))).as(err).isZero();
      assertThat(out).contains("imported 2 secrets (2 kept versions), 4 verified, 0 failed");

      assertThat(typed.info("stripe").orElseThrow().kind()).isEqualTo(SecretKind.API_KEY);
      assertThat(typed.info("db").orElseThrow().kind()).isEqualTo(SecretKind.DATABASE_CREDENTIALS);
      assertThat(typed.get("stripe").asApiKey().key()).isEqualTo("sk_typed_cli");
    }
  }

  /** The table rows of the last output (its header and a "more:" line left out). */
  private List<String> lines() {
    return out.lines().skip(1).filter(l -> !l.startsWith("more: ")).toList();
  }

}
