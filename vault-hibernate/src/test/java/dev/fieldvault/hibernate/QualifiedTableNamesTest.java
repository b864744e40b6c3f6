package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.CamelAccount;
import dev.fieldvault.hibernate.entities.QuotedMixed;
import dev.fieldvault.hibernate.entities.SchemaCustomer;
import dev.fieldvault.hibernate.entities.SchemaCustomerElsewhere;
import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.PreparedStatement;
import javax.sql.DataSource;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.ColumnInventory;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issues #13/#14: the tables the mapping gives FieldVault carry the schema Hibernate uses and keep
 * its quoting, so the rotation and the key inventory read the entity's own table: never a same-named
 * table in the connection's default schema, never a case-folded name that does not exist.
 */
class QualifiedTableNamesTest {

  private static final int ROWS = 20;
  private static final int DECOY_ROWS = 3;

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void defaultSchema_isInTheTableNames_andTheRotationRewrapsTheMappedTable_notTheDecoy(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String schema = secondSchema(db);
    VaultTables vaultTables = freshWorkTables(db, "h14sch");
    Keyring keyring = Keyring.generate("h14sch");
    // the decoy: the same entity's table in the connection's default schema, rows under the old keys
    try (SessionFactory decoy = Jpa.build(db, keyring, SchemaCustomer.class)) {
      Jpa.tx(decoy, s -> {
        for (long i = 1; i <= DECOY_ROWS; i++) {
          s.persist(new SchemaCustomer(i, "decoy" + i + "@example.com", "decoy note " + i));
        }
      });
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put(schemaSetting(kind), schema);
    try (SessionFactory sf = Jpa.build(db, settings, SchemaCustomer.class)) {
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= ROWS; i++) {
          s.persist(new SchemaCustomer(i, "c" + i + "@example.com", "note " + i));
        }
      });
      HibernateVault vault = HibernateVault.of(sf);
      String qualified = schema + ".h14_customer";

      assertThat(vault.attributes()).allSatisfy(a -> assertThat(SqlIdentifier.key(a.table())).isEqualTo(qualified));
      List<EncryptedTable> tables = HibernateRotation.tables(vault);
      assertThat(tables).singleElement().satisfies(t -> assertThat(SqlIdentifier.key(t.table())).isEqualTo(qualified));
      assertThat(HibernateRotation.columns(vault)).extracting(c -> SqlIdentifier.key(c.table()))
          .containsOnly(qualified);

