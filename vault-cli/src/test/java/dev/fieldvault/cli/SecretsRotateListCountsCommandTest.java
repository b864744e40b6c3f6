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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `secrets rotate` (every value source and generator, never printing the value), `create-store` with
 * every store option, `list` orders, filters and cursors, and `counts`, on H2, PostgreSQL and MariaDB.
 */
class SecretsRotateListCountsCommandTest extends CliTestSupport {

  static final String PREFIX = "app_cli_rot_";
  static final VaultTables VAULT = VaultTables.withPrefix("app_cli_rv_");
  static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  static final String V1 = "first-value-1111";
  static final String V2 = "rotated-value-2222";
  static final String V3 = "piped-value-3333";
  static final String V4 = "file-value-4444";
  static final String CALLER_SECRET = "caller-secret-0123456789-abcdef";

  @TempDir
  Path dir;

  void setUp(Kind kind) throws Exception {
    use(kind);
    migrateSecrets(db, PREFIX);
    db.dropTables(VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    Keyring keyring = Keyring.generate("rot");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    store.insert(keyring.aead().orElseThrow());
    store.insert(keyring.prf().orElseThrow());
    env.put("V1", V1);
    env.put("V2", V2);
    env.put("CALLER_SECRET", CALLER_SECRET);
  }

  String[] secrets(String... args) {
    List<String> all = new ArrayList<>(List.of("secrets"));
    all.addAll(List.of(args));
    all.addAll(List.of("--secrets-prefix", PREFIX, "--vault-prefix", VAULT.prefix(), "--aead", "rot-aead",
        "--prf", "rot-prf"));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  /** The revealed value: the last line of `get --reveal`. */
  String revealed(String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("get", name, "-n", "keys", "--reveal"));
    args.addAll(List.of(extra));
    assertThat(run(secrets(args.toArray(String[]::new)))).as(err).isZero();
    String[] lines = out.split("\\R");
    return lines[lines.length - 1];
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rotate_fromEnvStdinFileOrAGenerator_keepsMetadata_neverPrintsTheValue(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("put", "api", "-n", "keys", "--create-namespace", "--value-env", "V1", "--metadata",
        "owner=ops", "--ttl", "30d"))).as(err).isZero();
    assertThat(run(secrets("get", "api", "-n", "keys"))).isZero();
    String expires = out.lines().filter(l -> l.startsWith("expires:")).findFirst().orElseThrow();

    assertThat(run(secrets("rotate", "api", "-n", "keys", "--value-env", "V2"))).as(err).isZero();
    assertThat(out).contains("rotated keys/api: now version 2 (STRING, 18 bytes)").doesNotContain(V2);
    assertThat(revealed("api")).isEqualTo(V2);
    assertThat(out).contains("owner=ops", expires); // metadata and expiry kept
    assertThat(runWithInput(V3, secrets("rotate", "api", "-n", "keys"))).as(err).isZero();
    assertThat(out).contains("now version 3").doesNotContain(V3);
    assertThat(revealed("api")).isEqualTo(V3);
    Path file = dir.resolve("value.txt");
    Files.writeString(file, V4, StandardCharsets.UTF_8);
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--value-file", file.toString(), "--expected-version",
        "3"))).as(err).isZero();
    assertThat(revealed("api")).isEqualTo(V4);

    // generators: a fresh random value each time, of the asked size and alphabet, never printed
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "random:32"))).as(err).isZero();
    assertThat(out).contains("now version 5 (STRING, 43 bytes, generated random:32)");
    String random1 = revealed("api");
    assertThat(random1).matches("[A-Za-z0-9_-]{43}");
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "random:32"))).as(err).isZero();
    assertThat(out).doesNotContain(random1);
    String random2 = revealed("api");
    assertThat(random2).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(random1);
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "hex:16"))).as(err).isZero();
    assertThat(revealed("api")).matches("[0-9a-f]{32}");
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "alnum:24"))).as(err).isZero();
    assertThat(revealed("api")).matches("[A-Za-z0-9]{24}");
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "bytes:16"))).as(err).isZero();
    assertThat(out).contains("(BYTES, 16 bytes");
    assertThat(run(secrets("get", "api", "-n", "keys"))).isZero();
    assertThat(out).contains("type:     BYTES");

    // refusals: a value on the command line, bad generators, a missing entry, a stale expected version
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--value", "leaked-on-cmdline-9"))).isEqualTo(2);
    assertThat(err).contains("never goes on the command line");
    assertThat(out + err).doesNotContain("leaked-on-cmdline-9");
    for (String bad : List.of("random:8", "random:5000", "foo:32", "random")) {
      assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", bad))).as(bad).isEqualTo(1);
      assertThat(err).contains("bad --generate");
    }
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--generate", "random:32", "--value-env", "V1")))
        .isEqualTo(1);
    assertThat(err).contains("give the new value once");
    assertThat(run(secrets("rotate", "nope", "-n", "keys", "--value-env", "V1"))).isEqualTo(1);
    assertThat(err).contains("cannot rotate keys/nope: not found").doesNotContain(V1);
    assertThat(run(secrets("rotate", "api", "-n", "keys", "--value-env", "V1", "--expected-version", "2")))
        .isEqualTo(1);
    assertThat(err).contains("changed concurrently").doesNotContain(V1);
    assertThat(run(secrets("versions", "api", "-n", "keys"))).isZero();
    assertThat(out).containsPattern("(?m)^9\\s+"); // 4 given + 5 generated; the refused ones wrote nothing
    assertThat(out).doesNotContainPattern("(?m)^11\\s+");

    // a sealed namespace rotates with its caller secret
    assertThat(run(secrets("create-store", "-n", "sealed", "--sealed"))).as(err).isZero();
    assertThat(run(secrets("put", "2fa", "-n", "sealed", "--value-env", "V1", "--secret-env", "CALLER_SECRET")))
        .as(err).isZero();
    assertThat(run(secrets("rotate", "2fa", "-n", "sealed", "--value-env", "V2", "--secret-env", "CALLER_SECRET")))
        .as(err).isZero();
    assertThat(run(secrets("get", "2fa", "-n", "sealed", "--reveal", "--secret-env", "CALLER_SECRET"))).isZero();
    assertThat(out).endsWith(V2 + System.lineSeparator());
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void createStore_everyOption_listOrdersFiltersAndCursors_andCounts(Kind kind) throws Exception {
    setUp(kind);
    assertThat(run(secrets("create-store", "-n", "keys", "--tenant", "acme", "--max-versions", "2", "--default-ttl",
        "90d", "--version-max-age", "7d"))).as(err).isZero();
    assertThat(out).contains("created namespace keys of tenant acme (2 versions kept, default TTL PT2160H,"
        + " versions kept at most PT168H)");
    assertThat(run(secrets("create-store", "-n", "bad", "--default-ttl", "0s"))).isEqualTo(1);
    assertThat(err).contains("error:");
    assertThat(run(secrets("create-store", "-n", "bad", "--version-max-age", "soon"))).isEqualTo(1);
    assertThat(err).contains("bad duration 'soon'");

    for (String n : List.of("c", "a", "e", "b", "d")) {
      assertThat(run(secrets("put", n, "-n", "keys", "--tenant", "acme", "--value-env", "V1", "--metadata",
          "env=" + (n.equals("a") || n.equals("d") ? "prod" : "dev")))).as(err).isZero();
    }
    assertThat(run(secrets("put", "c", "-n", "keys", "--tenant", "acme", "--value-env", "V2"))).as(err).isZero();
    assertThat(run(secrets("get", "a", "-n", "keys", "--tenant", "acme"))).isZero();
    assertThat(out).doesNotContain("expires:  never"); // the store's default TTL applied
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE " + PREFIX + "entry SET expires_ms = 1 WHERE name_key = 'e'");
    }

    assertThat(names("list", "-n", "keys", "--tenant", "acme")).containsExactly("a", "b", "c", "d", "e");
    assertThat(names("list", "-n", "keys", "--tenant", "acme", "--desc")).containsExactly("e", "d", "c", "b", "a");
    List<String> byTime = names("list", "-n", "keys", "--tenant", "acme", "--order", "updated", "--desc");
    assertThat(byTime.get(0)).isEqualTo("c"); // written last
    assertThat(byTime).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    assertThat(names("list", "-n", "keys", "--tenant", "acme", "--state", "expired")).containsExactly("e");
    assertThat(names("list", "-n", "keys", "--tenant", "acme", "--state", "active")).containsExactly("a", "b", "c", "d");
    assertThat(names("list", "-n", "keys", "--tenant", "acme", "--metadata", "env=prod")).containsExactly("a", "d");
    assertThat(out).doesNotContain(V1).doesNotContain(V2);

    // pages of 2 with the cursor, in descending name order
    List<String> paged = new ArrayList<>(names("list", "-n", "keys", "--tenant", "acme", "--desc", "--limit", "2"));
    for (String cursor = cursor(); cursor != null; cursor = cursor()) {
      paged.addAll(names("list", "-n", "keys", "--tenant", "acme", "--desc", "--limit", "2", "--cursor", cursor));
    }
    assertThat(paged).containsExactly("e", "d", "c", "b", "a");
    assertThat(run(secrets("list", "-n", "keys", "--tenant", "acme", "--order", "size"))).isEqualTo(1);
    assertThat(err).contains("bad --order");
    assertThat(run(secrets("list", "-n", "keys", "--tenant", "acme", "--state", "gone"))).isEqualTo(1);
    assertThat(err).contains("bad --state");
    assertThat(run(secrets("list", "-n", "keys", "--tenant", "acme", "--limit", "0"))).isEqualTo(1);
    assertThat(err).contains("bad --limit");

    assertThat(run(secrets("counts", "-n", "keys", "--tenant", "acme"))).as(err).isZero();
    assertThat(out).contains("entries:   5", "expired:   1", "versions:  6");
    // a sealed namespace is counted without its caller secret
    assertThat(run(secrets("create-store", "-n", "sealed", "--sealed"))).as(err).isZero();
    assertThat(run(secrets("put", "x", "-n", "sealed", "--value-env", "V1", "--secret-env", "CALLER_SECRET")))
        .as(err).isZero();
    assertThat(run(secrets("counts", "-n", "sealed"))).as(err).isZero();
    assertThat(out).contains("sealed", "entries:   1", "versions:  1");
    assertThat(run(secrets("counts", "-n", "missing"))).isEqualTo(1);
    assertThat(err).contains("no namespace 'missing'");
  }

  private List<String> names(String... args) {
    assertThat(run(secrets(args))).as(err).isZero();
    List<String> names = new ArrayList<>();
    out.lines().skip(1).filter(l -> !l.startsWith("more:")).forEach(l -> names.add(l.split("\\s+")[0]));
    return names;
  }

  private String cursor() {
    Matcher m = Pattern.compile("(?m)^more: --cursor (\\S+)").matcher(out);
    return m.find() ? m.group(1) : null;
  }
}
