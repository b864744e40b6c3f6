package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.EntityManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Per-tenant keyrings, the plaintext policy handed to Hibernate, and a scheduled rotation (H2). */
class KeysOptionsTest {

  private static ConfigurableApplicationContext start(String... more) {
    TestDatabase db = TestDatabases.h2();
    List<String> properties = new ArrayList<>();
    Tables.properties(db, "sbt_").forEach((k, v) -> properties.add(k + "=" + v));
    properties.add("fieldvault.keys.refresh-interval=0s");
    properties.addAll(List.of(more));
    return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties(properties.toArray(String[]::new)).run();
  }

  @Test
  void tenantValues_useTheTenantsKeysetsFromTheKeyStore_andAnUnprovisionedTenantHasNone() {
    try (ConfigurableApplicationContext ctx = start("fieldvault.tenants.enabled=true")) {
      FieldVaultKeys keys = ctx.getBean(FieldVaultKeys.class);
      var store = keys.keyStore().orElseThrow();
      store.insert(VaultKeyset.generate("tenant-acme-aead", KeyPurpose.AEAD));
      store.insert(VaultKeyset.generate("tenant-acme-daead", KeyPurpose.DETERMINISTIC_AEAD));
      byte[] value = "acme's secret".getBytes(StandardCharsets.UTF_8);
      EncryptionContext acme = EncryptionContext.of("Customer", "email", "acme", null);
      byte[] ct = keys.cipher().encrypt(value, acme, EncryptionMode.RANDOMIZED);
      assertThat(keys.cipher().decrypt(ct, acme)).isEqualTo(value);
      // written under the tenant's keyset, not the default one
      int keyId = dev.fieldvault.keys.CiphertextHeader.parse(ct).keyId();
      assertThat(store.load("tenant-acme-aead").keyset().byKeyId(keyId)).isPresent();
      EncryptionContext other = EncryptionContext.of("Customer", "email", "globex", null);
      assertThatThrownBy(() -> keys.cipher().encrypt(value, other, EncryptionMode.RANDOMIZED))
          .isInstanceOf(KeyUnavailableException.class).hasMessageContaining("globex");
    }
  }

  @Test
  void thePlaintextPolicy_reachesTheEntityManagerFactory() {
    try (ConfigurableApplicationContext ctx = start("fieldvault.hibernate.plaintext-policy=MIGRATE")) {
      EntityManagerFactory emf = ctx.getBean(EntityManagerFactory.class);
      assertThat(emf.getProperties()).containsEntry("fieldvault.plaintext_policy", "MIGRATE");
    }
  }

  @Test
  void aRotationWhoseTableCannotBeRead_failsBeforeAnyKeyIsAddedOrPromoted() throws Exception {
    try (ConfigurableApplicationContext ctx = start("fieldvault.rotation.promotion-delay=0s")) {
      FieldVaultKeys keys = ctx.getBean(FieldVaultKeys.class);
      try (java.sql.Connection c = keys.dataSource().orElseThrow().getConnection();
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP TABLE sbt_patient");
      }
      FieldVaultRotation rotation = ctx.getBean(FieldVaultRotation.class);
      rotation.start(true);
      FieldVaultRotation.Status s = rotation.awaitCompletion(20_000);
      assertThat(s.state()).isEqualTo(FieldVaultRotation.State.FAILED);
      assertThat(s.message()).contains("no key was added or promoted").containsIgnoringCase("sbt_patient");
      keys.reload();
      assertThat(keys.keysets()).allMatch(k -> k.keys().size() == 1); // nothing added, nothing promoted
    }
  }

  @Test
  void aScheduledRotation_startsByItself() throws Exception {
    try (ConfigurableApplicationContext ctx = start("fieldvault.rotation.schedule=*/1 * * * * *",
        "fieldvault.rotation.promote-on-schedule=false")) {
      FieldVaultRotation rotation = ctx.getBean(FieldVaultRotation.class);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (rotation.status().state() == FieldVaultRotation.State.IDLE && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      FieldVaultRotation.Status s = rotation.awaitCompletion(20_000);
      assertThat(s.state()).as(s.message()).isEqualTo(FieldVaultRotation.State.COMPLETED);
      assertThat(ctx.getBean(FieldVaultKeys.class).keysets()).allMatch(k -> k.keys().size() == 1); // not promoted
    }
  }
}
