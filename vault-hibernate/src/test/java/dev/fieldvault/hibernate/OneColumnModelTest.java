package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.InteropAccount;
import dev.fieldvault.hibernate.entities.KeyedMember;
import dev.fieldvault.hibernate.entities.KeyedParty;
import dev.fieldvault.hibernate.entities.KeyedSplit;
import dev.fieldvault.hibernate.entities.StBike;
import dev.fieldvault.hibernate.entities.StCar;
import dev.fieldvault.hibernate.entities.StVehicle;
import dev.fieldvault.hibernate.entities.TpaBase;
import dev.fieldvault.hibernate.entities.TpaCard;
import dev.fieldvault.hibernate.entities.TpcAccount;
import dev.fieldvault.hibernate.entities.TpcSavings;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.jdbc.rotation.ColumnInventory;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

  /**
   * A JOINED subclass table keyed by {@code @PrimaryKeyJoinColumn(name = "member_id")} and a secondary
   * table keyed by {@code pkJoinColumns = "split_id"}, each with a decoy column named {@code id} (the
   * root's id column name) holding another row's id: the model names each table's own key columns, and
   * the migration job and the key rotation bind row-bound values to the entity's id, so the application
   * reads what they wrote.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void tablesKeyedByOtherColumns_getTheirKeyColumnsFromTheMapping_andTheJobAndRotationBindTheEntityId(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = VaultTables.withPrefix("hibkey_fv_");
    String[] tables = {"hib_key_member", "hib_key_party", "hib_key_split_more", "hib_key_split",
        vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset()};
    db.dropTables(tables);
    vaultTables.install(db.dataSource());
    Keyring keyring = Keyring.generate("hibkey");
    int rows = 12;
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, keyring,
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), KeyedParty.class, KeyedMember.class, KeyedSplit.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attributes()).extracting(a -> a.entityName() + "." + a.attributePath() + " "
          + a.table().toLowerCase() + " " + a.idColumns().toString().toLowerCase() + " " + a.rowBound())
          .containsExactlyInAnyOrder("KeyedMember.email hib_key_member [member_id] true",
              "KeyedSplit.note hib_key_split_more [split_id] true",
              "KeyedSplit.email hib_key_split_more [split_id] false");
      assertThat(HibernateRotation.columns(vault)).filteredOn(c -> c.rowIdColumn() != null)
          .extracting(c -> c.table().toLowerCase() + "." + c.rowIdColumn().toLowerCase())
          .containsExactlyInAnyOrder("hib_key_member.member_id", "hib_key_split_more.split_id");
      assertThat(HibernateRotation.tables(vault)).extracting(t -> t.table().toLowerCase() + " "
          + t.primaryKeys().toString().toLowerCase())
          .containsExactlyInAnyOrder("hib_key_member [member_id]", "hib_key_split_more [split_id]");

      // rows a plaintext application wrote; each decoy 'id' is another row's id
      try (Connection c = db.connect()) {
        for (long i = 1; i <= rows; i++) {
          long decoy = i % rows + 1;
          insert(c, "insert into hib_key_party (id, name) values (?, ?)", i, "party " + i);
          insert(c, "insert into hib_key_member (member_id, email, id) values (?, ?, ?)", i,
              bytes("m" + i + "@example.com"), decoy);
          insert(c, "insert into hib_key_split (id, name) values (?, ?)", i, "split " + i);
          insert(c, "insert into hib_key_split_more (split_id, note, email, id) values (?, ?, ?, ?)", i,
              bytes("note " + i), "s" + i + "@example.com", decoy);
        }
      }

      // the migration job, on the tables Hibernate's model gives
      RotationResult migrated = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .migratePlaintext(true).rotationId("migrate").batchSize(5).build().run();
      assertThat(migrated.complete()).isTrue();
      assertThat(migrated.plaintextEncrypted()).isEqualTo(3L * rows);
      assertKeyedRowsRead(sf, rows);

      // then a key rotation over the same tables
      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .rotationId("rotate").batchSize(5).build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(2L * rows);
      for (ColumnInventory ci : KeyInventory.scanColumns(db.dataSource(), HibernateRotation.columns(vault)).columns()) {
        assertThat(ci.valuesByKeyId().keySet()).as(ci.qualifiedName()).containsExactlyInAnyOrder(
            ci.qualifiedName().toLowerCase().endsWith("email") && ci.qualifiedName().toLowerCase().contains("split")
                ? rotated.deterministic().orElseThrow().primary().keyId()
                : rotated.aead().orElseThrow().primary().keyId());
        assertThat(ci.encryptedValues()).as(ci.qualifiedName()).isEqualTo(rows);
      }
      assertKeyedRowsRead(sf, rows);

      // an update query cannot change the entity's id (row-bound values are bound to it), whichever table's key
      // column holds it; a column of another table that is only named like the root's id is an ordinary column
      for (String update : new String[] {"update KeyedSplit k set k.id = k.id + 100 where k.id = 1",
          "update KeyedMember m set m.id = m.id + 100 where m.id = 1"}) {
        Jpa.tx(sf, s -> assertThatThrownBy(() -> s.createMutationQuery(update).executeUpdate()).as(update)
            .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("changes the id"));
      }
      Jpa.tx(sf, s -> {
        assertThat(s.createMutationQuery("update KeyedSplit k set k.decoy = 99 where k.id = 2").executeUpdate()).isOne();
        assertThat(s.createMutationQuery("update KeyedMember m set m.decoy = 98 where m.id = 3").executeUpdate()).isOne();
      });
      Jpa.tx(sf, s -> {
        assertThat(s.find(KeyedSplit.class, 2L).decoy).isEqualTo(99L);
        assertThat(s.find(KeyedSplit.class, 2L).note).isEqualTo("note 2");
        assertThat(s.find(KeyedMember.class, 3L).decoy).isEqualTo(98L);
        assertThat(s.find(KeyedMember.class, 3L).email).isEqualTo("m3@example.com");
        assertThat(s.find(KeyedSplit.class, 1L)).isNotNull();
      });
    } finally {
      db.dropTables(tables);
    }
  }

  /**
   * TABLE_PER_CLASS: an {@code @Encrypted} attribute of the root is in the root's table and in each concrete
   * subclass table. Each table is listed (with its own key columns; an abstract root's table, which does
   * not exist, is not), so the migration job, the key inventory and the key rotation reach the subclass
   * rows, and the in-app migration writes a subclass row to its own table.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void tablePerClass_eachConcreteTableIsListed_migrated_inventoried_andRotated(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = VaultTables.withPrefix("hibtpc_fv_");
    String[] tables = {"hib_tpc_account", "hib_tpc_savings", "hib_tpa_card", vaultTables.rotationRange(),
        vaultTables.rotation(), vaultTables.keyset()};
    db.dropTables(tables);
    vaultTables.install(db.dataSource());
    Keyring keyring = Keyring.generate("hibtpc");
    int rows = 10;
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, keyring,
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), TpcAccount.class, TpcSavings.class, TpaBase.class,
        TpaCard.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attributes()).extracting(a -> a.entityName() + "." + a.attributePath() + " "
          + a.table().toLowerCase() + " " + a.idColumns().toString().toLowerCase() + " " + a.context())
          .containsExactlyInAnyOrder(
              "TpcAccount.secret hib_tpc_account [id] " + EncryptionContext.of("TpcAccount", "secret"),
              "TpcAccount.email hib_tpc_account [id] " + EncryptionContext.of("TpcAccount", "email"),
              "TpcSavings.secret hib_tpc_savings [id] " + EncryptionContext.of("TpcAccount", "secret"),
              "TpcSavings.email hib_tpc_savings [id] " + EncryptionContext.of("TpcAccount", "email"),
              "TpaCard.note hib_tpa_card [id] " + EncryptionContext.of("TpaBase", "note"));
      assertThat(vault.attribute(TpcSavings.class, "secret").table()).isEqualToIgnoringCase("hib_tpc_savings");
      assertThat(vault.attribute(TpcAccount.class, "secret").table()).isEqualToIgnoringCase("hib_tpc_account");
      assertThat(HibernateRotation.tables(vault)).extracting(t -> t.table().toLowerCase() + " "
          + t.primaryKeys().toString().toLowerCase())
          .containsExactlyInAnyOrder("hib_tpc_account [id]", "hib_tpc_savings [id]", "hib_tpa_card [id]");

      // rows a plaintext application wrote, in each table
      try (Connection c = db.connect()) {
        for (long i = 1; i <= rows; i++) {
          insert(c, "insert into hib_tpc_account (id, secret, email) values (?, ?, ?)", i, "acc-" + i,
              bytes("a" + i + "@example.com"));
          insert(c, "insert into hib_tpc_savings (id, secret, email, rate) values (?, ?, ?, ?)", 100 + i,
              "sav-" + (100 + i), bytes("s" + i + "@example.com"), (int) i);
          insert(c, "insert into hib_tpa_card (id, note) values (?, ?)", 200 + i, bytes("card " + i));
        }
      }

      // the in-app migration writes a subclass row to the subclass table, and then reads no plaintext there
      Jpa.tx(sf, s -> {
        assertThat(s.find(TpcAccount.class, 1L).secret).isEqualTo("acc-1");
        assertThat(s.find(TpcSavings.class, 101L).secret).isEqualTo("sav-101");
        assertThat(s.find(TpcSavings.class, 101L).email).isEqualTo("s1@example.com");
        assertThat(s.find(TpaCard.class, 201L).note).isEqualTo("card 1");
      });
      assertThat(plaintextLeft(db, "hib_tpc_account", 1, "secret", "email")).isZero();
      assertThat(plaintextLeft(db, "hib_tpc_savings", 101, "secret", "email")).isZero();
      assertThat(plaintextLeft(db, "hib_tpa_card", 201, "note")).isZero();
      Map<String, Long> reads = vault.plaintextReads();
      Jpa.tx(sf, s -> {
        assertThat(s.find(TpcSavings.class, 101L).secret).isEqualTo("sav-101");
        assertThat(s.find(TpcAccount.class, 1L).secret).isEqualTo("acc-1");
      });
      assertThat(vault.plaintextReads()).as("no plaintext left to read in either table").isEqualTo(reads);

      // the migration job, on every table; then the inventory sees no plaintext
      RotationResult migrated = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .migratePlaintext(true).rotationId("migrate").batchSize(4).build().run();
      assertThat(migrated.complete()).isTrue();
      assertThat(migrated.plaintextEncrypted()).isEqualTo(2L * (rows - 1) * 2 + (rows - 1));
      for (String table : new String[] {"hib_tpc_account", "hib_tpc_savings"}) {
        assertThat(plaintextLeft(db, table, -1, "secret", "email")).as(table).isZero();
      }
      assertThat(plaintextLeft(db, "hib_tpa_card", -1, "note")).isZero();
      List<ColumnInventory> inventory = KeyInventory.scanColumns(db.dataSource(), HibernateRotation.columns(vault))
          .columns();
      assertThat(inventory).extracting(ci -> ci.qualifiedName().toLowerCase()).containsExactlyInAnyOrder(
          "hib_tpc_account.secret", "hib_tpc_account.email", "hib_tpc_savings.secret", "hib_tpc_savings.email",
          "hib_tpa_card.note");
      for (ColumnInventory ci : inventory) {
        assertThat(ci.encryptedValues()).as(ci.qualifiedName()).isEqualTo(rows);
      }

      // a key rotation re-encrypts the subclass tables too
      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .rotationId("rotate").batchSize(4).build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(3L * rows);
      for (ColumnInventory ci : KeyInventory.scanColumns(db.dataSource(), HibernateRotation.columns(vault)).columns()) {
        assertThat(ci.valuesByKeyId().keySet()).as(ci.qualifiedName()).containsExactly(
            ci.qualifiedName().toLowerCase().endsWith("email") ? rotated.deterministic().orElseThrow().primary().keyId()
                : rotated.aead().orElseThrow().primary().keyId());
      }
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= rows; i++) {
          assertThat(s.find(TpcAccount.class, i).secret).isEqualTo("acc-" + i);
          TpcSavings sav = s.find(TpcSavings.class, 100 + i);
          assertThat(sav.secret).isEqualTo("sav-" + (100 + i));
          assertThat(sav.email).isEqualTo("s" + i + "@example.com");
          assertThat(s.find(TpaCard.class, 200 + i).note).isEqualTo("card " + i);
        }
        assertThat(s.createSelectionQuery("from TpcAccount a where a.email = :e", TpcAccount.class)
            .setParameter("e", "s7@example.com").getSingleResult().id).isEqualTo(107L);
      });
    }
    // strict: a plaintext left in a subclass table is reported with that table
    try (SessionFactory strict = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, keyring,
        FieldVaultSettings.PLAINTEXT_POLICY, "CIPHERTEXT_ONLY", "hibernate.hbm2ddl.auto", "none"), TpcAccount.class,
        TpcSavings.class, TpaBase.class, TpaCard.class)) {
      try (Connection c = db.connect()) {
        insert(c, "insert into hib_tpc_savings (id, secret, rate) values (?, ?, ?)", 150L, "sav-150", 1);
      }
      Jpa.tx(strict, s -> assertThatThrownBy(() -> s.find(TpcSavings.class, 150L))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasMessageContaining("TpcSavings.secret").hasMessageContaining("hib_tpc_savings.secret")
          .hasMessageNotContaining("sav-150"));
    } finally {
      db.dropTables(tables);
    }
  }

  /**
   * SINGLE_TABLE siblings that map one column with one pinned context are one column for the rotation, the
   * migration job and the inventory (listed once), and each sibling reads the values the other wrote.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void singleTableSiblingsSharingAColumnAlike_areOneColumnForTheJobAndTheRotation(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = VaultTables.withPrefix("hibst_fv_");
    String[] tables = {"hib_st_vehicle", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset()};
    db.dropTables(tables);
    vaultTables.install(db.dataSource());
    Keyring keyring = Keyring.generate("hibst");
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, keyring,
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), StVehicle.class, StCar.class, StBike.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(HibernateRotation.tables(vault)).singleElement().satisfies(t -> assertThat(t.columns())
          .extracting(c -> c.column().toLowerCase()).containsExactly("code"));
      assertThat(HibernateRotation.columns(vault)).hasSize(1);
      Jpa.tx(sf, s -> {
        StCar car = new StCar();
        car.id = 1L;
        car.code = "car-1";
        s.persist(car);
      });
      Jpa.update(db, "insert into hib_st_vehicle (kind, id, code) values (?, ?, ?)", "StBike", 2L, "bike-2");
      RotationResult migrated = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .migratePlaintext(true).rotationId("migrate").build().run();
      assertThat(migrated.complete()).isTrue();
      assertThat(migrated.plaintextEncrypted()).isEqualTo(1L);
      Keyring rotated = keyring.with(keyring.deterministic().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .rotationId("rotate").build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(2L);
      Jpa.tx(sf, s -> {
        assertThat(s.find(StCar.class, 1L).code).isEqualTo("car-1");
        assertThat(s.find(StBike.class, 2L).code).isEqualTo("bike-2");
        assertThat(s.createSelectionQuery("from StBike b where b.code = :c", StBike.class).setParameter("c", "bike-2")
            .getSingleResult().id).isEqualTo(2L);
      });
    } finally {
      db.dropTables(tables);
    }
  }

  /** How many non-null values of these columns are not ciphertexts, in one row ({@code id}) or all ({@code -1}). */
  private static long plaintextLeft(TestDatabase db, String table, long id, String... columns) throws SQLException {
    long left = 0;
    try (Connection c = db.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery("select "
        + String.join(", ", columns) + " from " + table + (id < 0 ? "" : " where id = " + id))) {
      int seen = 0;
      while (rs.next()) {
        seen++;
        for (int i = 1; i <= columns.length; i++) {
          Object v = rs.getObject(i);
          boolean ct = v instanceof String ? CiphertextHeader.hasCiphertextFormText((String) v)
              : v != null && CiphertextHeader.hasCiphertextForm((byte[]) v);
          if (v != null && !ct) {
            left++;
          }
        }
      }
      assertThat(seen).as("rows of " + table).isPositive();
    }
    return left;
  }

  /** Every row reads through Hibernate with its values, and the deterministic one is found by a search. */
  private static void assertKeyedRowsRead(SessionFactory sf, int rows) {
    Jpa.tx(sf, s -> {
      for (long i = 1; i <= rows; i++) {
        KeyedMember m = s.find(KeyedMember.class, i);
        assertThat(m.email).isEqualTo("m" + i + "@example.com");
        assertThat(m.decoy).isEqualTo(i % rows + 1);
        KeyedSplit k = s.find(KeyedSplit.class, i);
        assertThat(k.note).isEqualTo("note " + i);
        assertThat(k.email).isEqualTo("s" + i + "@example.com");
        assertThat(k.decoy).isEqualTo(i % rows + 1);
      }
      assertThat(s.createSelectionQuery("from KeyedSplit k where k.email = :e", KeyedSplit.class)
          .setParameter("e", "s7@example.com").getSingleResult().id).isEqualTo(7L);
    });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void insert(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }
}
