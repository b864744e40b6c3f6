package dev.fieldvault.kms.aws;

import static dev.fieldvault.kms.aws.KeyStoreFixture.CTX;
import static dev.fieldvault.kms.aws.KeyStoreFixture.assertDecrypts;
import static dev.fieldvault.kms.aws.KeyStoreFixture.drop;
import static dev.fieldvault.kms.aws.KeyStoreFixture.fresh;
import static dev.fieldvault.kms.aws.KeyStoreFixture.rows;
import static dev.fieldvault.kms.aws.KeyStoreFixture.utf8;
import static dev.fieldvault.kms.aws.KeyStoreFixture.writeRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.WrongKeyEncryptionKeyException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hierarchical mode of the database key store: data keysets wrapped by a branch key, the branch
 * key wrapped by an AWS KMS key, on H2, PostgreSQL and MariaDB against a real KMS API server (moto).
 * A loopback proxy in front of moto counts the KMS calls.
 */
class AwsKmsBranchKeyStoreTest {

  private static final int KEYSETS = 30;

  @RegisterExtension
  static final SharedMoto MOTO = new SharedMoto();

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kmsKeyRotation_rewrapsOnlyTheBranchKey_withTwoKmsCalls_andTouchesNoKeysetAndNoDataRow(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyEncryptionKey b = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "bk_kms", a).moveToBranchKey("bkkms-branch", a);
      insertKeysets(store, "bkkms");
      writeRows(db, store, StoredKeyring.open(store, "bkkms-00", null, null).cipher());
      Map<Integer, String> rowsBefore = rows(db, store);
      Map<String, String> keysetsBefore = documents(db, store, false);
      int calls = kmsCalls(proxy);

      KeyStore underB = store.rotateBranchKeyKek(b);

      assertThat(kmsCalls(proxy) - calls).isEqualTo(2); // one Decrypt under a, one Encrypt under b
      assertThat(documents(db, store, false)).isEqualTo(keysetsBefore);
      assertThat(rows(db, store)).isEqualTo(rowsBefore);
      assertThat(branchKekId(db, store)).isEqualTo(b.id());
      KeyStore reopened = KeyStore.hierarchical(db.dataSource(), store.tables(), "bkkms-branch", b);
      assertDecrypts(db, store, StoredKeyring.open(reopened, "bkkms-00", null, null).cipher());
      assertThat(underB.load("bkkms-07").keyset().name()).isEqualTo("bkkms-07");
      assertThatThrownBy(() -> KeyStore.hierarchical(db.dataSource(), store.tables(), "bkkms-branch", a))
          .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining(b.id());
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void branchKeyRotation_rewrapsEveryKeysetLocally_withOneKmsCall_andKeepsKeysAndData(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "bk_rot", a).moveToBranchKey("bkrot-branch", a);
      insertKeysets(store, "bkrot");
      VaultKeyset original = store.load("bkrot-03").keyset();
      writeRows(db, store, StoredKeyring.open(store, "bkrot-00", null, null).cipher());
      Map<Integer, String> rowsBefore = rows(db, store);
      Map<String, String> keysetsBefore = documents(db, store, false);
      String oldId = store.kek().id();
      int calls = kmsCalls(proxy);

      assertThat(store.rotateBranchKey()).isEqualTo(KEYSETS);

      assertThat(kmsCalls(proxy) - calls).isEqualTo(1); // the new branch key's Encrypt, nothing per keyset
      assertThat(store.kek().id()).isNotEqualTo(oldId).startsWith("branch:bkrot-branch:");
      Map<String, String> keysetsAfter = documents(db, store, false);
      assertThat(keysetsAfter.keySet()).isEqualTo(keysetsBefore.keySet());
      keysetsAfter.forEach((name, doc) -> assertThat(doc).isNotEqualTo(keysetsBefore.get(name)));
      assertThat(rows(db, store)).isEqualTo(rowsBefore);
      assertThat(store.load("bkrot-03").keyset().keys()).isEqualTo(original.keys());
      KeyStore reopened = KeyStore.hierarchical(db.dataSource(), store.tables(), "bkrot-branch", a);
      assertThat(reopened.kek().id()).isEqualTo(store.kek().id());
      assertDecrypts(db, store, StoredKeyring.open(reopened, "bkrot-00", null, null).cipher());
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anotherInstancesBranchKeyRotation_isPickedUpByAReload_withOneKmsCall(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore first = fresh(db, "bk_two", a).moveToBranchKey("bktwo-branch", a);
      first.insert(VaultKeyset.generate("bktwo-aead", KeyPurpose.AEAD));
      KeyStore second = KeyStore.hierarchical(db.dataSource(), first.tables(), "bktwo-branch", a);
      StoredKeyring keyring = StoredKeyring.open(second, "bktwo-aead", null, null);

      first.rotateBranchKey();
      first.update("bktwo-aead", VaultKeyset::rotate);
      int calls = kmsCalls(proxy);

      assertThat(keyring.reload()).isTrue();
      assertThat(keyring.keyring().aead().orElseThrow().primary().ordinal()).isEqualTo(2);
      assertThat(kmsCalls(proxy) - calls).isEqualTo(1); // the branch key read again, once
      drop(db, first);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aKeysetDocumentMovedToAnotherName_doesNotOpenUnderTheBranchKey(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "bk_move", a).moveToBranchKey("bkmove-branch", a);
      store.insert(VaultKeyset.generate("bkmove-a", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("bkmove-b", KeyPurpose.AEAD));
      String docA = documents(db, store, false).get("bkmove-a");
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE "
          + store.tables().keyset() + " SET document = ? WHERE name = ?")) {
        ps.setString(1, docA.replace("\"name\":\"bkmove-a\"", "\"name\":\"bkmove-b\""));
        ps.setString(2, "bkmove-b");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }

