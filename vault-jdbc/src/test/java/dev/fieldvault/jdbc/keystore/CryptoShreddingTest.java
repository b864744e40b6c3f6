package dev.fieldvault.jdbc.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crypto-shredding across instances: two application instances (each its own key store, tenant
 * keyrings and cipher, on one database) read a tenant's rows; one deletes the tenant's keysets
 * through the key store, and the other stops decrypting that tenant's values within its configured
 * refresh interval, while other tenants stay readable.
 */
class CryptoShreddingTest {

  private static final KeyEncryptionKey KEK = KeyEncryptionKeys.fromMasterSecret("crypto-shredding-test-secret-0123456789");
  private static final FieldSpec<String> NOTE = FieldSpec.builder("Doc", "note", String.class).build();
  private static final Duration REFRESH = Duration.ofMillis(300);

  /** One application instance: its own objects over the shared database. */
  private record Instance(KeyStore store, StoredTenantKeyrings tenants, FieldCipher cipher) {
    static Instance start(TestDatabase db, VaultTables tables, Keyring defaults) {
      KeyStore store = KeyStore.create(db.dataSource(), KEK, tables);
      StoredTenantKeyrings tenants = StoredTenantKeyrings.of(store, "tenant-");
      return new Instance(store, tenants, FieldCipher.create(defaults, tenants, REFRESH));
    }

    String read(TestDatabase db, long id) throws Exception {
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "SELECT tenant, note FROM shred_doc WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return cipher.field(NOTE).decrypt(rs.getBytes(2), rs.getString(1), null);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aTenantShreddedOnOneInstance_isUnreadableOnAnotherWithinItsRefreshInterval(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables tables = VaultTables.withPrefix("shred_fv_");
    db.dropTables("shred_doc", tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    String bin = kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(200)";
    try {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE shred_doc (id BIGINT PRIMARY KEY, tenant VARCHAR(40) NOT NULL, note " + bin + ")");
      }
      Keyring defaults = Keyring.generate("shred-default");
      Instance a = Instance.start(db, tables, defaults);
      Instance b = Instance.start(db, tables, defaults);
      a.tenants().provision("acme");
      a.tenants().provision("globex");
      FieldEncryptor<String> note = a.cipher().field(NOTE);
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "INSERT INTO shred_doc (id, tenant, note) VALUES (?, ?, ?)")) {
        for (long id = 1; id <= 4; id++) {
          String tenant = id % 2 == 0 ? "globex" : "acme";
          ps.setLong(1, id);
          ps.setString(2, tenant);
          ps.setBytes(3, note.encrypt("note " + id, tenant, null));
          ps.executeUpdate();
        }
      }
      assertThat(b.read(db, 1)).isEqualTo("note 1"); // instance b has acme's keys cached now
      assertThat(b.read(db, 2)).isEqualTo("note 2");
      // an unchanged tenant costs b one version query and keeps its unwrapped keys: the same keyring object
      assertThat(b.tenants().keyringFor("globex").orElseThrow()).isSameAs(b.tenants().keyringFor("globex").orElseThrow());

      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream err = System.err;
      int deleted;
      List<VaultKeyset> acmeKeys = List.of(a.store().load("tenant-acme-aead").keyset(),
          a.store().load("tenant-acme-daead").keyset(), a.store().load("tenant-acme-prf").keyset());
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        deleted = a.tenants().shred("acme");
      } finally {
        System.setErr(err);
      }
      a.cipher().forgetTenant("acme");

      assertThat(deleted).isEqualTo(3);
      assertThat(a.store().names()).containsExactly("tenant-globex-aead", "tenant-globex-daead", "tenant-globex-prf");
      assertThatThrownBy(() -> a.read(db, 1)).isInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("Tenant 'acme' has no keyring");
      String logged = log.toString(StandardCharsets.UTF_8);
      assertThat(logged).contains("Deleted keyset 'tenant-acme-aead' (AEAD", "tenant-acme-daead", "tenant-acme-prf");
      // each deletion is one line naming the keyset, its purpose, version and KEK id: nothing else
      List<String> lines = logged.lines().filter(l -> l.contains("Deleted keyset")).toList();
      assertThat(lines).hasSize(3);
      for (String line : lines) {
        assertThat(line).matches(".*Deleted keyset 'tenant-acme-(aead|daead|prf)' \\((AEAD|DETERMINISTIC_AEAD|PRF),"
            + " version 1, under KEK '" + java.util.regex.Pattern.quote(KEK.id()) + "'\\) from shred_fv_keyset: values"
            + " encrypted under its keys can no longer be decrypted$");
      }
      for (VaultKeyset ks : acmeKeys) {
        assertThat(logged).doesNotContain(ks.primary().keyIdText());
      }

