package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SecretsVault#rotateKeys}: data keys are rewrapped, values never rewritten; only the data keys
 * of the keys asked for; a killed run resumes under its rotation id; counts per store in the report
 * and in KEY_ROTATED events. H2, PostgreSQL and MariaDB.
 */
class DataKeyRotationTest {

  private static final String P = "sv_kr_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final Keyring keyring = Keyring.generate("key-rotation");
  private final FieldCipher cipher = FieldCipher.create(keyring);
  private VaultKeyset aead = keyring.aead().orElseThrow();

  /** Tables of their own per test ({@code P + test + "_"}): a vault has one keyring, as in production. */
  private SecretsVault vault(TestDatabase db, String test) throws Exception {
    VaultTables tables = SecretsTestSupport.rotationTables(db, P + test + "_fv_");
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P + test + "_").rotationTables(tables).build();
  }

  /** Promotes a new AEAD key; returns its id. */
  private int promote() {
    aead = aead.rotate();
    cipher.reload(keyring.with(aead));
    return aead.primary().keyId();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aOneMegabyteValue_rotationRewrapsItsDataKey_andLeavesTheValueBytesAsTheyAre(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P + "mb_");
    SecretsVault vault = vault(db, "mb");
    String ns = SecretsTestSupport.unique("big");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    byte[] big = new byte[1024 * 1024];
    new SecureRandom().nextBytes(big);
    s.put("blob", SecretValue.ofBytes(big));
    EnvelopeTest.Row before = EnvelopeTest.row(db, vault, ns, "acme", "blob", 1);
    byte[] entryValueBefore = CiphertextSurgery.read(db, vault.tables().store.replace("store", ""), ns, "acme", "blob").value();
    int oldKey = CiphertextHeader.parse(before.wrappedKey()).keyId();
    int newKey = promote();

    KeyRotationReport r = vault.rotateKeys(KeyRotation.DEFAULT);

    EnvelopeTest.Row after = EnvelopeTest.row(db, vault, ns, "acme", "blob", 1);
    CiphertextSurgery.Stored entryAfter = CiphertextSurgery.read(db, vault.tables().store.replace("store", ""), ns, "acme", "blob");
    assertThat(after.value()).isEqualTo(before.value());          // the 1 MB value column: same bytes
    assertThat(entryAfter.value()).isEqualTo(entryValueBefore);
    assertThat(CiphertextHeader.parse(after.wrappedKey()).keyId()).isEqualTo(newKey).isNotEqualTo(oldKey);
    assertThat(CiphertextHeader.parse(entryAfter.wrappedKey()).keyId()).isEqualTo(newKey);
    assertThat(r.dataKeysRewrapped()).isEqualTo(2);               // the entry's and the kept version's
    assertThat(r.complete()).isTrue();
    assertThat(r.stores()).singleElement().satisfies(st -> {
      assertThat(st.namespace()).isEqualTo(ns);
      assertThat(st.tenant()).isEqualTo("acme");
      assertThat(st.before()).isEqualTo(2);
      assertThat(st.left()).isZero();
      assertThat(st.rewrapped()).isEqualTo(2);
    });
    cipher.reload(keyring.with(aead.disable(aeadOrdinal(oldKey))));
    assertThat(s.get("blob").value().asBytes()).isEqualTo(big);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void fromKeyIds_rewrapsOnlyTheDataKeysOfThoseKeys_andCountsPerStore(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P + "from_");
    SecretsVault vault = vault(db, "from");
    String ns = SecretsTestSupport.unique("from");
    SecretStore acme = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    SecretStore globex = vault.createStore(ns, "globex", StoreOptions.DEFAULT);
    int key1 = aead.primary().keyId();
    acme.put("a", SecretValue.ofString("A1"));
    globex.put("g", SecretValue.ofString("G1"));
    int key2 = promote();
    acme.put("b", SecretValue.ofString("B2"));
    int key3 = promote();

    KeyRotationReport r = vault.rotateKeys(KeyRotation.builder().fromKeyIds(key1).batchSize(1).build());

    assertThat(wrappingKey(db, vault, ns, "acme", "a")).isEqualTo(key3);
    assertThat(wrappingKey(db, vault, ns, "globex", "g")).isEqualTo(key3);
    assertThat(wrappingKey(db, vault, ns, "acme", "b")).isEqualTo(key2); // another old key: left as it is
    assertThat(r.rotationId()).endsWith("-from-" + Integer.toUnsignedString(key1));
    assertThat(r.dataKeysRewrapped()).isEqualTo(4);
    assertThat(r.stores()).extracting(KeyRotationReport.Store::tenant, KeyRotationReport.Store::rewrapped,
        KeyRotationReport.Store::left).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("acme", 2L, 0L), org.assertj.core.groups.Tuple.tuple("globex", 2L, 0L));
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, "acme").action(AuditAction.KEY_ROTATED)).items())
        .singleElement().satisfies(e -> assertThat(e.detail())
            .isEqualTo("rotation " + r.rotationId() + ": 2 data keys rewrapped (2 to rewrap, 0 left)"));
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, "globex").action(AuditAction.KEY_ROTATED)).items())
        .hasSize(1);
    assertThat(acme.get("a").value().asString()).isEqualTo("A1");
    assertThat(acme.get("b").value().asString()).isEqualTo("B2");

    KeyRotationReport rest = vault.rotateKeys(KeyRotation.builder().fromKeyIds(key2).build());
    assertThat(rest.dataKeysRewrapped()).isEqualTo(2);
    assertThat(wrappingKey(db, vault, ns, "acme", "b")).isEqualTo(key3);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aKilledRotation_resumesFromItsCheckpoint_underItsRotationId(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P + "resume_");
    SecretsVault vault = vault(db, "resume");
    String ns = SecretsTestSupport.unique("resume");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(1));
    for (int i = 0; i < 10; i++) {
      s.put("n" + i, SecretValue.ofString("v" + i));
    }
    int newKey = promote();
    AtomicInteger batches = new AtomicInteger();
    KeyRotation killed = KeyRotation.builder().rotationId("kr-resume-" + kind).workerId("host-a").batchSize(3)
        .listener(p -> {
          if (batches.incrementAndGet() == 2) {
            throw new IllegalStateException("killed");  // after its second committed batch
          }
        }).build();

    assertThatThrownBy(() -> vault.rotateKeys(killed)).hasMessageContaining("killed");
    long doneBeforeResume = keysOn(db, vault, ns, newKey);
    KeyRotationReport resumed = vault.rotateKeys(KeyRotation.builder().rotationId("kr-resume-" + kind)
        .workerId("host-a").batchSize(3).build());

    assertThat(doneBeforeResume).isEqualTo(6);                // two batches of 3 committed before the kill
    assertThat(resumed.dataKeysRewrapped()).isEqualTo(20 - 6); // the resumed run did only the rest
    assertThat(resumed.complete()).isTrue();
    assertThat(keysOn(db, vault, ns, newKey)).isEqualTo(20);
    for (int i = 0; i < 10; i++) {
      assertThat(s.get("n" + i).value().asString()).isEqualTo("v" + i);
    }
  }

  @Test
  void keyRotationOptions_refuseWhatCannotWork() {
    assertThatThrownBy(() -> KeyRotation.builder().fromKeyIds()).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("one or more key ids");
    assertThatThrownBy(() -> KeyRotation.builder().batchSize(0)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("1 to 10000");
    assertThatThrownBy(() -> KeyRotation.builder().rotationId(" ")).isInstanceOf(VaultConfigurationException.class);
  }

  private int aeadOrdinal(int keyId) {
    return aead.byKeyId(keyId).orElseThrow().ordinal();
  }

  private static int wrappingKey(TestDatabase db, SecretsVault vault, String ns, String tenant, String name)
      throws Exception {
    return CiphertextHeader.parse(CiphertextSurgery.read(db, vault.tables().store.replace("store", ""), ns, tenant, name).wrappedKey()).keyId();
  }

  /** Entry and version rows of the store whose data key is wrapped by {@code keyId}. */
  private static long keysOn(TestDatabase db, SecretsVault vault, String ns, int keyId) throws Exception {
    long n = 0;
    StoreMeta m = vault.meta(ns, null);
    try (java.sql.Connection c = db.connect()) {
      for (String t : new String[] {vault.tables().entry, vault.tables().version}) {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT dek_ct FROM " + t + " WHERE store_id = ?")) {
          ps.setLong(1, m.id());
          try (java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (CiphertextHeader.parse(rs.getBytes(1)).keyId() == keyId) {
                n++;
              }
            }
          }
        }
      }
    }
    return n;
  }
}
