package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyStatus;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.VaultKeyset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {

  static final String SECRET = "Rk7pQ2vL9sT0wB3nM6cX1yF8hJ4dG5aZ-uEoIiKq=";
  static final String NEW_SECRET = "Nq3Wm8Tz1Lp6Xv0Kc5Rb9Hs2Jd7Gf4Ya_eUoIiKq=";

  @TempDir
  Path dir;
  final Map<String, String> env = new HashMap<>(Map.of("FIELDVAULT_MASTER_SECRET", SECRET, "NEW_SECRET", NEW_SECRET));
  String out;
  String err;

  int run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = FieldVaultCli.execute(env, new PrintWriter(o, true), new PrintWriter(e, true), args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  @Test
  void generateListAddPromoteDisableDestroy_walkTheKeyLifecycle() {
    String f = dir.resolve("aead.json").toString();
    assertThat(run("keys", "generate", "--name", "app-aead", "-f", f)).isEqualTo(0);
    assertThat(out).contains("generated", "app-aead (AEAD)", "AES256_GCM");
    assertThat(run("keys", "add", "-f", f, "--promote")).isEqualTo(0);
    assertThat(run("keys", "disable", "-f", f, "--ordinal", "1")).isEqualTo(0);
    assertThat(run("keys", "destroy", "-f", f, "--ordinal", "1", "--yes")).isEqualTo(0);
    assertThat(run("keys", "list", "-f", f)).isEqualTo(0);
    assertThat(out).containsPattern("(?m)^1\\s+\\d+\\s+DESTROYED").containsPattern("(?m)^2\\s+\\d+\\s+ENABLED\\s+yes");

    VaultKeyset ks = KeysetSources.encryptedFile(Path.of(f), KeyEncryptionKeys.fromMasterSecret(SECRET)).load();
    assertThat(ks.byOrdinal(1).status()).isEqualTo(KeyStatus.DESTROYED);
    assertThat(ks.primary().ordinal()).isEqualTo(2);
  }

  @Test
  void errors_exitNonZero_withAClearMessage_andNoSecret() {
    String f = dir.resolve("k.json").toString();
    assertThat(run("keys", "list", "-f", f)).isEqualTo(1);
    assertThat(err).contains("no keyset file").contains("keys generate");

    run("keys", "generate", "--name", "k", "-f", f);
    assertThat(run("keys", "generate", "--name", "k", "-f", f)).isEqualTo(1);
    assertThat(err).contains("refusing to overwrite");

    assertThat(run("keys", "disable", "-f", f, "--ordinal", "1")).isEqualTo(1);
    assertThat(err).contains("primary");

    assertThat(run("keys", "destroy", "-f", f, "--ordinal", "1")).isEqualTo(1);
    assertThat(err).contains("--yes");

    env.put("FIELDVAULT_MASTER_SECRET", NEW_SECRET);
    assertThat(run("keys", "list", "-f", f)).isEqualTo(1);
    assertThat(err).contains("was encrypted under KEK").doesNotContain(SECRET).doesNotContain(NEW_SECRET);

    env.remove("FIELDVAULT_MASTER_SECRET");
    assertThat(run("keys", "list", "-f", f)).isEqualTo(1);
    assertThat(err).contains("openssl rand -base64 48");

    env.put("FIELDVAULT_MASTER_SECRET", "too-short");
    assertThat(run("keys", "list", "-f", f)).isEqualTo(1);
    assertThat(err).contains("at least 32").doesNotContain("too-short");

    assertThat(run("keys", "promote", "-f", f)).isEqualTo(2);
    assertThat(err).contains("--ordinal");
  }

  @Test
  void rotateKek_reencryptsTheFile_underTheNewSecretOnly() throws Exception {
    String f = dir.resolve("k.json").toString();
    run("keys", "generate", "--name", "k", "--purpose", "DETERMINISTIC_AEAD", "-f", f);
    String before = Files.readString(Path.of(f));
    assertThat(run("keys", "rotate-kek", "-f", f, "--new-master-secret-env", "NEW_SECRET")).isEqualTo(0);
    assertThat(Files.readString(Path.of(f))).isNotEqualTo(before);
    assertThat(run("keys", "list", "-f", f)).isEqualTo(1);
    assertThat(run("keys", "list", "-f", f, "--master-secret-env", "NEW_SECRET")).isEqualTo(0);
    assertThat(out).contains("AES256_SIV");
  }

  @Test
  void everyCommand_hasHelp() {
    for (String cmd : new String[] {"generate", "list", "add", "promote", "disable", "enable", "destroy", "rotate-kek"}) {
      assertThat(run("keys", cmd, "--help")).isEqualTo(0);
      assertThat(out).contains("Usage: fieldvault keys " + cmd);
    }
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out).contains("keys");
  }
}
