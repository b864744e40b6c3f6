package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A data key per value (docs/FORMAT.md section 9): what the tables hold, values written before the
 * envelope keep reading and are moved to it by the rewrap, on H2, PostgreSQL and MariaDB.
 */
class EnvelopeTest {

  private static final String P = "sv_env_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @ParameterizedTest
  @MethodSource(ALL)
  void everyWrite_storesItsOwnDataKey_wrappedByThePrimaryKey(Kind kind) throws Exception {
    Keyring keyring = Keyring.generate("envelope");
    FieldCipher cipher = FieldCipher.create(keyring);
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("env");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    s.put("same", SecretValue.ofString("identical"));
    s.put("other", SecretValue.ofString("identical"));

    Row a = row(db, vault, ns, "acme", "same", 1);
    Row b = row(db, vault, ns, "acme", "other", 1);
    int primary = keyring.aead().orElseThrow().primary().keyId();
    assertThat(CiphertextHeader.parse(a.wrappedKey).keyId()).isEqualTo(primary);
    assertThat(a.dataKeyVersion).isEqualTo(1);
    // the value is not a FieldVault ciphertext: AES-256-GCM under the data key (nonce, ciphertext, tag)
    assertThat(a.value).hasSize(SecretValue.ofString("identical").encode().length + 28);
    assertThat(a.value).isNotEqualTo(b.value);
    assertThat(a.wrappedKey).isNotEqualTo(b.wrappedKey);
    assertThat(s.get("same").value().asString()).isEqualTo("identical");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aValueWrittenBeforeTheEnvelope_keepsReading_andTheRewrapMovesItToTheEnvelope(Kind kind) throws Exception {
    Keyring keyring = Keyring.generate("legacy");
    FieldCipher cipher = FieldCipher.create(keyring);
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P)
        .rotationTables(SecretsTestSupport.rotationTables(db, P + "fv_")).build();
    String ns = SecretsTestSupport.unique("legacy");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    StoreMeta m = vault.meta(ns, "acme");
    insertLegacy(db, cipher, m, "old", 1, "first", true);
    insertLegacy(db, cipher, m, "old", 2, "second", true);
    insertLegacy(db, cipher, m, "old", 2, "second", false);
    byte[] legacyValue = row(db, vault, ns, "acme", "old", 2).value;

    assertThat(s.get("old").value().asString()).isEqualTo("second");
    assertThat(s.getVersion("old", 1).value().asString()).isEqualTo("first");

    VaultKeyset rotated = keyring.aead().orElseThrow().rotate();
    cipher.reload(keyring.with(rotated));
    MaintenanceReport report = vault.rewrapAll(2);

    assertThat(report.changed()).isEqualTo(3); // the entry and its two kept versions moved to the envelope
    Row after = row(db, vault, ns, "acme", "old", 2);
    assertThat(after.wrappedKey).isNotNull();
    assertThat(CiphertextHeader.parse(after.wrappedKey).keyId()).isEqualTo(rotated.primary().keyId());
    assertThat(after.value).isNotEqualTo(legacyValue);
    assertThat(s.get("old").value().asString()).isEqualTo("second");
    assertThat(s.getVersion("old", 1).value().asString()).isEqualTo("first");
    assertThat(s.put("old", SecretValue.ofString("third")).version()).isEqualTo(3);
    assertThat(vault.rewrapAll(2).changed()).isZero();
    assertThat(vault.auditEvents(AuditQuery.all().action(AuditAction.KEY_ROTATED)).items())
        .anySatisfy(e -> assertThat(e.detail()).contains("3 values moved to the envelope"));
  }

  record Row(byte[] value, byte[] wrappedKey, Integer dataKeyVersion) {}

  /** The version row of a name (kept versions hold every version). */
  static Row row(TestDatabase db, SecretsVault vault, String ns, String tenant, String nameKey, long version)
      throws Exception {
    StoreMeta m = vault.meta(ns, tenant);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT value_ct, dek_ct, dek_version"
        + " FROM " + vault.tables().version + " WHERE store_id = ? AND name_key = ? AND version = ?")) {
      ps.setLong(1, m.id());
      ps.setString(2, nameKey);
      ps.setLong(3, version);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("version row").isTrue();
        byte[] v = rs.getBytes(1);
        byte[] k = rs.getBytes(2);
        int dkv = rs.getInt(3);
        return new Row(v, k, rs.wasNull() ? null : dkv);
      }
    }
  }

  /** A row as versions before the envelope wrote it: value_ct a FieldVault ciphertext, no data key. */
  static void insertLegacy(TestDatabase db, FieldCipher cipher, StoreMeta m, String name, long version, String value,
      boolean keptVersion) throws Exception {
    byte[] ct = cipher.encrypt(SecretValue.ofString(value).encode(), m.context(name, version), EncryptionMode.RANDOMIZED);
    String sql = keptVersion
        ? "INSERT INTO " + P + "version (store_id, name_key, version, value_ct, created_ms, created_by)"
            + " VALUES (?, ?, ?, ?, 0, 'legacy')"
        : "INSERT INTO " + P + "entry (store_id, name_key, version, value_ct, created_ms, updated_ms, value_ms)"
            + " VALUES (?, ?, ?, ?, 0, 0, 0)";
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, m.id());
      ps.setString(2, name);
      ps.setLong(3, version);
      ps.setBytes(4, ct);
      ps.executeUpdate();
    }
  }
}
