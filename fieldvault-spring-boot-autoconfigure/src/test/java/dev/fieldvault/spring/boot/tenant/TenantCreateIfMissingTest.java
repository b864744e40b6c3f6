package dev.fieldvault.spring.boot.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * {@code fieldvault.tenants.create-if-missing=true} (development only): a tenant's keysets are
 * generated in the key store on its first use, with a WARN naming them and how to provision tenants in
 * production; the tenant's values are then written under them. One subclass per database.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TenantApp.class, properties = {"fieldvault.keys.refresh-interval=0s",
    "fieldvault.tenants.enabled=true", "fieldvault.tenants.create-if-missing=true",
    "spring.jpa.properties.hibernate.tenant_identifier_resolver=dev.fieldvault.spring.boot.tenant.CurrentTenant"})
abstract class TenantCreateIfMissingTest {

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

  @AfterEach
  void resetTenant() {
    CurrentTenant.TENANT.remove();
  }

  @Test
  void aNewTenantsKeysets_areCreatedOnFirstUse_andLogged(CapturedOutput output) {
    KeyStore store = keys.keyStore().orElseThrow();
    assertThat(store.find("tenant-newco-aead")).isEmpty();
    CurrentTenant.TENANT.set("newco");
    notes.save(new TenantNote(11, "first@example.com", "newco's first note"));
    assertThat(notes.findByOwner("first@example.com")).extracting(n -> n.body).containsExactly("newco's first note");

    assertThat(store.find("tenant-newco-aead").orElseThrow().keyset().purpose()).isEqualTo(KeyPurpose.AEAD);
    assertThat(store.find("tenant-newco-daead").orElseThrow().keyset().purpose())
        .isEqualTo(KeyPurpose.DETERMINISTIC_AEAD);
    assertThat(store.find("tenant-newco-prf").orElseThrow().keyset().purpose()).isEqualTo(KeyPurpose.PRF);
    assertThat(output.getOut() + output.getErr()).contains("fieldvault.tenants.create-if-missing")
        .contains("tenant 'newco'").contains("development only").doesNotContain("newco's first note");
  }
}
