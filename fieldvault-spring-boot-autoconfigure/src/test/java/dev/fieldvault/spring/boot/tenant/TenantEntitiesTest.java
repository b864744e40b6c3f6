package dev.fieldvault.spring.boot.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.hibernate.AttributeDecryptionException;
import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * {@code @TenantId} entities with per-tenant keyrings from the key store ({@code fieldvault.tenants.enabled}):
 * each tenant's values are encrypted under its own keysets and bound to it, its derived queries find its
 * rows, a value copied into another tenant's row is refused with a typed error, and a tenant without
 * keysets cannot write (nothing stored). One subclass per database.
 */
@SpringBootTest(classes = TenantApp.class, properties = {"fieldvault.keys.refresh-interval=0s",
    "fieldvault.tenants.enabled=true",
    "spring.jpa.properties.hibernate.tenant_identifier_resolver=dev.fieldvault.spring.boot.tenant.CurrentTenant"})
abstract class TenantEntitiesTest {

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, "sbt_");
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS sbt_tenant_note");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> p = Tables.properties(db, "sbt_");
    p.forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired TenantNoteRepository notes;
  @Autowired FieldVaultKeys keys;
  @Autowired DataSource dataSource;

  @AfterEach
  void resetTenant() {
    CurrentTenant.TENANT.remove();
  }

  private void provision(String tenant) {
    KeyStore store = keys.keyStore().orElseThrow();
    if (store.find("tenant-" + tenant + "-aead").isEmpty()) {
      store.insert(VaultKeyset.generate("tenant-" + tenant + "-aead", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("tenant-" + tenant + "-daead", KeyPurpose.DETERMINISTIC_AEAD));
    }
  }

  private static void as(String tenant) {
    CurrentTenant.TENANT.set(tenant);
  }

  @Test
  void eachTenantsValues_areUnderItsKeysets_boundToIt_andFoundByItsQueries() {
    provision("acme");
    provision("globex");
    as("acme");
    notes.save(new TenantNote(1, "same@example.com", "acme's note"));
    as("globex");
    notes.save(new TenantNote(2, "same@example.com", "globex's note"));

    // each tenant finds its own row by the deterministic attribute, and only its own
    as("acme");
    assertThat(notes.findByOwner("same@example.com")).extracting(n -> n.body).containsExactly("acme's note");
    as("globex");
    assertThat(notes.findByOwner("same@example.com")).extracting(n -> n.body).containsExactly("globex's note");

    // stored: ciphertext under each tenant's own keyset, no plaintext; the same owner has two ciphertexts
    JdbcTemplate raw = new JdbcTemplate(dataSource);
    KeyStore store = keys.keyStore().orElseThrow();
    byte[] acmeOwner = raw.queryForObject("SELECT owner FROM sbt_tenant_note WHERE id = 1", byte[].class);
    byte[] globexOwner = raw.queryForObject("SELECT owner FROM sbt_tenant_note WHERE id = 2", byte[].class);
    byte[] acmeBody = raw.queryForObject("SELECT body FROM sbt_tenant_note WHERE id = 1", byte[].class);
    assertThat(acmeOwner).isNotEqualTo(globexOwner);
    assertThat(store.load("tenant-acme-daead").keyset().byKeyId(CiphertextHeader.parse(acmeOwner).keyId())).isPresent();
    assertThat(store.load("tenant-globex-daead").keyset().byKeyId(CiphertextHeader.parse(globexOwner).keyId()))
        .isPresent();
    assertThat(store.load("tenant-acme-aead").keyset().byKeyId(CiphertextHeader.parse(acmeBody).keyId())).isPresent();
    assertThat(new String(acmeBody, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("acme's note");

    // acme's ciphertext copied into globex's row: globex's read is refused (typed), not acme's value
    raw.update("UPDATE sbt_tenant_note SET body = ? WHERE id = 2", (Object) acmeBody);
    as("globex");
    Throwable copied = catchThrowable(() -> notes.findById(2L).map(n -> n.body));
    assertThat(copied).isNotNull();
    Throwable cause = cause(copied, AttributeDecryptionException.class);
    assertThat(cause).as(String.valueOf(copied)).isNotNull();
    assertThat(cause.getMessage()).doesNotContain("acme's note");
  }

  @Test
  void aTenantWithoutKeysets_cannotWrite_andNothingIsStored() {
    as("initech");
    Throwable refused = catchThrowable(() -> notes.save(new TenantNote(3, "nokeys@example.com", "no keys here")));
    assertThat(refused).isNotNull();
    Throwable cause = cause(refused, KeyUnavailableException.class);
    assertThat(cause).as(String.valueOf(refused)).isNotNull();
    assertThat(cause.getMessage()).contains("initech").doesNotContain("no keys here");
    Number rows = new JdbcTemplate(dataSource).queryForObject(
        "SELECT COUNT(*) FROM sbt_tenant_note WHERE tenant_id = 'initech'", Number.class);
    assertThat(rows.intValue()).isZero();
  }

  private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }
}
