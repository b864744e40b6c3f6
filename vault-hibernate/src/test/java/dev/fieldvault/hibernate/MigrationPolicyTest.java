package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Legacy;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MigrationPolicyTest {

  private static void insertLegacyRows(TestDatabase db) throws Exception {
    Jpa.update(db, "insert into hib_legacy (id, email, score, secret) values (?, ?, ?, ?)", 1L, "old@example.com",
        "42", "legacy-secret");
    Jpa.update(db, "insert into hib_legacy (id, email, score, secret) values (?, ?, ?, ?)", 2L, "older@example.com",
        "7", null);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void migratePolicy_readsPlaintextRows_rewritesThemEncrypted_andCountsThem(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_legacy");
    Keyring keyring = Keyring.generate("mig");
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, keyring,
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE_AND_LOG"), Legacy.class)) {
      insertLegacyRows(db);
      HibernateVault vault = HibernateVault.of(sf);

      Jpa.tx(sf, s -> {
        Legacy one = s.find(Legacy.class, 1L);
        assertThat(one.email).isEqualTo("old@example.com");
        assertThat(one.score).isEqualTo(42);
        assertThat(one.secret).isEqualTo("legacy-secret");
        Legacy two = s.find(Legacy.class, 2L);
        assertThat(two.email).isEqualTo("older@example.com");
        assertThat(two.secret).isNull();
      }); // the flush at commit writes the plaintext attributes encrypted

      assertThat(vault.plaintextReads()).containsOnly(Map.entry("Legacy.email", 2L), Map.entry("Legacy.score", 2L),
          Map.entry("Legacy.secret", 1L));
      assertThat(vault.plaintextReads(vault.attribute(Legacy.class, "email"))).isEqualTo(2);
      for (String column : new String[] {"email", "score", "secret"}) {
        String stored = (String) Jpa.raw(db, "hib_legacy", column, 1L);
        assertThat(CiphertextHeader.looksLikeCiphertext(CiphertextHeader.decodeText(stored))).as(column).isTrue();
      }

      Legacy again = Jpa.call(sf, s -> s.find(Legacy.class, 1L));
      assertThat(again.email).isEqualTo("old@example.com");
      assertThat(again.secret).isEqualTo("legacy-secret");
      assertThat(vault.plaintextReads()).as("no plaintext left to read").containsEntry("Legacy.email", 2L);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void ciphertextOnlyPolicy_refusesAPlaintextValue(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_legacy");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("strict"), Legacy.class)) {
      insertLegacyRows(db);
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(Legacy.class, 1L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(dev.fieldvault.keys.MalformedCiphertextException.class)
          .hasMessageContaining("Legacy.")
          .hasMessageContaining("MIGRATE")
          .hasMessageNotContaining("old@example.com");
      assertThat(HibernateVault.of(sf).plaintextReads()).isEmpty();
    }
  }
}
