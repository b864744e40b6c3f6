package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.testsupport.MotoServer;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@code keys ... --kek aws-kms://...} against a real KMS API server (moto) on loopback. */
class KmsKekCommandTest {

  private static MotoServer moto;
  private static KmsClient admin;

  private final CliTestSupport cli = new CliTestSupport();

  @TempDir
  Path dir;

  /** Started by the first test that needs it, so that each test reports a skip with its message. */
  private static synchronized void startMoto() {
    if (moto != null) {
      return;
    }
    moto = MotoServer.start();
    admin = KmsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  @AfterAll
  static void stopMoto() {
    if (admin != null) {
      admin.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void awsEnvironment() {
    startMoto();
    cli.env.put("AWS_ACCESS_KEY_ID", "testing");
    cli.env.put("AWS_SECRET_ACCESS_KEY", "testing");
    cli.env.put("AWS_ENDPOINT_URL_KMS", moto.endpoint().toString());
  }

  private static String createKey() {
    return "aws-kms://" + admin.createKey(r -> r.keyUsage("ENCRYPT_DECRYPT")).keyMetadata().arn();
  }

  @Test
  void keysetFile_generatedUnderAKmsKey_rotatesToAnotherKmsKey_toAMasterSecret_andBack() throws Exception {
    String a = createKey();
    String b = createKey();
    String f = dir.resolve("app-aead.json").toString();

    assertThat(cli.run("keys", "generate", "--name", "app-aead", "-f", f, "--kek", a)).isEqualTo(0);
    assertThat(Files.readString(Path.of(f))).contains("\"kek\":\"kms:" + a + "\"");
    assertThat(cli.run("keys", "add", "-f", f, "--kek", a, "--promote")).isEqualTo(0);

    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--kek", a, "--new-kek", b)).isEqualTo(0);
    assertThat(cli.out).contains("kms:" + a).contains("kms:" + b);
    assertThat(cli.run("keys", "list", "-f", f, "--kek", a)).isEqualTo(1);
    assertThat(cli.err).contains("kms:" + b);

    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--kek", b, "--new-master-secret-env", "NEW_SECRET")).isEqualTo(0);
    assertThat(cli.run("keys", "list", "-f", f, "--master-secret-env", "NEW_SECRET")).isEqualTo(0);

    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--master-secret-env", "NEW_SECRET", "--new-kek", a)).isEqualTo(0);
    assertThat(cli.run("keys", "list", "-f", f, "--kek", a)).isEqualTo(0);
    assertThat(cli.out).contains("app-aead").contains("yes");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void keyStoreTable_rotateKek_fromMasterSecretToKmsKey_andOnToAnother(Kind kind) throws Exception {
    cli.use(kind);
    String prefix = "app_cli_kms_fv_";
    VaultTables tables = VaultTables.withPrefix(prefix);
    cli.db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(cli.db.dataSource());
    try {
      String a = createKey();
      String b = createKey();
      assertThat(cli.runDb("keys", "generate", "--name", "cli-kms-aead", "--keyset", "cli-kms-aead",
          "--vault-prefix", prefix)).isEqualTo(0);
      assertThat(cli.runDb("keys", "rotate-kek", "--keyset", "cli-kms-aead", "--vault-prefix", prefix,
          "--new-kek", a)).isEqualTo(0);
      assertThat(cli.out).contains("re-encrypted 1 keyset(s)").contains("kms:" + a);
      assertThat(cli.runDb("keys", "rotate-kek", "--keyset", "cli-kms-aead", "--vault-prefix", prefix,
          "--kek", a, "--new-kek", b)).isEqualTo(0);
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-kms-aead", "--vault-prefix", prefix, "--kek", b))
          .isEqualTo(0);
      assertThat(cli.out).contains("cli-kms-aead");
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-kms-aead", "--vault-prefix", prefix)).isEqualTo(1);
    } finally {
      cli.db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }

  @Test
  void unreachableKms_exitsNonZero_withAMessageNamingTheKeyUri() {
    String a = createKey();
    String f = dir.resolve("down.json").toString();
    assertThat(cli.run("keys", "generate", "--name", "down", "-f", f, "--kek", a)).isEqualTo(0);
    cli.env.put("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1");
    assertThat(cli.run("keys", "list", "-f", f, "--kek", a)).isEqualTo(1);
    assertThat(cli.err).contains(a).contains("keys already loaded keep working");
  }

  @Test
  void rotateKek_withoutANewKek_orWithTwo_isAUsageError() {
    String f = dir.resolve("k.json").toString();
    cli.run("keys", "generate", "--name", "k", "-f", f);
    assertThat(cli.run("keys", "rotate-kek", "-f", f)).isEqualTo(1);
    assertThat(cli.err).contains("--new-master-secret-env").contains("--new-kek");
    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--new-master-secret-env", "NEW_SECRET", "--new-kek",
        createKey())).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void keyStoreTable_movesToABranchKey_rotatesItsKmsKey_andTheBranchKey_andBackToDirect(Kind kind) throws Exception {
    cli.use(kind);
    String prefix = "app_cli_bk_fv_";
    VaultTables tables = VaultTables.withPrefix(prefix);
    cli.db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(cli.db.dataSource());
    try {
      String a = createKey();
      String b = createKey();
      assertThat(cli.runDb("keys", "generate", "--name", "cli-bk-aead", "--keyset", "cli-bk-aead",
          "--vault-prefix", prefix)).isEqualTo(0);

      assertThat(cli.runDb("keys", "rotate-kek", "--vault-prefix", prefix, "--new-branch-key", "cli-branch",
          "--new-kek", a)).isEqualTo(0);
      assertThat(cli.out).contains("branch:cli-branch:").contains("kms:" + a);
      assertThat(cli.runDb("keys", "generate", "--name", "cli-bk-prf", "--purpose", "PRF", "--keyset", "cli-bk-prf",
          "--vault-prefix", prefix, "--branch-key", "cli-branch", "--kek", a)).isEqualTo(0);
      String documentsBefore = keysetDocuments(tables);

      assertThat(cli.runDb("keys", "rotate-kek", "--vault-prefix", prefix, "--branch-key", "cli-branch",
          "--kek", a, "--new-kek", b)).isEqualTo(0);
      assertThat(cli.out).contains("no keyset touched").contains("kms:" + b);
      assertThat(keysetDocuments(tables)).isEqualTo(documentsBefore);
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-bk-aead", "--vault-prefix", prefix,
          "--branch-key", "cli-branch", "--kek", b)).isEqualTo(0);
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-bk-aead", "--vault-prefix", prefix,
          "--branch-key", "cli-branch", "--kek", a)).isEqualTo(1);
      assertThat(cli.err).contains("kms:" + b);

      assertThat(cli.runDb("keys", "rotate-kek", "--vault-prefix", prefix, "--branch-key", "cli-branch",
          "--kek", b, "--rotate-branch-key")).isEqualTo(0);
      assertThat(cli.out).contains("rewrapped 2 keyset(s) locally");
      assertThat(keysetDocuments(tables)).isNotEqualTo(documentsBefore);
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-bk-prf", "--vault-prefix", prefix,
          "--branch-key", "cli-branch", "--kek", b)).isEqualTo(0);
      assertThat(cli.out).contains("cli-bk-prf");