      int oldDaead = keyring.deterministic().orElseThrow().primary().keyId();
      int oldAead = keyring.aead().orElseThrow().primary().keyId();
      // the inventory counts the mapped table's values, not the decoy's
      assertThat(usingKey(db, HibernateRotation.columns(vault), oldDaead)).isEqualTo(ROWS);

      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate());
      vault.reload(rotated);
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
          .batchSize(8).build().run();

      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
      int newDaead = rotated.deterministic().orElseThrow().primary().keyId();
      int newAead = rotated.aead().orElseThrow().primary().keyId();
      assertThat(keyIds(db, qualified, "email")).containsExactly(newDaead);
      assertThat(keyIds(db, qualified, "note")).containsExactly(newAead);
      // the decoy is left as it was
      assertThat(keyIds(db, "h14_customer", "email")).containsExactly(oldDaead);
      assertThat(keyIds(db, "h14_customer", "note")).containsExactly(oldAead);
      assertThat(rowCount(db, "h14_customer")).isEqualTo(DECOY_ROWS);
      // so the inventory says the old keys are unused by the mapped table, and the entities still load
      assertThat(usingKey(db, HibernateRotation.columns(vault), oldDaead)).isZero();
      assertThat(usingKey(db, HibernateRotation.columns(vault), oldAead)).isZero();
      assertThat(usingKey(db, HibernateRotation.columns(vault), newAead)).isEqualTo(ROWS);
      Jpa.tx(sf, s -> {
        SchemaCustomer c = s.find(SchemaCustomer.class, 7L);
        assertThat(c.email).isEqualTo("c7@example.com");
        assertThat(c.note).isEqualTo("note 7");
        assertThat(s.createSelectionQuery("from SchemaCustomer c where c.email = :e", SchemaCustomer.class)
            .setParameter("e", "c3@example.com").getSingleResult().id).isEqualTo(3L);
      });
    } finally {
      db.dropTables(schema + ".h14_customer", "h14_customer", vaultTables.rotationRange(), vaultTables.rotation(),
          vaultTables.keyset());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void quotedMixedCaseTable_keepsItsQuotes_andIsRotatedAndCounted(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = freshWorkTables(db, "h14mix");
    Keyring keyring = Keyring.generate("h14mix");
    try (SessionFactory sf = Jpa.build(db, keyring, QuotedMixed.class)) {
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= ROWS; i++) {
          s.persist(new QuotedMixed(i, "m" + i + "@example.com", "secret " + i));
        }
      });
      rotatesQuoted(db, sf, keyring, vaultTables, "H14Mixed", "mixedId", "homeEmail", "secretNote",
          s -> {
            QuotedMixed m = s.find(QuotedMixed.class, 5L);
            assertThat(m.homeEmail).isEqualTo("m5@example.com");
            assertThat(m.secretNote).isEqualTo("secret 5");
            assertThat(s.createSelectionQuery("from QuotedMixed m where m.homeEmail = :e", QuotedMixed.class)
                .setParameter("e", "m9@example.com").getSingleResult().id).isEqualTo(9L);
          });
    } finally {
      db.dropTables(quote(db, "H14Mixed"), vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void globallyQuotedIdentifiers_keepTheirQuotes_andTheTableIsRotatedAndCounted(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables vaultTables = freshWorkTables(db, "h14cam");
    Keyring keyring = Keyring.generate("h14cam");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put("hibernate.globally_quoted_identifiers", "true");
    try (SessionFactory sf = Jpa.build(db, settings, CamelAccount.class)) {
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= ROWS; i++) {
          s.persist(new CamelAccount(i, "k" + i + "@example.com", "camel " + i));
        }
      });
      rotatesQuoted(db, sf, keyring, vaultTables, "H14Camel", "camelId", "homeEmail", "secretNote",
          s -> {
            CamelAccount a = s.find(CamelAccount.class, 4L);
            assertThat(a.homeEmail).isEqualTo("k4@example.com");
            assertThat(a.secretNote).isEqualTo("camel 4");
          });
    } finally {
      db.dropTables(quote(db, "H14Camel"), vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void checkTables_refusesAMappedTableThatIsMissing_evenWithASameNamedTableInTheDefaultSchema(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String schema = secondSchema(db);
    Keyring keyring = Keyring.generate("h14chk");
    try {
      try (SessionFactory decoy = Jpa.build(db, keyring, SchemaCustomer.class)) {
        Jpa.tx(decoy, s -> s.persist(new SchemaCustomer(1, "decoy@example.com", "decoy")));
      }
      db.dropTables(schema + ".h14_customer");
      Map<String, Object> settings = new HashMap<>();
      settings.put(FieldVaultSettings.KEYRING, keyring);
      settings.put(schemaSetting(kind), schema);
      settings.put("hibernate.hbm2ddl.auto", "none");
      try (SessionFactory sf = Jpa.build(db, settings, SchemaCustomer.class)) {
        HibernateVault vault = HibernateVault.of(sf);
        // the check a caller runs before promoting keys: the mapped table is missing, the decoy does not count
        Rewrapper rewrapper = HibernateRotation.rewrapper(vault, db.dataSource()).build();
        assertThatThrownBy(rewrapper::checkTables).isInstanceOf(VaultStorageException.class)
            .hasMessageContaining("cannot read the declared tables");
        assertThatThrownBy(() -> KeyInventory.scanColumns(db.dataSource(), HibernateRotation.columns(vault)))
            .isInstanceOf(VaultStorageException.class);
      }
      // and it passes once the table is there (the decoy holds the only row: the rotation did nothing)
      assertThat(keyIds(db, "h14_customer", "email"))
          .containsExactly(keyring.deterministic().orElseThrow().primary().keyId());
      Map<String, Object> create = new HashMap<>();
      create.put(FieldVaultSettings.KEYRING, keyring);
      create.put(schemaSetting(kind), schema);
      try (SessionFactory sf = Jpa.build(db, create, SchemaCustomer.class)) {
        HibernateRotation.rewrapper(HibernateVault.of(sf), db.dataSource()).build().checkTables();
      }
    } finally {
      db.dropTables(schema + ".h14_customer", "h14_customer");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void jdbcWrapper_writesTheQualifiedTable_andRefusesSameNamedTablesOfTwoSchemas(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String schema = secondSchema(db);
    Keyring keyring = Keyring.generate("h14jdbc");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put(schemaSetting(kind), schema);
    try {
      try (SessionFactory sf = Jpa.build(db, settings, SchemaCustomer.class)) {
        HibernateVault vault = HibernateVault.of(sf);
        DataSource wrapped = HibernateJdbc.wrap(db.dataSource(), vault);
        try (Connection c = wrapped.getConnection();
            PreparedStatement ps = c.prepareStatement("insert into " + schema + ".h14_customer (id, email, note)"
                + " values (?, ?, ?)")) {
          ps.setLong(1, 11);
          ps.setString(2, "jdbc@example.com");
          ps.setString(3, "written by jdbc");
          ps.executeUpdate();
        }
        assertThat(keyIds(db, schema + ".h14_customer", "email"))
            .containsExactly(keyring.deterministic().orElseThrow().primary().keyId());
        Jpa.tx(sf, s -> {
          SchemaCustomer c = s.find(SchemaCustomer.class, 11L);
          assertThat(c.email).isEqualTo("jdbc@example.com");
          assertThat(c.note).isEqualTo("written by jdbc");
        });
      }
      // two encrypted tables named alike in two schemas: the wrapper, which matches statements' tables
      // without their schema, refuses them rather than confuse them
      Map<String, Object> both = new HashMap<>();
      both.put(FieldVaultSettings.KEYRING, keyring);
      both.put("hibernate.hbm2ddl.auto", "none");
      try (SessionFactory sf = Jpa.build(db, both, SchemaCustomer.class, SchemaCustomerElsewhere.class)) {
        HibernateVault vault = HibernateVault.of(sf);
        assertThatThrownBy(() -> HibernateJdbc.encryptedColumns(vault))
            .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("h14_customer");
      }
    } finally {
      db.dropTables(schema + ".h14_customer");
    }
  }

  private static void rotatesQuoted(TestDatabase db, SessionFactory sf, Keyring keyring, VaultTables vaultTables,
      String table, String id, String deterministic, String rowBound,
      java.util.function.Consumer<org.hibernate.Session> stillLoads) throws Exception {
    HibernateVault vault = HibernateVault.of(sf);
    String quotedTable = quote(db, table);
    assertThat(vault.attributes()).allSatisfy(a -> {
      assertThat(a.table()).isEqualTo(quotedTable);
      assertThat(a.idColumns()).containsExactly(quote(db, id));
    });
    assertThat(vault.attributes()).extracting(EncryptedAttribute::column)
        .containsExactlyInAnyOrder(quote(db, deterministic), quote(db, rowBound));
    List<EncryptedTable> tables = HibernateRotation.tables(vault);
    assertThat(tables).singleElement().satisfies(t -> {
      assertThat(t.table()).isEqualTo(quotedTable);
      assertThat(t.primaryKeys()).containsExactly(quote(db, id));
    });
    int oldDaead = keyring.deterministic().orElseThrow().primary().keyId();
    assertThat(usingKey(db, HibernateRotation.columns(vault), oldDaead)).isEqualTo(ROWS);

    Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
        .with(keyring.deterministic().orElseThrow().rotate());
    vault.reload(rotated);
    RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
        .batchSize(8).build().run();
    assertThat(result.complete()).isTrue();
    assertThat(result.rowsRewrapped()).isEqualTo(ROWS);
    int newDaead = rotated.deterministic().orElseThrow().primary().keyId();
    int newAead = rotated.aead().orElseThrow().primary().keyId();
    assertThat(keyIds(db, quotedTable, quote(db, deterministic))).containsExactly(newDaead);
    assertThat(keyIds(db, quotedTable, quote(db, rowBound))).containsExactly(newAead);
    assertThat(usingKey(db, HibernateRotation.columns(vault), oldDaead)).isZero();
    assertThat(usingKey(db, HibernateRotation.columns(vault), newAead)).isEqualTo(ROWS);
    Jpa.tx(sf, stillLoads);
  }

  /** The name quoted as the database quotes it (backticks on MariaDB). */
  static String quote(TestDatabase db, String name) {
    return db.kind() == TestDatabases.Kind.MARIADB ? "`" + name + "`" : "\"" + name + "\"";
  }

  /**
   * A second schema: on H2 and PostgreSQL a schema of the test database; on MariaDB (where a schema is a
   * database) the database named after the test database with {@code _s2}.
   */
  static String secondSchema(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      if (db.kind() == TestDatabases.Kind.MARIADB) {
        String name = c.getCatalog() + "_s2";
        st.execute("create database if not exists " + name);
        return name.toLowerCase(java.util.Locale.ROOT);
      }
      st.execute("create schema if not exists h14_s2");
      return "h14_s2";
    }
  }

  /** The Hibernate setting that places the tables in another schema: MariaDB calls it a catalog. */
  static String schemaSetting(TestDatabases.Kind kind) {
    return kind == TestDatabases.Kind.MARIADB ? "hibernate.default_catalog" : "hibernate.default_schema";
  }

  private static long usingKey(TestDatabase db, List<EncryptedColumn> model, int keyId) {
    long n = 0;
    for (ColumnInventory ci : KeyInventory.scanColumns(db.dataSource(), model).columns()) {
      n += ci.count(keyId);
    }
    return n;
  }

  private static VaultTables freshWorkTables(TestDatabase db, String prefix) throws Exception {
    VaultTables vaultTables = VaultTables.withPrefix(prefix + "_fv_");
    db.dropTables(vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    vaultTables.install(db.dataSource());
    return vaultTables;
  }

  private static long rowCount(TestDatabase db, String table) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Set<Integer> keyIds(TestDatabase db, String table, String column) throws Exception {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select " + column + " from " + table)) {
      while (rs.next()) {
        ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
      }
    }
    return ids;
  }
}
