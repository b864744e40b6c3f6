package dev.fieldvault.jdbc.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.WrongKeyEncryptionKeyException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KeyStoreTest {

  private static final KeyEncryptionKey KEK = KeyEncryptionKeys.fromMasterSecret("key-store-test-secret-0123456789abcdef");
  private static final FieldSpec<String> NOTE = FieldSpec.builder("Doc", "note", String.class).build();

  private static KeyStore fresh(TestDatabase db, String name) throws Exception {
    VaultTables tables = VaultTables.withPrefix("rot_" + name + "_fv_");
    db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    return KeyStore.create(db.dataSource(), KEK, tables);
  }

  private static void drop(TestDatabase db, KeyStore store) throws Exception {
    VaultTables t = store.tables();
    db.dropTables(t.keyset(), t.rotation(), t.rotationRange());
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void storedKeyset_loadsBackEqual_andItsDocumentHoldsNoPlaintextKey(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_basic");
    try {
      VaultKeyset ks = VaultKeyset.generate("rot-basic-aead", KeyPurpose.AEAD).rotate();
      store.insert(ks);

      StoredKeyset loaded = store.load("rot-basic-aead");

      assertThat(loaded.version()).isEqualTo(1);
      assertThat(loaded.kekId()).isEqualTo(KEK.id());
      assertThat(loaded.keyset().keys()).isEqualTo(ks.keys());
      assertThat(store.names()).containsExactly("rot-basic-aead");
      assertThat(store.find("nope")).isEmpty();
      assertThatThrownBy(() -> store.load("nope")).isInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("No keyset named 'nope'");
      assertThatThrownBy(() -> store.insert(ks)).isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("already exists");
      assertThat(rawDocument(db, store, "rot-basic-aead")).doesNotContain("\"value\"").contains("encryptedKeyset");
    } finally {
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void concurrentPromotionsFromTwoInstances_oneWinsAndTheOtherIsRefused(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_race");
    KeyStore otherInstance = KeyStore.create(db.dataSource(), KEK, store.tables());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      store.insert(VaultKeyset.generate("rot-race-aead", KeyPurpose.AEAD));
      CyclicBarrier bothRead = new CyclicBarrier(2);
      List<Future<Object>> attempts = new ArrayList<>();
      for (KeyStore instance : List.of(store, otherInstance)) {
        attempts.add(pool.submit(() -> {
          StoredKeyset seen = instance.load("rot-race-aead");
          bothRead.await(30, TimeUnit.SECONDS);
          try {
            return instance.replace(seen, seen.keyset().rotate());
          } catch (ConcurrentKeysetChangeException e) {
            return e;
          }
        }));
      }
      Object a = attempts.get(0).get(60, TimeUnit.SECONDS);
      Object b = attempts.get(1).get(60, TimeUnit.SECONDS);

      List<Object> outcomes = Arrays.asList(a, b);
      assertThat(outcomes).filteredOn(o -> o instanceof StoredKeyset).hasSize(1);
      assertThat(outcomes).filteredOn(o -> o instanceof ConcurrentKeysetChangeException).hasSize(1)
          .first().extracting(o -> ((Exception) o).getMessage()).asString().contains("load it again");
      StoredKeyset winner = (StoredKeyset) (a instanceof StoredKeyset ? a : b);
      StoredKeyset stored = store.load("rot-race-aead");
      assertThat(stored.version()).isEqualTo(2);
      assertThat(stored.keyset().keys()).hasSize(2).isEqualTo(winner.keyset().keys());
    } finally {
      pool.shutdownNow();
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kekRotation_reencryptsEveryStoredKeyset_andLeavesDataRowsByteForByteUntouched(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_kek");
    String data = "rot_ks_kek_data";
    try {
      // many keysets: one per tenant, as for crypto-shredding, plus the shared ones
      int tenants = 40;
      for (int t = 0; t < tenants; t++) {
        store.insert(VaultKeyset.generate("rot-tenant-" + t, KeyPurpose.AEAD));
      }
      store.insert(VaultKeyset.generate("rot-kek-daead", KeyPurpose.DETERMINISTIC_AEAD));
      StoredKeyring before = StoredKeyring.open(store, "rot-tenant-0", "rot-kek-daead", null);
      FieldEncryptor<String> note = before.cipher().field(NOTE);
      db.dropTables(data);
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + data + " (id BIGINT PRIMARY KEY, note VARCHAR(200))");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + data + " VALUES (?, ?)")) {
          for (int i = 0; i < 200; i++) {
            ps.setLong(1, i);
            ps.setString(2, note.encryptToText("note " + i, null, null));
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      List<String> rowsBefore = rows(db, data);
      KeyEncryptionKey newKek = KeyEncryptionKeys.fromMasterSecret("the-new-master-secret-after-rotation-42");

      int rotated = store.rotateKek(newKek);

      assertThat(rotated).isEqualTo(tenants + 1);
      assertThat(rows(db, data)).isEqualTo(rowsBefore);
      KeyStore rotatedStore = store.withKek(newKek);
      for (String name : rotatedStore.names()) {
        StoredKeyset s = rotatedStore.load(name);
        assertThat(s.kekId()).isEqualTo(newKek.id());
        assertThat(s.version()).as("a KEK rotation changes no key").isEqualTo(1);
      }
      assertThatThrownBy(() -> store.load("rot-tenant-7")).isInstanceOf(WrongKeyEncryptionKeyException.class)
          .hasMessageContaining(newKek.id());
      FieldCipher after = StoredKeyring.open(rotatedStore, "rot-tenant-0", "rot-kek-daead", null).cipher();
      FieldEncryptor<String> noteAfter = after.field(NOTE);
      for (int i = 0; i < rowsBefore.size(); i++) {
        assertThat(noteAfter.decryptText(rowsBefore.get(i), null, null)).isEqualTo("note " + i);
      }
      assertThat(rotatedStore.rotateKek(newKek)).as("running it again changes nothing").isZero();
    } finally {
      db.dropTables(data);
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void promotedKey_reachesARunningInstance_throughReloadAndThroughTheRefreshInterval(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_reload");
    try {
      store.insert(VaultKeyset.generate("rot-reload-aead", KeyPurpose.AEAD));
      try (StoredKeyring explicit = StoredKeyring.open(store, "rot-reload-aead", null, null);
          StoredKeyring refreshed = StoredKeyring.open(store, "rot-reload-aead", null, null)) {
        int firstKey = explicit.keyring().aead().orElseThrow().primary().keyId();
        assertThat(explicit.reload()).as("nothing changed yet").isFalse();

        StoredKeyset promoted = store.update("rot-reload-aead", VaultKeyset::rotate);
        int newKey = promoted.keyset().primary().keyId();

        assertThat(explicit.cipher().field(NOTE).encrypt("x")).satisfies(ct -> assertThat(keyIdOf(ct)).isEqualTo(firstKey));
        assertThat(explicit.reload()).isTrue();
        assertThat(keyIdOf(explicit.cipher().field(NOTE).encrypt("x"))).isEqualTo(newKey);

        refreshed.refreshEvery(Duration.ofMillis(50));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (refreshed.keyring().aead().orElseThrow().primary().keyId() != newKey && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(refreshed.keyring().aead().orElseThrow().primary().keyId()).isEqualTo(newKey);
      }
    } finally {
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void minimumDecryptOrdinal_makesEveryInstanceRejectValuesUnderOlderKeys(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_min");
    try {
      store.insert(VaultKeyset.generate("rot-min-aead", KeyPurpose.AEAD));
      try (StoredKeyring keyring = StoredKeyring.open(store, "rot-min-aead", null, null)) {
        byte[] old = keyring.cipher().field(NOTE).encrypt("old secret");
        store.update("rot-min-aead", VaultKeyset::rotate);
        keyring.reload();
        assertThat(keyring.cipher().field(NOTE).decrypt(old)).isEqualTo("old secret");

        store.forceMinimumDecryptOrdinal("rot-min-aead", 2); // the value is not stored: no inventory can see it
        keyring.reload();

        assertThatThrownBy(() -> keyring.cipher().field(NOTE).decrypt(old)).isInstanceOf(KeyUnavailableException.class)
            .hasMessageNotContaining("old secret");
      }
    } finally {
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void minimumDecryptOrdinal_isRefusedWhileStoredValuesUseAnOlderKey_andAllowedOnceTheyAreMoved(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_minguard");
    String table = "rot_ks_minguard_doc";
    db.dropTables(table);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, note "
          + (kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(200)") + ")");
    }
    EncryptedTable docs = EncryptedTable.builder(table).primaryKey("id").column(EncryptedColumn.builder(table, "note", NOTE).build())
        .build();
    try {
      store.insert(VaultKeyset.generate("rot-minguard-aead", KeyPurpose.AEAD));
      try (StoredKeyring keyring = StoredKeyring.open(store, "rot-minguard-aead", null, null)) {
        for (long id = 1; id <= 3; id++) {
          writeNote(db, table, id, keyring.cipher().field(NOTE).encrypt("note " + id));
        }
        store.update("rot-minguard-aead", VaultKeyset::rotate);
        keyring.reload();
        writeNote(db, table, 3, keyring.cipher().field(NOTE).encrypt("note 3"));
        KeyInfo first = store.load("rot-minguard-aead").keyset().byOrdinal(1);

        KeyInventory before = KeyInventory.scan(db.dataSource(), List.of(docs));
        assertThatThrownBy(() -> store.setMinimumDecryptOrdinal("rot-minguard-aead", 2, before))
            .isInstanceOf(KeyInUseException.class)
            .hasMessageContaining("2 stored values still use older keys")
            .hasMessageContaining("key 1 (id " + first.keyIdText() + "): " + table + ".note: 2")
            .hasMessageContaining("forceMinimumDecryptOrdinal");
        assertThat(store.load("rot-minguard-aead").keyset().minimumDecryptOrdinal()).as("nothing written").isZero();

        for (long id = 1; id <= 2; id++) {
          writeNote(db, table, id, keyring.cipher().field(NOTE).encrypt("note " + id));
        }
        store.setMinimumDecryptOrdinal("rot-minguard-aead", 2, KeyInventory.scan(db.dataSource(), List.of(docs)));

        assertThat(store.load("rot-minguard-aead").keyset().minimumDecryptOrdinal()).isEqualTo(2);
      }
    } finally {
      db.dropTables(table);
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void forceMinimumDecryptOrdinal_isTheExplicitOverride_ofTheInventoryCheck(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_minforce");
    try {
      store.insert(VaultKeyset.generate("rot-minforce-aead", KeyPurpose.AEAD));
      store.update("rot-minforce-aead", VaultKeyset::rotate);

      store.forceMinimumDecryptOrdinal("rot-minforce-aead", 2);

      assertThat(store.load("rot-minforce-aead").keyset().minimumDecryptOrdinal()).isEqualTo(2);
      assertThatThrownBy(() -> store.forceMinimumDecryptOrdinal("rot-minforce-aead", 3))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("primary's ordinal 2");
    } finally {
      drop(db, store);
    }
  }

  private static void writeNote(TestDatabase db, String table, long id, byte[] ciphertext) throws Exception {
    try (Connection c = db.connect()) {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
        del.setLong(1, id);
        del.executeUpdate();
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (id, note) VALUES (?, ?)")) {
        ins.setLong(1, id);
        ins.setBytes(2, ciphertext);
        ins.executeUpdate();
      }
    }
  }

  private static int keyIdOf(byte[] ct) {
    return dev.fieldvault.keys.CiphertextHeader.parse(ct).keyId();
  }

  private static String rawDocument(TestDatabase db, KeyStore store, String name) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT document FROM " + store.tables().keyset() + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static List<String> rows(TestDatabase db, String table) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT note FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void branchKeyRotation_failingOnOneKeyset_writesNothing_andTheStoreKeepsItsBranchKey(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore direct = fresh(db, "ks_bkfail");
    try {
      KeyStore store = direct.moveToBranchKey("rot-bkfail-branch", KEK);
      store.insert(VaultKeyset.generate("rot-bkfail-a", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("rot-bkfail-b", KeyPurpose.AEAD));
      String branchBefore = rawDocument(db, store, "rot-bkfail-branch");
      String aBefore = rawDocument(db, store, "rot-bkfail-a");
      String idBefore = store.kek().id();
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + store.tables().keyset()
          + " SET document = ? WHERE name = ?")) {
        ps.setString(1, rawDocument(db, store, "rot-bkfail-b").replace("\"minimumDecryptOrdinal\\\":0",
            "\"minimumDecryptOrdinal\\\":1"));
        ps.setString(2, "rot-bkfail-b");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(rawDocument(db, store, "rot-bkfail-b")).contains("minimumDecryptOrdinal\\\":1");

      assertThatThrownBy(store::rotateBranchKey).isInstanceOf(WrongKeyEncryptionKeyException.class)
          .hasMessageContaining("rot-bkfail-b");

      assertThat(rawDocument(db, store, "rot-bkfail-branch")).isEqualTo(branchBefore);
      assertThat(rawDocument(db, store, "rot-bkfail-a")).isEqualTo(aBefore);
      assertThat(store.kek().id()).isEqualTo(idBefore);
      assertThat(store.load("rot-bkfail-a").keyset().name()).isEqualTo("rot-bkfail-a");
      assertThat(store.names()).containsExactly("rot-bkfail-a", "rot-bkfail-b");
    } finally {
      drop(db, direct);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void branchKeyOperations_onADirectStore_orOnADataKeysetName_areRefusedWithWhatToDo(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    KeyStore store = fresh(db, "ks_bkref");
    try {
      store.insert(VaultKeyset.generate("rot-bkref-aead", KeyPurpose.AEAD));

      assertThatThrownBy(store::rotateBranchKey).isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("rotateKek()");
      assertThatThrownBy(() -> store.moveToBranchKey("rot-bkref-aead", KEK))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("not a branch key");
      assertThatThrownBy(() -> KeyStore.hierarchical(db.dataSource(), store.tables(), "rot-bkref-none", KEK))
          .isInstanceOf(KeyUnavailableException.class).hasMessageContaining("No branch key named 'rot-bkref-none'");
      assertThat(store.load("rot-bkref-aead").kekId()).isEqualTo(KEK.id());
    } finally {
      drop(db, store);
    }
  }

}
