package dev.fieldvault.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A database key store of its own for one test (tables named after the test, so that tests on one
 * database do not meet), with a data table of five encrypted rows to check that key-encryption-key
 * and branch-key rotations leave the data as it was and still readable.
 */
final class KeyStoreFixture {

  static final EncryptionContext CTX = EncryptionContext.of("customer", "email");

  private KeyStoreFixture() {
  }

  /** New key store tables {@code NAME_fv_*} under {@code kek}, and an empty data table {@code NAME_data}. */
  static KeyStore fresh(TestDatabase db, String name, KeyEncryptionKey kek) throws Exception {
    VaultTables tables = VaultTables.withPrefix(name + "_fv_");
    db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange(), name + "_data");
    tables.install(db.dataSource());
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + name + "_data (id INT PRIMARY KEY, email VARCHAR(400))");
    }
    return KeyStore.create(db.dataSource(), kek, tables);
  }

  static void drop(TestDatabase db, KeyStore store) throws Exception {
    VaultTables t = store.tables();
    db.dropTables(t.keyset(), t.rotation(), t.rotationRange(), dataTable(store));
  }

  private static String dataTable(KeyStore store) {
    String keyset = store.tables().keyset();
    return keyset.substring(0, keyset.indexOf("_fv_")) + "_data";
  }

  /** Five rows, each an e-mail address encrypted by {@code cipher} (base64). */
  static void writeRows(TestDatabase db, KeyStore store, FieldCipher cipher) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + dataTable(store) + " (id, email) VALUES (?, ?)")) {
      for (int i = 1; i <= 5; i++) {
        ps.setInt(1, i);
        ps.setString(2, Base64.getEncoder().encodeToString(
            cipher.encrypt(utf8("user" + i + "@example.com"), CTX, EncryptionMode.RANDOMIZED)));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Every row decrypts with {@code cipher} to the address it was written with. */
  static void assertDecrypts(TestDatabase db, KeyStore store, FieldCipher cipher) throws Exception {
    for (Map.Entry<Integer, String> row : rows(db, store).entrySet()) {
      assertThat(new String(cipher.decrypt(Base64.getDecoder().decode(row.getValue()), CTX), StandardCharsets.UTF_8))
          .isEqualTo("user" + row.getKey() + "@example.com");
    }
  }

  /** The stored rows (id to ciphertext), all five of them. */
  static Map<Integer, String> rows(TestDatabase db, KeyStore store) throws Exception {
    Map<Integer, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, email FROM " + dataTable(store) + " ORDER BY id")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getString(2));
      }
    }
    assertThat(out).hasSize(5);
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
