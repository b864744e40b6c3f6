package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.WeakSecretException;
import dev.fieldvault.secrets.internal.Envelope;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sealed namespaces: names only as keyed hashes, values sealed under the caller's secret first. */
class SealedStoreTest {

  private static final String P = "sv_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SECRET = "user-42-secret-held-by-the-caller";

  private TestDatabase db;
  private FieldCipher cipher;

  private SecretsVault vault(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    cipher = SecretsTestSupport.cipher();
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedStore_roundTripsWithTheCallersSecret(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("sealed"), null, StoreOptions.sealedStore())
        .as("user-42").withSecret(SECRET);

    store.put("stripe-api-key", SecretValue.ofString("sk_live_abc"));
    store.put("stripe-api-key", SecretValue.ofString("sk_live_def"));

    assertThat(store.get("stripe-api-key").value().asString()).isEqualTo("sk_live_def");
    assertThat(store.getVersion("stripe-api-key", 1).value().asString()).isEqualTo("sk_live_abc");
    assertThat(store.has("stripe-api-key")).isTrue();
    assertThat(store.versions("stripe-api-key")).hasSize(2);
    assertThat(store.rollback("stripe-api-key", 1).version()).isEqualTo(3);
    assertThat(store.get("stripe-api-key").value().asString()).isEqualTo("sk_live_abc");
    assertThat(store.remove("stripe-api-key")).isEqualTo(Status.OK);
    assertThat(store.get("stripe-api-key").status()).isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void wrongSecret_isNotFound_neverAnError(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    vault.store(ns).withSecret(SECRET).put("token", SecretValue.ofString("t0k3n"));

    SecretStore wrong = vault.store(ns).withSecret("another-secret-of-enough-length");

    assertThat(wrong.get("token").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(wrong.has("token")).isFalse();
    assertThat(wrong.getMany(List.of("token")).get("token").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(wrong.versions("token")).isEmpty();
    assertThat(wrong.remove("token")).isEqualTo(Status.NOT_FOUND);
    assertThat(vault.store(ns).withSecret(SECRET).get("token").value().asString()).isEqualTo("t0k3n");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedStore_refusesListingMetadataAndUseWithoutASecret(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    SecretStore open = vault.store(ns).withSecret(SECRET);

    assertThatThrownBy(() -> open.list(null, 10)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("cannot be listed");
    assertThatThrownBy(() -> vault.store(ns).get("x")).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("withSecret");
    assertThatThrownBy(() -> open.put("x", SecretValue.ofString("v"),
        PutOptions.builder().metadata(Map.of("k", "v")).build())).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("no plaintext metadata");
    assertThatThrownBy(() -> vault.store(ns).withSecret("short")).isInstanceOf(WeakSecretException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rawTables_holdNoPlaintextNamesInSealedStores_andNoPlaintextValuesAnywhere(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String sealedNs = SecretsTestSupport.unique("sealed");
    String plainNs = SecretsTestSupport.unique("plain");
    vault.createStore(sealedNs, null, StoreOptions.sealedStore()).withSecret(SECRET)
        .put("NAME-SEALED-MARKER", SecretValue.ofString("VALUE-SEALED-MARKER"));
    vault.createStore(plainNs, null, StoreOptions.DEFAULT)
        .put("name-plain", SecretValue.ofString("VALUE-PLAIN-MARKER"),
            PutOptions.builder().ttl(Duration.ofDays(1)).build());
    vault.createStore(plainNs + "-json", null, StoreOptions.DEFAULT)
        .put("json", SecretValue.ofJson(Map.of("password", "VALUE-JSON-MARKER")));
    vault.store(sealedNs).withSecret(SECRET).get("NAME-SEALED-MARKER");

    String dump = dumpAllTables();

    assertThat(dump).contains("name-plain"); // the dump does see plaintext where there is some
    assertThat(dump).doesNotContain("NAME-SEALED-MARKER", "VALUE-SEALED-MARKER", "VALUE-PLAIN-MARKER",
        "VALUE-JSON-MARKER");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void anOperatorWithTheDatabaseAndTheVaultKeys_cannotReadASealedValue(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed");
    vault.createStore(ns, null, StoreOptions.sealedStore()).withSecret(SECRET)
        .put("pin", SecretValue.ofString("VALUE-OPERATOR-MARKER"));

    byte[] ct;
    byte[] wrappedKey;
    String nameKey;
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT e.name_key, e.value_ct, e.dek_ct FROM "
        + P + "entry e JOIN " + P + "store s ON s.id = e.store_id WHERE s.name = ?")) {
      ps.setString(1, ns);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        nameKey = rs.getString(1);
        ct = rs.getBytes(2);
        wrappedKey = rs.getBytes(3);
      }
    }
    // the vault's own layer (the envelope) opens with the vault's keys, but what is inside is still sealed
    byte[] inner = new Envelope(cipher, "fieldvault.secrets:").open(new Envelope.Slot(ns, null, nameKey, 1), ct,
        wrappedKey, Envelope.DATA_KEY_VERSION);

    assertThat(new String(inner, StandardCharsets.ISO_8859_1)).doesNotContain("VALUE-OPERATOR-MARKER");
    assertThat(nameKey).isNotEqualTo("pin").matches("[A-Za-z0-9_-]{43}"); // a keyed hash, not the name
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedValuesOfTwoCallers_areIsolated(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    SecretStore alice = vault.store(ns).as("alice").withSecret("alice-secret-0123456789");
    SecretStore bob = vault.store(ns).as("bob").withSecret("bob-secret-0123456789abc");

    alice.put("recovery-codes", SecretValue.ofString("alice-codes"));
    bob.put("recovery-codes", SecretValue.ofString("bob-codes"));

    assertThat(alice.get("recovery-codes").value().asString()).isEqualTo("alice-codes");
    assertThat(bob.get("recovery-codes").value().asString()).isEqualTo("bob-codes");
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace(ns, null).limit(100)).items();
    assertThat(events).filteredOn(e -> e.action() != AuditAction.STORE_CREATED).extracting(AuditEvent::name)
        .doesNotContainNull().noneMatch(n -> n.contains("recovery"));
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedValueMovedToAnotherNameRow_failsToDecrypt(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    SecretStore s = vault.store(ns).withSecret(SECRET);
    s.put("a", SecretValue.ofString("A"));
    s.put("b", SecretValue.ofString("B"));
    dev.fieldvault.secrets.internal.SealedKeys keys = new dev.fieldvault.secrets.internal.SealedKeys(
        SECRET.getBytes(StandardCharsets.UTF_8), null, ns, vault.stores().sealedKdfs(vault.meta(ns, null).id())[0]);
    String keyA = keys.nameHash("a");
    String keyB = keys.nameHash("b");
    CiphertextSurgery.copyValue(db, P, ns, null, keyA, ns, null, keyB);

    assertThatThrownBy(() -> s.get("b")).isInstanceOf(DecryptionFailedException.class);
  }

  private String dumpAllTables() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.connect()) {
      for (String t : List.of("store", "entry", "version", "audit", "audit_head")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + P + t); ResultSet rs = ps.executeQuery()) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            List<String> cells = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
              Object o = rs.getObject(i);
              if (o instanceof byte[]) {
                cells.add(new String((byte[]) o, StandardCharsets.ISO_8859_1));
              } else if (o instanceof java.sql.Blob) {
                java.sql.Blob b = (java.sql.Blob) o;
                cells.add(new String(b.getBytes(1, (int) b.length()), StandardCharsets.ISO_8859_1));
              } else if (o instanceof java.sql.Clob) {
                java.sql.Clob cl = (java.sql.Clob) o;
                cells.add(cl.getSubString(1, (int) cl.length()));
              } else {
                cells.add(String.valueOf(o));
              }
            }
            sb.append(String.join("|", cells)).append('\n');
          }
        }
      }
    }
    return sb.toString();
  }
}
