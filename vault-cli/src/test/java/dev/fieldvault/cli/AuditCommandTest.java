package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `audit anchor` and `audit verify [--anchor]` on H2, PostgreSQL and MariaDB. */
class AuditCommandTest extends CliTestSupport {

  static final String VAULT_PREFIX = "app_cli_aud_";
  static final String SECRETS_PREFIX = "app_cli_auds_";

  String[] cmd(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--secrets-prefix", SECRETS_PREFIX, "--vault-prefix", VAULT_PREFIX, "--aead", "aud-aead"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anchorThenVerify_isIntact_andAnEditedEventFailsWithItsPosition(Kind kind) throws Exception {
    use(kind);
    VaultTables vault = VaultTables.withPrefix(VAULT_PREFIX);
    db.dropTables(vault.rotationRange(), vault.rotation(), vault.keyset(), SECRETS_PREFIX + "version",
        SECRETS_PREFIX + "entry", SECRETS_PREFIX + "store", SECRETS_PREFIX + "audit", SECRETS_PREFIX + "audit_head",
        SECRETS_PREFIX + "task_lease", "app_cli_aud_dbcl", "app_cli_aud_dbclLOCK");
    List<String> install = new ArrayList<>(List.of("schema", "install", "--vault-prefix", VAULT_PREFIX,
        "--secrets-prefix", SECRETS_PREFIX, "--changelog-table", "app_cli_aud_dbcl"));
    install.addAll(dbArgs());
    assertThat(run(install.toArray(String[]::new))).as(err).isZero();
    KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), vault)
        .insert(Keyring.generate("aud").aead().orElseThrow());
    env.put("TOKEN", "gho_auditToken");
    assertThat(run(cmd("secrets", "put", "github", "-n", "tokens", "--create-namespace", "--value-env", "TOKEN")))
        .as(err).isZero();

    assertThat(run(cmd("audit", "anchor"))).as(err).isZero();
    String anchor = out.trim();
    assertThat(run(cmd("secrets", "get", "github", "-n", "tokens"))).as(err).isZero();
    int intact = run(cmd("audit", "verify", "--anchor", anchor));
    String intactOut = out;
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE " + SECRETS_PREFIX + "audit SET principal = 'someone-else' WHERE seq = 2");
    }
    int tampered = run(cmd("audit", "verify"));

    assertThat(anchor).matches("2:[0-9a-f]+");
    assertThat(intact).isZero();
    assertThat(intactOut).contains("intact: 3 events checked").contains("reaches the anchor (event 2)");
    assertThat(tampered).isEqualTo(1);
    assertThat(err).contains("NOT intact").contains("event 2 was modified").doesNotContain("gho_auditToken");
  }
}