      Thread.sleep(REFRESH.toMillis() + 100); // b's cached acme keys are now older than its refresh interval
      assertThatThrownBy(() -> b.read(db, 1)).isInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("Tenant 'acme' has no keyring");
      assertThatThrownBy(() -> b.read(db, 3)).isInstanceOf(KeyUnavailableException.class);
      assertThat(b.read(db, 2)).isEqualTo("note 2");
      assertThat(b.read(db, 4)).isEqualTo("note 4");
      assertThat(a.tenants().shred("acme")).as("nothing left to delete").isZero();
    } finally {
      db.dropTables("shred_doc", tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aTenantShreddedAndProvisionedAgain_isUnreadableOnAnother_whichThenUsesTheNewKeys(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables tables = VaultTables.withPrefix("shred_aba_fv_");
    db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    try {
      Keyring defaults = Keyring.generate("shred-aba-default");
      Instance a = Instance.start(db, tables, defaults);
      Instance b = Instance.start(db, tables, defaults);
      a.tenants().provision("acme");
      byte[] before = a.cipher().field(NOTE).encrypt("shredded note", "acme", null);
      assertThat(b.cipher().field(NOTE).decrypt(before, "acme", null)).isEqualTo("shredded note"); // b caches acme

      // the tenant is erased and signs up again: its new keysets start again at version 1
      a.tenants().shred("acme");
      a.cipher().forgetTenant("acme");
      a.tenants().provision("acme");
      byte[] after = a.cipher().field(NOTE).encrypt("new note", "acme", null);

      Thread.sleep(REFRESH.toMillis() + 100); // b never looked acme up while its keysets were gone
      FieldEncryptor<String> bNote = b.cipher().field(NOTE);
      assertThatThrownBy(() -> bNote.decrypt(before, "acme", null))
          .as("the shredded value stays unreadable on b").isInstanceOf(dev.fieldvault.keys.FieldVaultException.class)
          .hasMessageNotContaining("shredded note");
      assertThat(bNote.decrypt(after, "acme", null)).isEqualTo("new note");
      // and what b writes now, a reads: b writes under the new keys, not the shredded ones
      assertThat(a.cipher().field(NOTE).decrypt(bNote.encrypt("from b", "acme", null), "acme", null))
          .isEqualTo("from b");
      b.cipher().forgetTenant("acme");
      assertThatThrownBy(() -> bNote.decrypt(before, "acme", null))
          .isInstanceOf(dev.fieldvault.keys.FieldVaultException.class);

      // the same for an application keyring reloaded from the store: a keyset deleted and inserted again
      KeyStore store = KeyStore.create(db.dataSource(), KEK, tables);
      store.insert(VaultKeyset.generate("shred-aba-app", dev.fieldvault.keys.KeyPurpose.AEAD));
      StoredKeyring app = StoredKeyring.open(store, "shred-aba-app", null, null);
      byte[] old = app.cipher().field(NOTE).encrypt("old app note", null, null);
      store.delete(List.of("shred-aba-app"));
      store.insert(VaultKeyset.generate("shred-aba-app", dev.fieldvault.keys.KeyPurpose.AEAD));
      assertThat(app.reload()).as("a keyset inserted again at version 1 is a change").isTrue();
      assertThatThrownBy(() -> app.cipher().field(NOTE).decrypt(old, null, null))
          .isInstanceOf(dev.fieldvault.keys.FieldVaultException.class);
    } finally {
      db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void deletingKeysets_isOneTransaction_andNeverDeletesABranchKey(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables tables = VaultTables.withPrefix("shred_bk_fv_");
    db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    try {
      KeyStore direct = KeyStore.create(db.dataSource(), KEK, tables);
      direct.insert(VaultKeyset.generate("shred-bk-aead", dev.fieldvault.keys.KeyPurpose.AEAD));
      direct.insert(VaultKeyset.generate("shred-bk-prf", dev.fieldvault.keys.KeyPurpose.PRF));
      KeyStore store = direct.moveToBranchKey("shred-bk-branch", KEK);

      assertThatThrownBy(() -> store.delete("shred-bk-aead", "shred-bk-branch"))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("branch key")
          .hasMessageContaining("nothing was deleted");
      assertThat(store.names()).containsExactly("shred-bk-aead", "shred-bk-prf");

      assertThat(store.delete("shred-bk-aead", "shred-bk-none")).isEqualTo(1);
      assertThat(store.names()).containsExactly("shred-bk-prf");
      assertThat(store.find("shred-bk-aead")).isEmpty();
      assertThat(store.delete(List.of())).isZero();
      assertThatThrownBy(() -> StoredTenantKeyrings.of(store, "t-").keysetNames("acme corp"))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("cannot name a keyset");
    } finally {
      db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }
}
