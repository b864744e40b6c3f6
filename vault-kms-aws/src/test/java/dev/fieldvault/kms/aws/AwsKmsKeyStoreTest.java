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
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.WrongKeyEncryptionKeyException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The database key store (vault-jdbc) with AWS KMS key-encryption keys, on H2, PostgreSQL and
 * MariaDB, against a real KMS API server (moto) that some tests stop mid-run.
 */
class AwsKmsKeyStoreTest {

  private static final KeyEncryptionKey SECRET =
      KeyEncryptionKeys.fromMasterSecret("Xk3m9QpR7tV2wZ5yB8dF1gH4jL6nP0sU3vW6xY9z");

  @RegisterExtension
  static final SharedMoto MOTO = new SharedMoto();

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kekRotation_betweenTwoKmsKeys_rewrapsEveryStoredKeyset_andTouchesNoDataRow(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyEncryptionKey b = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "kms_rot", a);
      store.insert(VaultKeyset.generate("kmsrot-aead", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("kmsrot-daead", KeyPurpose.DETERMINISTIC_AEAD));
      store.insert(VaultKeyset.generate("kmsrot-prf", KeyPurpose.PRF));
      FieldCipher before = StoredKeyring.open(store, "kmsrot-aead", "kmsrot-daead", "kmsrot-prf").cipher();
      writeRows(db, store, before);
      Map<Integer, String> rowsBefore = rows(db, store);

      assertThat(store.rotateKek(b)).isEqualTo(3);
      assertThat(store.rotateKek(b)).isZero();

      assertThat(rows(db, store)).isEqualTo(rowsBefore);
      assertThat(kekIds(db, store)).containsOnly(b.id());
      KeyStore underB = store.withKek(b);
      FieldCipher after = StoredKeyring.open(underB, "kmsrot-aead", "kmsrot-daead", "kmsrot-prf").cipher();
      assertDecrypts(db, store, after);
      assertThatThrownBy(() -> store.load("kmsrot-aead")).isInstanceOf(WrongKeyEncryptionKeyException.class)
          .hasMessageContaining(b.id());
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kekRotation_fromMasterSecretToKmsKey_andBack_keepsKeysAndData(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey k = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "kms_ms", SECRET);
      VaultKeyset original = VaultKeyset.generate("kmsms-aead", KeyPurpose.AEAD).rotate();
      store.insert(original);
      FieldCipher cipher = StoredKeyring.open(store, "kmsms-aead", null, null).cipher();
      writeRows(db, store, cipher);
      Map<Integer, String> rowsBefore = rows(db, store);

      assertThat(store.rotateKek(k)).isEqualTo(1);
      KeyStore underKms = store.withKek(k);
      assertThat(underKms.load("kmsms-aead").keyset().keys()).isEqualTo(original.keys());
      assertThat(kekIds(db, store)).containsOnly(k.id());

      assertThat(underKms.rotateKek(SECRET)).isEqualTo(1);
      assertThat(kekIds(db, store)).containsOnly(SECRET.id());
      assertThat(rows(db, store)).isEqualTo(rowsBefore);
      assertDecrypts(db, store, StoredKeyring.open(store, "kmsms-aead", null, null).cipher());
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kmsDownAtStartUp_failsOpeningTheKeyring_withAnErrorNamingTheKeyUri(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (MotoKms own = MotoKms.start()) {
      String uri = own.createKey();
      KeyStore store;
      try (AwsKmsClient kms = own.client()) {
        store = fresh(db, "kms_down", kms.keyEncryptionKey(uri));
        store.insert(VaultKeyset.generate("kmsdown-aead", KeyPurpose.AEAD));
      }
      own.server.stop();
      try (AwsKmsClient restarted = own.client()) {
        KeyStore atStartUp = store.withKek(restarted.keyEncryptionKey(uri));
        assertThatThrownBy(() -> StoredKeyring.open(atStartUp, "kmsdown-aead", null, null))
            .isInstanceOf(AwsKmsUnavailableException.class).hasMessageContaining(uri);
      }
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kmsOutageAfterStartUp_loadedKeysKeepWorking_andAReloadKeepsThemAndReportsTheOutage(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (MotoKms own = MotoKms.start(); AwsKmsClient kms = own.client()) {
      String uri = own.createKey();
      KeyStore store = fresh(db, "kms_out", kms.keyEncryptionKey(uri));
      store.insert(VaultKeyset.generate("kmsout-aead", KeyPurpose.AEAD));
      StoredKeyring keyring = StoredKeyring.open(store, "kmsout-aead", null, null);
      FieldCipher cipher = keyring.cipher();
      byte[] early = cipher.encrypt(utf8("before the outage"), CTX, EncryptionMode.RANDOMIZED);
      store.update("kmsout-aead", VaultKeyset::rotate); // another instance promotes a key...
      int primaryBefore = keyring.keyring().aead().orElseThrow().primary().ordinal();

      own.server.stop(); // ...and then KMS goes away

      byte[] during = cipher.encrypt(utf8("during the outage"), CTX, EncryptionMode.RANDOMIZED);
      assertThat(cipher.decrypt(during, CTX)).isEqualTo(utf8("during the outage"));
      assertThat(cipher.decrypt(early, CTX)).isEqualTo(utf8("before the outage"));

      assertThatThrownBy(keyring::reload).isInstanceOf(AwsKmsUnavailableException.class)
          .hasMessageContaining(uri);
      assertThat(keyring.keyring().aead().orElseThrow().primary().ordinal()).isEqualTo(primaryBefore);
      assertThat(cipher.decrypt(cipher.encrypt(utf8("after the failed reload"), CTX, EncryptionMode.RANDOMIZED), CTX))
          .isEqualTo(utf8("after the failed reload"));
      drop(db, store);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void kekRotation_failingForOneKeysetMidway_writesNothing_andTheTypedErrorReachesTheCaller(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeyEncryptionKey a = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyEncryptionKey b = kms.keyEncryptionKey(MOTO.get().createKey());
      KeyStore store = fresh(db, "kms_half", a);
      for (int i = 0; i < 40; i++) {
        store.insert(VaultKeyset.generate(String.format("kmshalf-%02d", i), KeyPurpose.AEAD));
      }
      Map<String, String> documentsBefore = documents(db, store);
      proxy.fail("Encrypt", 1, 400, "AccessDeniedException");

      assertThatThrownBy(() -> store.rotateKek(b)).isInstanceOf(AwsKmsAccessDeniedException.class)
          .hasMessageContaining(b.id().substring("kms:".length()));

      assertThat(documents(db, store)).isEqualTo(documentsBefore);
      assertThat(kekIds(db, store)).containsOnly(a.id());
      assertThat(store.rotateKek(b, 1)).isEqualTo(40);
      assertThat(kekIds(db, store)).containsOnly(b.id());
      drop(db, store);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, String> documents(TestDatabase db, KeyStore store) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, document FROM " + store.tables().keyset())) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static List<String> kekIds(TestDatabase db, KeyStore store) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kek_id FROM " + store.tables().keyset())) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

}