      assertThat(cli.runDb("keys", "rotate-kek", "--vault-prefix", prefix, "--branch-key", "cli-branch",
          "--kek", b, "--direct", "--new-kek", a)).isEqualTo(0);
      assertThat(cli.out).contains("re-encrypted 2 keyset(s)");
      assertThat(cli.runDb("keys", "list", "--keyset", "cli-bk-aead", "--vault-prefix", prefix, "--kek", a))
          .isEqualTo(0);
    } finally {
      cli.db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }

  @Test
  void keysetFiles_moveToABranchKeyFile_whoseKmsKeyRotatesWithoutTouchingThem_andWhoseRotationRewrapsEach()
      throws Exception {
    String a = createKey();
    String b = createKey();
    String f = dir.resolve("app-aead.json").toString();
    String g = dir.resolve("app-prf.json").toString();
    String bk = dir.resolve("branch.json").toString();
    assertThat(cli.run("keys", "generate", "--name", "app-aead", "-f", f, "--kek", a)).isEqualTo(0);
    assertThat(cli.run("keys", "generate", "--name", "app-prf", "--purpose", "PRF", "-f", g, "--kek", a)).isEqualTo(0);

    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--kek", a, "--new-branch-key", "app-branch",
        "--branch-key-file", bk)).isEqualTo(0);
    assertThat(Files.readString(Path.of(f))).contains("\"kek\":\"branch:app-branch:");
    assertThat(Files.readString(Path.of(bk))).contains("\"kek\":\"kms:" + a + "\"");
    String keysetBefore = Files.readString(Path.of(f));

    assertThat(cli.run("keys", "rotate-kek", "--branch-key-file", bk, "--kek", a, "--new-kek", b)).isEqualTo(0);
    assertThat(Files.readString(Path.of(f))).isEqualTo(keysetBefore);
    assertThat(cli.run("keys", "list", "-f", f, "--branch-key-file", bk, "--kek", b)).isEqualTo(0);
    assertThat(cli.out).contains("app-aead");
    assertThat(cli.run("keys", "list", "-f", f, "--branch-key-file", bk, "--kek", a)).isEqualTo(1);
    assertThat(cli.err).contains("kms:" + b);

    assertThat(cli.run("keys", "rotate-kek", "-f", g, "--kek", a, "--new-branch-key", "app-branch",
        "--branch-key-file", bk, "--new-kek", b)).isEqualTo(0); // the second file joins the branch key (wrapped by b)

    assertThat(cli.run("keys", "rotate-kek", "-f", f, "--branch-key-file", bk, "--kek", b, "--rotate-branch-key"))
        .isEqualTo(0);
    assertThat(Files.readString(Path.of(f))).isNotEqualTo(keysetBefore);
    assertThat(cli.run("keys", "list", "-f", g, "--branch-key-file", bk, "--kek", b)).isEqualTo(0);
    String gBefore = Files.readString(Path.of(g));
    assertThat(cli.run("keys", "rotate-kek", "-f", g, "--branch-key-file", bk, "--kek", b, "--rewrap")).isEqualTo(0);
    assertThat(Files.readString(Path.of(g))).isNotEqualTo(gBefore);
    assertThat(cli.run("keys", "rotate-kek", "--branch-key-file", bk, "--kek", b, "--drop-retired-branch-keys"))
        .isEqualTo(0);
    assertThat(cli.out).contains("1 earlier version(s) dropped");
    assertThat(cli.run("keys", "list", "-f", f, "--branch-key-file", bk, "--kek", b)).isEqualTo(0);
    assertThat(cli.run("keys", "list", "-f", g, "--branch-key-file", bk, "--kek", b)).isEqualTo(0);
    assertThat(cli.out).contains("app-prf");

    assertThat(cli.run("keys", "rotate-kek", "--branch-key-file", bk, "--kek", b, "--rotate-branch-key",
        "--new-kek", a)).isEqualTo(1);
    assertThat(cli.err).contains("separate run");
  }

  private String keysetDocuments(VaultTables tables) throws Exception {
    StringBuilder out = new StringBuilder();
    try (java.sql.Connection c = cli.db.connect(); java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT name, document FROM " + tables.keyset()
            + " WHERE purpose <> 'BRANCH_KEY' ORDER BY name")) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('=').append(rs.getString(2)).append('\n');
      }
    }
    return out.toString();
  }

}
