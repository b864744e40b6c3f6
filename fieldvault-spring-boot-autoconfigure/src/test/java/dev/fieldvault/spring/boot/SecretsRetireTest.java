package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.PatientRepository;
import dev.fieldvault.spring.boot.app.TestApp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code fieldvault.rotation.include-secrets=false} only leaves the secrets vault's values out of the
 * rotation: {@code retire} still counts them (and checks the audit chain's MACs), so a key they use is
 * never disabled and every secret stays readable.
 */
@SpringBootTest(classes = TestApp.class, properties = {
    "spring.datasource.url=jdbc:h2:mem:secretsretire;DB_CLOSE_DELAY=-1", "spring.jpa.hibernate.ddl-auto=create-drop",
    "spring.liquibase.enabled=false", "fieldvault.kek.master-secret=" + dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET,
    "fieldvault.keys.create-if-missing=true", "fieldvault.keys.refresh-interval=0s",
    "fieldvault.rotation.promotion-delay=0s", "fieldvault.rotation.include-secrets=false",
    "fieldvault.secrets.create-stores=s1"})
class SecretsRetireTest {

  @Autowired SecretsVault vault;
  @Autowired FieldVaultRotation rotation;
  @Autowired FieldVaultKeys keys;
  @Autowired PatientRepository patients;

  @Test
  void withIncludeSecretsFalse_retireRefusesAKeyTheSecretsVaultStillUses() throws Exception {
    SecretStore store = vault.store("s1").as("u");
    store.put("tok", SecretValue.ofString("retire-test-value"));
    patients.save(new Patient("retire@example.com", "Retire", "+1 555 0100"));
    int oldAead = keys.keysets().stream().filter(k -> k.name().equals("app-aead")).findFirst().orElseThrow()
        .primary().keyId();

    rotation.start(true);
    FieldVaultRotation.Status done = rotation.awaitCompletion(60_000);
    assertThat(done.state()).as(done.message()).isEqualTo(FieldVaultRotation.State.COMPLETED);

    // the secrets vault's values were not rewrapped, and the inventory counts them under the old key
    long secretValuesOnOldKey = rotation.inventory().columns().stream()
        .filter(c -> c.table().startsWith("fv_secret_")).mapToLong(c -> c.count(oldAead)).sum();
    assertThat(secretValuesOnOldKey).isPositive();

    Throwable refused = catchThrowable(() -> rotation.retire("app-aead", 1));
    assertThat(refused).as("retiring app-aead#1").isNotNull();
    assertThat(refused.getMessage()).containsAnyOf("audit chain", "fv_secret_");
    VaultKeyset aead = keys.keysets().stream().filter(k -> k.name().equals("app-aead")).findFirst().orElseThrow();
    assertThat(aead.byOrdinal(1).status()).as("app-aead#1 stays enabled").isEqualTo(dev.fieldvault.keys.KeyStatus.ENABLED);
    assertThat(store.get("tok").status()).isEqualTo(Status.OK);
    assertThat(store.get("tok").value().asString()).isEqualTo("retire-test-value");

    // a key only the rotated entity tables used is still retired
    rotation.retire("app-daead", 1);
    VaultKeyset daead = keys.keysets().stream().filter(k -> k.name().equals("app-daead")).findFirst().orElseThrow();
    assertThat(daead.byOrdinal(1).status()).isEqualTo(dev.fieldvault.keys.KeyStatus.DISABLED);
  }
}
