package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.CompositeAccount;
import dev.fieldvault.hibernate.entities.RotatedAccount;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One call discovers every @Encrypted column of a SessionFactory and rotates it in place. */
class HibernateRotationTest {

  static final int ROWS = 300;

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void discoveredColumns_areRewrappedToTheNewKeys_andEntitiesStillLoad(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = freshWorkTables(db, "hibrot");
    Keyring keyring = Keyring.generate("hibrot");
    try (SessionFactory sf = Jpa.build(db, keyring, RotatedAccount.class)) {
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= ROWS; i++) {
          s.persist(new RotatedAccount(i, "Holder " + i, "h" + i + "@example.com", "DE89 3704 " + i,
              new Address(i + " Main Street", "Berlin")));
        }
      });
      HibernateVault vault = HibernateVault.of(sf);

      List<EncryptedTable> tables = HibernateRotation.tables(vault);
      assertThat(tables).hasSize(1);
      assertThat(tables.get(0).table()).isEqualToIgnoringCase("hibrot_account");
      assertThat(tables.get(0).primaryKeys()).singleElement().asString().isEqualToIgnoringCase("id");
      assertThat(tables.get(0).columns()).extracting(c -> c.column().toLowerCase())
          .containsExactlyInAnyOrder("holder", "email", "iban", "phone", "street");
      assertThat(tables.get(0).columns()).filteredOn(c -> c.column().equalsIgnoreCase("phone"))
          .extracting(c -> c.blindIndexColumn().toLowerCase()).containsExactly("phone_bidx");

      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate())
          .with(keyring.prf().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables).batchSize(64).build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);

      int aeadPrimary = rotated.aead().orElseThrow().primary().keyId();
      int daeadPrimary = rotated.deterministic().orElseThrow().primary().keyId();
      assertThat(keyIds(db, "holder")).containsExactly(aeadPrimary);
      assertThat(keyIds(db, "iban")).containsExactly(aeadPrimary);
      assertThat(keyIds(db, "street")).containsExactly(aeadPrimary);
      assertThat(keyIds(db, "email")).containsExactly(daeadPrimary);
      assertThat(blindIndexKeyIds(db)).containsExactly(rotated.prf().orElseThrow().primary().keyId());

      // every entity still loads with its original values (row binding included), and search still works
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= ROWS; i += 37) {
          RotatedAccount a = s.find(RotatedAccount.class, i);
          assertThat(a.holder).isEqualTo("Holder " + i);
          assertThat(a.iban).isEqualTo("DE89 3704 " + i);
          assertThat(a.address.street).isEqualTo(i + " Main Street");
        }
        assertThat(s.createSelectionQuery("from RotatedAccount a where a.email = :e", RotatedAccount.class)
            .setParameter("e", "h42@example.com").getSingleResult().id).isEqualTo(42L);
        assertThat(s.createSelectionQuery("from RotatedAccount a where a.phoneIndex in :bis", RotatedAccount.class)
            .setParameter("bis", vault.blindIndexes(RotatedAccount.class, "phone", "+49 30 77"))
            .getSingleResult().id).isEqualTo(77L);
      });
      // a second run is a no-op
      RotationResult again = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables).build().run();
      assertThat(again.rowsRewrapped()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void embeddedIdEntity_isWalkedByItsIdColumns_andRewrapped(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = freshWorkTables(db, "hibrck");
    Keyring keyring = Keyring.generate("hibrck");
    int rows = 3 * 40;
    try (SessionFactory sf = Jpa.build(db, keyring, CompositeAccount.class)) {
      Jpa.tx(sf, s -> {
        for (long t = 1; t <= 3; t++) {
          for (int i = 0; i < 40; i++) {
            s.persist(new CompositeAccount(t, "c," + i, "secret " + t + "/" + i, "u" + t + "." + i + "@example.com"));
          }
        }
      });
      HibernateVault vault = HibernateVault.of(sf);

      List<EncryptedTable> tables = HibernateRotation.tables(vault);
      assertThat(tables).singleElement().satisfies(t -> assertThat(t.primaryKeys()).extracting(String::toLowerCase)
          .containsExactlyInAnyOrder("tenant_id", "code"));
      assertThat(vault.attributes()).allSatisfy(a -> assertThat(a.idColumn()).as("no single id column").isNull());

      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .rangeSize(100).batchSize(16).build().run();

      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(rows);
      assertThat(keyIds(db, "hibrck_account", "secret")).containsExactly(rotated.aead().orElseThrow().primary().keyId());
      assertThat(keyIds(db, "hibrck_account", "email"))
          .containsExactly(rotated.deterministic().orElseThrow().primary().keyId());
      Jpa.tx(sf, s -> {
        CompositeAccount a = s.find(CompositeAccount.class, new CompositeAccount.Key(2, "c,7"));
        assertThat(a.secret).isEqualTo("secret 2/7");
        assertThat(s.createSelectionQuery("from CompositeAccount a where a.email = :e", CompositeAccount.class)
            .setParameter("e", "u3.39@example.com").getSingleResult().secret).isEqualTo("secret 3/39");
      });
      assertThat(HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables).rotationId("again")
          .build().run().rowsRewrapped()).isZero();
    } finally {
      db.dropTables("hibrck_account", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    }
  }

  /** Drops {@code <prefix>_account} and creates fresh work tables {@code <prefix>_fv_...}. */
  private static VaultTables freshWorkTables(TestDatabase db, String prefix) throws Exception {
    VaultTables vaultTables = VaultTables.withPrefix(prefix + "_fv_");
    db.dropTables(prefix + "_account", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    vaultTables.install(db.dataSource());
    return vaultTables;
  }

  private static Set<Integer> blindIndexKeyIds(TestDatabase db) throws Exception {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); var st = c.createStatement();
        ResultSet rs = st.executeQuery("select phone_bidx from hibrot_account")) {
      while (rs.next()) {
        ids.add(dev.fieldvault.keys.FieldCipher.blindIndexKeyId(rs.getBytes(1)));
      }
    }
    return ids;
  }

  private static Set<Integer> keyIds(TestDatabase db, String column) throws Exception {
    return keyIds(db, "hibrot_account", column);
  }

  private static Set<Integer> keyIds(TestDatabase db, String table, String column) throws Exception {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); var st = c.createStatement();
        ResultSet rs = st.executeQuery("select " + column + " from " + table)) {
      while (rs.next()) {
        ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
      }
    }
    return ids;
  }
}
