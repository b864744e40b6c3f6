package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.SealedKdf;
import dev.fieldvault.secrets.internal.SealedKeys;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sealed stores' key derivation per store: new stores use PBKDF2-HMAC-SHA256 (600,000 iterations)
 * once per handle; stores of generation 1 keep opening, and after {@link SecretsVault#upgradeSealedKdf}
 * each entry moves to generation 2 when its owner next uses it. H2, PostgreSQL and MariaDB.
 */
class SealedKdfTest {

  private static final String P = "sv_kdf_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String ALICE = "alice-secret-0123456789";
  private static final String BOB = "bob-secret-9876543210-x";

  @ParameterizedTest
  @MethodSource(ALL)
  void aNewSealedStore_recordsPbkdf2_andDerivesOncePerHandle(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("kdf-new");
    vault.createStore(ns, "acme", StoreOptions.sealedStore());

    assertThat(storedKdf(db, vault, ns, "acme")[0]).startsWith("pbkdf2-sha256:600000:");
    long before = SealedKeys.pbkdf2Runs();
    SecretStore alice = vault.store(ns, "acme").as("alice").withSecret(ALICE);
    for (int i = 0; i < 20; i++) {
      alice.put("pin-" + i, SecretValue.ofString("p" + i));
      assertThat(alice.get("pin-" + i).value().asString()).isEqualTo("p" + i);
    }
    alice.as("alice-again").getMany(List.of("pin-1", "pin-2"));
    assertThat(SealedKeys.pbkdf2Runs() - before).as("PBKDF2 runs for one handle and 41 calls").isEqualTo(1);
    assertThat(vault.store(ns, "acme").withSecret(BOB).get("pin-1").status()).isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aGenerationOneStore_keepsOpening_andAfterTheUpgradeEachEntryMovesWhenItsOwnerUsesIt(Kind kind)
      throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("kdf-old");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    makeGenerationOne(db, vault, ns); // as versions before generation 2 created it
    SecretStore aliceOld = vault.store(ns).as("alice").withSecret(ALICE);
    aliceOld.put("codes", SecretValue.ofString("a-v1"));
    aliceOld.put("codes", SecretValue.ofString("a-v2"));
    vault.store(ns).as("bob").withSecret(BOB).put("codes", SecretValue.ofString("b-v1"));
    String aliceGen1 = new SealedKeys(ALICE.getBytes(StandardCharsets.UTF_8), null, ns).nameHash("codes");
    String bobGen1 = new SealedKeys(BOB.getBytes(StandardCharsets.UTF_8), null, ns).nameHash("codes");
    assertThat(nameKeys(db, vault, ns)).containsExactlyInAnyOrder(aliceGen1, bobGen1);
    assertThat(vault.store(ns).withSecret(ALICE).get("codes").value().asString()).isEqualTo("a-v2");

    assertThat(vault.upgradeSealedKdf(ns, null)).isTrue();
    assertThat(vault.upgradeSealedKdf(ns, null)).isFalse();
    String[] kdf = storedKdf(db, vault, ns, null);
    assertThat(kdf[0]).startsWith("pbkdf2-sha256:600000:");
    assertThat(kdf[1]).isEqualTo("hkdf-sha256");

    SecretStore alice = vault.store(ns).as("alice").withSecret(ALICE);
    assertThat(alice.get("codes").value().asString()).isEqualTo("a-v2");
    String aliceGen2 = new SealedKeys(ALICE.getBytes(StandardCharsets.UTF_8), null, ns, SealedKdf.parse(kdf[0]))
        .nameHash("codes");
    // alice's entry and both its versions moved; bob's stays under generation 1 until bob uses it
    assertThat(nameKeys(db, vault, ns)).containsExactlyInAnyOrder(aliceGen2, bobGen1);
    assertThat(versionKeys(db, vault, ns)).containsExactlyInAnyOrder(aliceGen2, aliceGen2, bobGen1);
    assertThat(alice.getVersion("codes", 1).value().asString()).isEqualTo("a-v1");
    assertThat(alice.put("codes", SecretValue.ofString("a-v3")).version()).isEqualTo(3);
    assertThat(alice.versions("codes")).hasSize(3);
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.KEY_ROTATED)).items())
        .extracting(AuditEvent::detail).anySatisfy(d -> assertThat(d).contains("moved to pbkdf2-sha256"))
        .anySatisfy(d -> assertThat(d).contains("sealed key derivation"));

    SecretStore bob = vault.store(ns).as("bob").withSecret(BOB);
    assertThat(bob.has("codes")).isTrue();
    assertThat(bob.get("codes").value().asString()).isEqualTo("b-v1");
    assertThat(nameKeys(db, vault, ns)).doesNotContain(aliceGen1, bobGen1).hasSize(2);
    assertThat(vault.store(ns).withSecret("mallory-secret-0000000").get("codes").status())
        .isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void anExportedSealedStore_importsWithItsKeyDerivation_andOpensWithTheSameSecret(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    TestDatabase other = SecretsTestSupport.migrated(kind, "sv_kdf2_");
    dev.fieldvault.keys.FieldCipher cipher = SecretsTestSupport.cipher();
    SecretsVault source = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
    SecretsVault target = SecretsVault.builder(other.dataSource(), cipher).tablePrefix("sv_kdf2_").build();
    String gen2 = SecretsTestSupport.unique("kdf-exp2");
    String gen1 = SecretsTestSupport.unique("kdf-exp1");
    source.createStore(gen2, null, StoreOptions.sealedStore());
    source.store(gen2).withSecret(ALICE).put("codes", SecretValue.ofString("two"));
    source.createStore(gen1, null, StoreOptions.sealedStore());
    makeGenerationOne(db, source, gen1);
    source.store(gen1).withSecret(ALICE).put("codes", SecretValue.ofString("one"));
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kdf-export");
    source.exportStore(gen2, null, dir.resolve("gen2.jsonl"));
    source.exportStore(gen1, null, dir.resolve("gen1.jsonl"));

    target.importStore(dir.resolve("gen2.jsonl"), false);
    target.importStore(dir.resolve("gen1.jsonl"), false);

    assertThat(target.store(gen2).withSecret(ALICE).get("codes").value().asString()).isEqualTo("two");
    assertThat(target.store(gen1).withSecret(ALICE).get("codes").value().asString()).isEqualTo("one");
    assertThat(storedKdf(other, target, gen2, null)[0]).isEqualTo(storedKdf(db, source, gen2, null)[0]);
    assertThat(storedKdf(other, target, gen1, null)[0]).isNull(); // generation 1, upgradeable there too
    assertThat(target.upgradeSealedKdf(gen1, null)).isTrue();
    assertThat(target.store(gen1).withSecret(ALICE).get("codes").value().asString()).isEqualTo("one");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void upgradingANonSealedStore_isRefused(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("kdf-plain");
    vault.createStore(ns, null, StoreOptions.DEFAULT);

    assertThatThrownBy(() -> vault.upgradeSealedKdf(ns, null)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("not sealed");
  }

  private static void makeGenerationOne(TestDatabase db, SecretsVault vault, String ns) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + vault.tables().store
        + " SET sealed_kdf = NULL, sealed_kdf_prev = NULL WHERE name = ?")) {
      ps.setString(1, ns);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static String[] storedKdf(TestDatabase db, SecretsVault vault, String ns, String tenant) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT sealed_kdf, sealed_kdf_prev"
        + " FROM " + vault.tables().store + " WHERE name = ? AND tenant = ?")) {
      ps.setString(1, ns);
      ps.setString(2, tenant == null ? "" : tenant);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return new String[] {rs.getString(1), rs.getString(2)};
      }
    }
  }

  private static List<String> nameKeys(TestDatabase db, SecretsVault vault, String ns) throws Exception {
    return keys(db, vault.tables().entry, vault, ns);
  }

  private static List<String> versionKeys(TestDatabase db, SecretsVault vault, String ns) throws Exception {
    return keys(db, vault.tables().version, vault, ns);
  }

  private static List<String> keys(TestDatabase db, String table, SecretsVault vault, String ns) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT name_key FROM " + table
        + " WHERE store_id = ?")) {
      ps.setLong(1, vault.meta(ns, null).id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
