package dev.fieldvault.jdbc.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import liquibase.Contexts;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Liquibase changelog shipped in the jar and the plain-SQL scripts create the same, working tables. */
class ShippedSchemaTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void liquibaseChangelog_andPlainSqlScript_createTheSameTables_andTheKeyStoreWorksOnThem(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables viaLiquibase = VaultTables.withPrefix("rot_lb_");
    VaultTables viaScript = VaultTables.withPrefix("rot_sql_");
    String changelogTable = "rot_lb_databasechangelog";
    String lockTable = "rot_lb_databasechangeloglock";
    db.dropTables(viaLiquibase.keyset(), viaLiquibase.rotation(), viaLiquibase.rotationRange(), viaScript.keyset(),
        viaScript.rotation(), viaScript.rotationRange(), changelogTable, lockTable);
    try {
      try (Connection c = db.connect()) {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        database.setDatabaseChangeLogTableName(changelogTable);
        database.setDatabaseChangeLogLockTableName(lockTable);
        @SuppressWarnings("deprecation")
        Liquibase liquibase = new Liquibase("db/changelog/fieldvault/fieldvault-changelog.xml",
            new ClassLoaderResourceAccessor(), database);
        liquibase.setChangeLogParameter("fieldvault.tablePrefix", "rot_lb_");
        liquibase.update(new Contexts());
      }
      viaScript.install(db.dataSource());
      viaScript.install(db.dataSource()); // idempotent

      for (String suffix : new String[] {"keyset", "rotation", "rotation_range"}) {
        assertThat(columns(db, "rot_lb_" + suffix)).as(suffix).isNotEmpty().isEqualTo(columns(db, "rot_sql_" + suffix));
      }
      // composite keys: range bounds and checkpoints hold JSON arrays of up to four key values
      assertThat(columns(db, "rot_sql_rotation_range")).containsEntry("lower_key", "YES 4000")
          .containsEntry("upper_key", "YES 4000").containsEntry("checkpoint_key", "YES 4000");
      if (kind == TestDatabases.Kind.MARIADB) {
        // any character of an application's keys, whatever the database's default character set
        for (String table : new String[] {"rot_lb_rotation_range", "rot_sql_rotation_range"}) {
          assertThat(keyTextCharsets(db, table)).as(table).containsOnly("utf8mb4 utf8mb4_bin").hasSize(3);
        }
      }
      for (VaultTables tables : new VaultTables[] {viaLiquibase, viaScript}) {
        KeyStore store = KeyStore.create(db.dataSource(),
            KeyEncryptionKeys.fromMasterSecret("schema-test-master-secret-0123456789"), tables);
        store.insert(VaultKeyset.generate("rot-schema", KeyPurpose.PRF));
        assertThat(store.update("rot-schema", VaultKeyset::rotate).version()).isEqualTo(2);
      }
    } finally {
      db.dropTables(viaLiquibase.keyset(), viaLiquibase.rotation(), viaLiquibase.rotationRange(), viaScript.keyset(),
          viaScript.rotation(), viaScript.rotationRange(), changelogTable, lockTable);
    }
  }

  /** Character set and collation of the key text columns of a MariaDB work table. */
  private static java.util.List<String> keyTextCharsets(TestDatabase db, String table) throws Exception {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement("SELECT CHARACTER_SET_NAME,"
        + " COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
        + " AND COLUMN_NAME IN ('lower_key', 'upper_key', 'checkpoint_key')")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Column name to "nullable" flag and size (characters of a VARCHAR), as the driver reports them. */
  private static Map<String, String> columns(TestDatabase db, String table) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect()) {
      DatabaseMetaData md = c.getMetaData();
      String name = db.kind() == TestDatabases.Kind.H2 ? table.toUpperCase(Locale.ROOT) : table;
      try (ResultSet rs = md.getColumns(c.getCatalog(), null, name, null)) {
        while (rs.next()) {
          out.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("IS_NULLABLE")
              + (rs.getInt("DATA_TYPE") == java.sql.Types.VARCHAR ? " " + rs.getInt("COLUMN_SIZE") : ""));
        }
      }
    }
    return out;
  }
}
