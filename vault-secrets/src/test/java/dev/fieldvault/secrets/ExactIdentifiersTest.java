package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names, namespaces and tenants compare exactly (bytes) on every database: pairs that MariaDB's default
 * collations treat as equal are distinct entries and stores, also in tables created by the first
 * changelog and migrated by the later changesets; keyset names of the key store likewise.
 */
class ExactIdentifiersTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final List<String> NAMES = List.of("github", "GitHub", "café", "cafe", "trail", "trail ");
  private static final FieldCipher CIPHER = SecretsTestSupport.cipher();

  @ParameterizedTest
  @MethodSource(ALL)
  void namesThatDefaultCollationsConfuse_areDistinctEntries_storesAndTenants(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_ex_");
    SecretsVault vault = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix("sv_ex_").build();
    String ns = SecretsTestSupport.unique("pairs");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);

    for (String name : NAMES) {
      assertThat(s.put(name, SecretValue.ofString("value of [" + name + "]")).status()).isEqualTo(Status.OK);
    }

    for (String name : NAMES) {
      SecretResult r = s.get(name);
      assertThat(r.value().asString()).as(name).isEqualTo("value of [" + name + "]");
      assertThat(r.version()).as(name).isEqualTo(1);
    }
    assertThat(s.list(null, 100).items()).extracting(SecretInfo::name).containsExactlyInAnyOrderElementsOf(NAMES);
    String suffix = SecretsTestSupport.unique("");
    for (String namespace : NAMES) {
      vault.createStore(namespace + suffix, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString(namespace));
      vault.createStore(ns, namespace + suffix, StoreOptions.DEFAULT).put("k", SecretValue.ofString(namespace));
    }
    for (String namespace : NAMES) {
      assertThat(vault.store(namespace + suffix).get("k").value().asString()).isEqualTo(namespace);
      assertThat(vault.store(ns, namespace + suffix).get("k").value().asString()).isEqualTo(namespace);
      assertThat(vault.auditEvents(AuditQuery.all().namespace(namespace + suffix, null)).items())
          .allSatisfy(e -> assertThat(e.namespace()).isEqualTo(namespace + suffix)).hasSize(3);
    }
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void tablesOfTheFirstChangelog_migratedByTheNewChangesets_keepTheirValues_andSeparateThePairs(Kind kind)
      throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    String p = "sv_old_";
    SecretsTestSupport.dropAll(db, p);
    SecretsTestSupport.migrate(db, p, 1); // the tables as the first release created them
    long storeId;
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO " + p + "store (tenant, name, sealed, max_versions, created_ms)"
          + " VALUES ('', 'tokens', " + (kind == Kind.POSTGRES ? "FALSE" : "0") + ", 10, 0)");
      try (ResultSet rs = st.executeQuery("SELECT id FROM " + p + "store WHERE name = 'tokens'")) {
        rs.next();
        storeId = rs.getLong(1);
      }
    }
    StoreMeta meta = new StoreMeta(storeId, "tokens", null, false, 10);
    insertEntry(db, p, meta, "github", "written before the upgrade");
    if (kind == Kind.MARIADB) {
      // the defect itself: the first changelog's columns took these for the same key
      assertThatThrownBy(() -> insertEntry(db, p, meta, "GitHub", "x")).isInstanceOf(SQLException.class);
    }

    SecretsTestSupport.migrate(db, p); // the rest of the changelog

    SecretsVault vault = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(p).build();
    SecretStore s = vault.store("tokens");
    for (String name : NAMES.subList(1, NAMES.size())) {
      assertThat(s.put(name, SecretValue.ofString("value of [" + name + "]")).status()).isEqualTo(Status.OK);
    }
    assertThat(s.get("github").value().asString()).isEqualTo("written before the upgrade");
    for (String name : NAMES.subList(1, NAMES.size())) {
      assertThat(s.get(name).value().asString()).as(name).isEqualTo("value of [" + name + "]");
    }
    assertThat(vault.createStore("Tokens", null, StoreOptions.DEFAULT).namespace()).isEqualTo("Tokens");
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void keysetNamesDifferingOnlyInCase_areTwoKeysets_withTheShippedSql_andWithTheChangelogAfterUpgrade(Kind kind)
      throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    VaultTables sql = VaultTables.withPrefix("sv_kse_");
    db.dropTables(sql.keyset(), sql.rotation(), sql.rotationRange());
    sql.install(db.dataSource());
    VaultTables changelog = VaultTables.withPrefix("sv_ksl_");
    db.dropTables(changelog.keyset(), changelog.rotation(), changelog.rotationRange(), "sv_ksl_databasechangelog",
        "sv_ksl_databasechangeloglock");
    migrateKeyStore(db, "sv_ksl_", 3); // the tables as the first releases created them
    migrateKeyStore(db, "sv_ksl_", 0);

    for (VaultTables t : List.of(sql, changelog)) {
      KeyStore store = KeyStore.create(db.dataSource(),
          KeyEncryptionKeys.fromMasterSecret("a-master-secret-of-at-least-32-characters"), t);
      store.insert(VaultKeyset.generate("acme-aead", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("Acme-aead", KeyPurpose.AEAD));

      assertThat(store.names()).as(t.keyset()).contains("acme-aead", "Acme-aead");
      assertThat(store.load("Acme-aead").keyset().name()).isEqualTo("Acme-aead");
      assertThat(store.load("acme-aead").keyset().name()).isEqualTo("acme-aead");
    }
  }

  private static void migrateKeyStore(TestDatabase db, String prefix, int changesets) throws Exception {
    try (Connection c = db.connect()) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      database.setDatabaseChangeLogTableName(prefix + "databasechangelog");
      database.setDatabaseChangeLogLockTableName(prefix + "databasechangeloglock");
      @SuppressWarnings("deprecation")
      Liquibase lb = new Liquibase("db/changelog/fieldvault/fieldvault-changelog.xml", new ClassLoaderResourceAccessor(),
          database);
      lb.setChangeLogParameter("fieldvault.tablePrefix", prefix);
      if (changesets > 0) {
        lb.update(changesets, new Contexts(), new LabelExpression());
      } else {
        lb.update(new Contexts(), new LabelExpression());
      }
    }
  }

  private static void insertEntry(TestDatabase db, String p, StoreMeta meta, String name, String value)
      throws SQLException {
    byte[] ct = CIPHER.encrypt(SecretValue.ofString(value).encode(), meta.context(name, 1), EncryptionMode.RANDOMIZED);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "entry"
        + " (store_id, name_key, version, value_ct, created_ms, updated_ms, value_ms) VALUES (?, ?, 1, ?, 0, 0, 0)")) {
      ps.setLong(1, meta.id());
      ps.setString(2, name);
      ps.setBytes(3, ct);
      ps.executeUpdate();
    }
  }
}
