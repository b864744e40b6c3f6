package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.InteropAccount;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.jdbc.rotation.ColumnInventory;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDBC wrapper and the rewrapper built from ONE column model, taken from a Hibernate mapping:
 * a value written through the wrapper is rewrapped by the rewrapper and read by Hibernate, and a
 * value written by Hibernate is rewrapped and read through the wrapper, so every context agrees.
 */
class OneColumnModelTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void wrapperAndRewrapper_fromTheMappingsModel_agreeWithHibernateOnEveryContext(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = VaultTables.withPrefix("hibone_fv_");
    db.dropTables("hibjdbc_account", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    vaultTables.install(db.dataSource());
    Keyring keyring = Keyring.generate("hibone");
    try (SessionFactory sf = Jpa.build(db, keyring, InteropAccount.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      // one model, from the mapping
      List<EncryptedColumn> model = HibernateRotation.columns(vault);
      assertThat(model).extracting(c -> c.column().toLowerCase())
          .containsExactlyInAnyOrder("holder", "email", "iban", "phone", "street");
      for (EncryptedAttribute a : vault.attributes()) {
        EncryptedColumn c = model.stream().filter(m -> m.is(a.table(), a.column())).findFirst().orElseThrow();
        assertThat(c.spec().domain()).isEqualTo(a.context().domain());
        assertThat(c.spec().field()).isEqualTo(a.context().field());
        assertThat(c.mode()).isEqualTo(a.mode());
        assertThat(c.spec().rowBound()).isEqualTo(a.rowBound());
      }
      EncryptingDataSource wrapper = EncryptingDataSource.wrap(db.dataSource(), vault.cipher(),
          EncryptedColumns.builder().addAll(model).build());
      Rewrapper.Builder rewrapper = Rewrapper.builder(db.dataSource(), vault.cipher()).vaultTables(vaultTables)
          .table(EncryptedTable.builder("hibjdbc_account").primaryKey("id").columnsOf(model).build());

      // row 1 through the wrapper, row 2 through Hibernate, both under the first keys
      try (Connection c = wrapper.getConnection(); PreparedStatement ps = c.prepareStatement(
          "insert into hibjdbc_account (id, holder, email, iban, street, city, phone, phone_bidx)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, 1L);
        ps.setString(2, "Jdbc Holder");
        ps.setString(3, "jdbc@example.com");
        ps.setString(4, "GB29 0001");
        ps.setString(5, "1 JDBC Road");
        ps.setString(6, "London");
        ps.setString(7, "+44 20 1");
        ps.setString(8, "+44 20 1");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      Jpa.tx(sf, s -> s.persist(new InteropAccount(2L, "Orm Holder", "orm@example.com", "DE44 0002",
          new Address("2 ORM Street", "Berlin"))));

      // new primary keys everywhere, then the rewrapper of the same model moves both rows
      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate())
          .with(keyring.prf().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = rewrapper.build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(2);
      Set<Integer> primaries = Set.of(rotated.aead().orElseThrow().primary().keyId(),
          rotated.deterministic().orElseThrow().primary().keyId(), rotated.prf().orElseThrow().primary().keyId());
      for (ColumnInventory ci : KeyInventory.scanColumns(db.dataSource(), model).columns()) {
        assertThat(primaries).as(ci.qualifiedName()).containsAll(ci.valuesByKeyId().keySet());
        assertThat(ci.encryptedValues()).as(ci.qualifiedName()).isEqualTo(2);
      }

      // the wrapper-written row reads through Hibernate (searches included) ...
      Jpa.tx(sf, s -> {
        InteropAccount a = s.find(InteropAccount.class, 1L);
        assertThat(a.holder).isEqualTo("Jdbc Holder");
        assertThat(a.iban).isEqualTo("GB29 0001");
        assertThat(a.address.street).isEqualTo("1 JDBC Road");
        assertThat(s.createSelectionQuery("from InteropAccount a where a.email = :e", InteropAccount.class)
            .setParameter("e", "jdbc@example.com").getSingleResult().id).isEqualTo(1L);
        assertThat(s.createSelectionQuery("from InteropAccount a where a.phoneIndex in :bis", InteropAccount.class)
            .setParameter("bis", vault.blindIndexes(InteropAccount.class, "phone", "+44 20 1"))
            .getSingleResult().id).isEqualTo(1L);
      });
      // ... and the Hibernate-written row through the wrapper
      try (Connection c = wrapper.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select id, holder, iban, street from hibjdbc_account where email = ?")) {
        ps.setString(1, "orm@example.com");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(2L);
          assertThat(rs.getString(2)).isEqualTo("Orm Holder");
          assertThat(rs.getString(3)).isEqualTo("DE44 0002");
          assertThat(rs.getString(4)).isEqualTo("2 ORM Street");
        }
      }
    } finally {
      db.dropTables("hibjdbc_account", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    }
  }
}
