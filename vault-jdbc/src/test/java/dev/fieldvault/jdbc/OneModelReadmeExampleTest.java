package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "One column model" example of vault-jdbc/README-jdbc.md: key store, keyring, wrapper,
 * rewrapper, inventory and key retirement all built from one list of {@link EncryptedColumn}s.
 */
class OneModelReadmeExampleTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void oneModel_wiresKeyStoreKeyringWrapperAndRewrapper_andTheirContextsAgree(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables tables = VaultTables.withPrefix("om_fv_");
    db.dropTables("om_person", tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    String bin = kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(512)";
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE om_person (id BIGINT PRIMARY KEY, email " + bin + ", ssn " + bin + ")");
    }
    DataSource dataSource = db.dataSource();
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret("one-model-readme-secret-0123456789abcdef");
    try {
      // --- README snippet start
      // one model of the encrypted columns, for every part below
      List<EncryptedColumn> model = List.of(
          EncryptedColumn.builder("om_person", "email", String.class)
              .context("Person", "email").mode(EncryptionMode.DETERMINISTIC).build(),
          EncryptedColumn.builder("om_person", "ssn", String.class)
              .context("Person", "ssn").rowIdColumn("id").build());

      // key store -> keyring
      KeyStore store = KeyStore.create(dataSource, kek, tables);
      store.insert(VaultKeyset.generate("om-aead", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("om-daead", KeyPurpose.DETERMINISTIC_AEAD));
      store.insert(VaultKeyset.generate("om-prf", KeyPurpose.PRF));
      StoredKeyring keyring = StoredKeyring.open(store, "om-aead", "om-daead", "om-prf");

      // keyring -> wrapper
      EncryptingDataSource app = EncryptingDataSource.wrap(dataSource, keyring.cipher(),
          EncryptedColumns.builder().addAll(model).build());
      try (Connection c = app.getConnection();
           PreparedStatement insert = c.prepareStatement("INSERT INTO om_person (id, email, ssn) VALUES (?, ?, ?)")) {
        for (long id = 1; id <= 3; id++) {
          insert.setLong(1, id);
          insert.setString(2, "p" + id + "@example.com");
          insert.setString(3, "ssn-" + id);
          insert.executeUpdate();
        }
      }

      // a new primary key, then the rewrapper over the same model
      store.update("om-aead", VaultKeyset::rotate);
      store.update("om-daead", VaultKeyset::rotate);
      keyring.reload();
      RotationResult result = Rewrapper.builder(dataSource, keyring.cipher()).vaultTables(tables)
          .table(EncryptedTable.builder("om_person").primaryKey("id").columnsOf(model).build())
          .build().run();

      // the inventory of the same model lets the old keys be retired
      KeyInventory inventory = KeyInventory.scanColumns(dataSource, model);
      store.disableKey("om-aead", 1, inventory);
      store.disableKey("om-daead", 1, inventory);
      keyring.reload();
      // --- README snippet end

      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(3);
      int newAead = keyring.keyring().aead().orElseThrow().primary().keyId();
      assertThat(inventory.column("om_person", "ssn").orElseThrow().valuesByKeyId()).containsOnlyKeys(newAead);
      try (Connection c = app.getConnection();
           PreparedStatement q = c.prepareStatement("SELECT id, ssn FROM om_person WHERE email = ?")) {
        q.setString(1, "p2@example.com");
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(2);
          assertThat(rs.getString(2)).isEqualTo("ssn-2");
          assertThat(rs.next()).isFalse();
        }
      }
      try (Connection raw = db.connect(); Statement st = raw.createStatement();
           ResultSet rs = st.executeQuery("SELECT ssn FROM om_person")) {
        while (rs.next()) {
          assertThat(CiphertextHeader.looksLikeCiphertext(rs.getBytes(1))).isTrue();
        }
      }
      keyring.close();
    } finally {
      db.dropTables("om_person", tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }
}
