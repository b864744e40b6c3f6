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
        CHANGELOG, CHANGELOG + "LOCK");

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
    // the exact-name changesets apply on MariaDB only
    assertThat(firstOut).contains("key store and rotation work tables (" + VAULT_PREFIX + "*): "
        + (kind == Kind.MARIADB ? 4 : 3) + " changesets applied")
        .contains("secrets vault tables (" + SECRETS_PREFIX + "*): " + (kind == Kind.MARIADB ? 3 : 2)
            + " changesets applied");
    assertThat(second).isZero();
    assertThat(secondOut).contains("(" + VAULT_PREFIX + "*): up to date").contains("(" + SECRETS_PREFIX + "*): up to date");
    assertThat(putCode).as(putErr).isZero();
    assertThat(getCode).as(err).isZero();
    assertThat(out).contains("gho_schemaToken");
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
