package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.PatientRepository;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * {@code fieldvault.endpoint.inventory-max-age}: the endpoint reuses a recent key inventory instead of
 * counting every encrypted column on each read, and counts again once a rotation has finished. One
 * subclass per database.
 */
@SpringBootTest(classes = TestApp.class, properties = {"fieldvault.keys.refresh-interval=0s",
    "fieldvault.rotation.promotion-delay=0s", "fieldvault.endpoint.inventory-max-age=1h",
    "fieldvault.secrets.enabled=false"})
abstract class EndpointInventoryTest {

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, "sbt_");
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired FieldVaultEndpoint endpoint;
  @Autowired FieldVaultRotation rotation;
  @Autowired PatientRepository patients;

  @SuppressWarnings("unchecked")
  private long emailValues() {
    for (Map<String, Object> column : (List<Map<String, Object>>) endpoint.report().get("inventory")) {
      if (column.get("column").toString().endsWith("patient.email")) {
        return ((Map<String, Long>) column.get("values")).values().stream().mapToLong(Long::longValue).sum();
      }
    }
    throw new AssertionError("no email column in " + endpoint.report().get("inventory"));
  }

  @Test
  void aRecentInventoryIsReused_andCountedAgainAfterARotation() throws Exception {
    patients.save(new Patient("inv1@example.com", "Inventory One", "+1 555 0001"));
    long first = emailValues();
    String takenAt = (String) endpoint.report().get("inventoryTakenAt");
    patients.save(new Patient("inv2@example.com", "Inventory Two", "+1 555 0002"));
    // within the max age: the same inventory (not counted again)
    assertThat(emailValues()).isEqualTo(first);
    assertThat(endpoint.report().get("inventoryTakenAt")).isEqualTo(takenAt);

    rotation.start(true);
    FieldVaultRotation.Status done = rotation.awaitCompletion(60_000);
    assertThat(done.state()).as(done.message()).isEqualTo(FieldVaultRotation.State.COMPLETED);
    // a finished rotation (and the promoted keys): counted again, the second row is there
    assertThat(emailValues()).isEqualTo(first + 1);
    assertThat(endpoint.report().get("inventoryTakenAt")).isNotEqualTo(takenAt);
  }
}