      assertThatThrownBy(() -> store.load("bkmove-b")).isInstanceOf(WrongKeyEncryptionKeyException.class)
          .hasMessageContaining("bkmove-b");
      assertThat(store.load("bkmove-a").keyset().name()).isEqualTo("bkmove-a");
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kmsDownAtStartUp_failsOpeningTheHierarchicalStore_namingTheKeyUri_andAnOutageLaterKeepsEverythingWorking(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (MotoKms own = MotoKms.start()) {
      String uri = own.createKey();
      KeyStore store;
      try (AwsKmsClient kms = own.client()) {
        KeyEncryptionKey k = kms.keyEncryptionKey(uri);
        store = fresh(db, "bk_down", k).moveToBranchKey("bkdown-branch", k);
        store.insert(VaultKeyset.generate("bkdown-aead", KeyPurpose.AEAD));
        StoredKeyring keyring = StoredKeyring.open(store, "bkdown-aead", null, null);
        FieldCipher cipher = keyring.cipher();

        own.server.stop(); // KMS goes away after start-up

        store.update("bkdown-aead", VaultKeyset::rotate); // keysets still change and load: no KMS call
        assertThat(keyring.reload()).isTrue();
        byte[] ct = cipher.encrypt(utf8("during the outage"), CTX, EncryptionMode.RANDOMIZED);
        assertThat(cipher.decrypt(ct, CTX)).isEqualTo(utf8("during the outage"));
      }
      try (AwsKmsClient restarted = own.client()) {
        KeyEncryptionKey k = restarted.keyEncryptionKey(uri);
        VaultTables tables = store.tables();
        assertThatThrownBy(() -> KeyStore.hierarchical(db.dataSource(), tables, "bkdown-branch", k))
            .isInstanceOf(AwsKmsUnavailableException.class).hasMessageContaining(uri);
      }
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void disabledKmsKey_failsOpeningTheHierarchicalStore_withTheTypedErrorNamingTheKeyUri(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String uri = MOTO.get().createKey();
    KeyStore store;
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey k = kms.keyEncryptionKey(uri);
      store = fresh(db, "bk_dis", k).moveToBranchKey("bkdis-branch", k);
      store.insert(VaultKeyset.generate("bkdis-aead", KeyPurpose.AEAD));
    }
    MOTO.get().disable(uri);
    VaultTables tables = store.tables();
    try (AwsKmsClient fresh = MOTO.get().client()) {
      KeyEncryptionKey k = fresh.keyEncryptionKey(uri);
      assertThatThrownBy(() -> KeyStore.hierarchical(db.dataSource(), tables, "bkdis-branch", k))
          .isInstanceOf(AwsKmsKeyDisabledException.class).hasMessageContaining(uri);
    }
    drop(db, store);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void movingBackToTheDirectMode_rewrapsEveryKeysetUnderTheKmsKey(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "bk_back", a).moveToBranchKey("bkback-branch", a);
      insertKeysets(store, "bkback");
      assertThat(store.names()).hasSize(KEYSETS).doesNotContain("bkback-branch");

      assertThat(store.rotateKek(a)).isEqualTo(KEYSETS);

      KeyStore direct = store.withKek(a);
      assertThat(direct.load("bkback-05").keyset().name()).isEqualTo("bkback-05");
      assertThat(direct.branchKeyName()).isEmpty();
      drop(db, store);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static int kmsCalls(KmsFaultProxy proxy) {
    return proxy.calls("Encrypt") + proxy.calls("Decrypt");
  }

  private static void insertKeysets(KeyStore store, String prefix) {
    for (int i = 0; i < KEYSETS; i++) {
      store.insert(VaultKeyset.generate(String.format("%s-%02d", prefix, i), KeyPurpose.AEAD));
    }
  }

  /** name -> document of the data keysets (branch = false) or of the branch keys (branch = true). */
  private static Map<String, String> documents(TestDatabase db, KeyStore store, boolean branch) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, document, purpose FROM " + store.tables().keyset())) {
      while (rs.next()) {
        if (KeyStore.BRANCH_KEY_PURPOSE.equals(rs.getString(3)) == branch) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  private static String branchKekId(TestDatabase db, KeyStore store) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kek_id FROM " + store.tables().keyset()
            + " WHERE purpose = '" + KeyStore.BRANCH_KEY_PURPOSE + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

}
