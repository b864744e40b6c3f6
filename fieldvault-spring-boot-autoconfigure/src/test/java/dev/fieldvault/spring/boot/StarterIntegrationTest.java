package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.PatientRepository;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.spring.boot.internal.HealthCheck;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The starter in a Spring Boot application with an {@code @Encrypted} entity and a Spring Data
 * repository, on one database per subclass (H2, PostgreSQL, MariaDB): no FieldVault code, only
 * properties. One context per database; the methods run in order and build on each other.
 */
@SpringBootTest(classes = TestApp.class, properties = {
    "fieldvault.endpoint.write-operations=true",
    "fieldvault.secrets.create-stores=oauth-tokens",
    "fieldvault.rotation.batch-size=50",
    "fieldvault.keys.refresh-interval=0s",
    "fieldvault.rotation.promotion-delay=0s"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StarterIntegrationTest {

  static final String PREFIX = "sbt_";

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, PREFIX);
    Tables.properties(db, PREFIX).forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired PatientRepository patients;
  @Autowired DataSource dataSource;
  @Autowired EntityManagerFactory emf;
  @Autowired FieldVaultKeys keys;
  @Autowired FieldVaultEndpoint endpoint;
  @Autowired FieldVaultRotation rotation;
  @Autowired SecretsVault secrets;
  @Autowired HealthCheck health;
  @Autowired MeterRegistry meters;

  @Test
  @Order(1)
  void encryptedColumns_holdCiphertext_asPlainJdbcSeesThem() throws Exception {
    Patient saved = patients.save(new Patient("ann@example.com", "Ann Smith", "+44 20 7946 0001"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT email, name, phone, phone_bi FROM sbt_patient WHERE id = ?")) {
      ps.setLong(1, saved.id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        byte[] email = rs.getBytes(1);
        byte[] name = rs.getBytes(2);
        byte[] phone = rs.getBytes(3);
        assertThat(CiphertextHeader.parse(email).mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
        assertThat(CiphertextHeader.parse(name).mode()).isEqualTo(EncryptionMode.RANDOMIZED);
        assertThat(CiphertextHeader.parse(phone).mode()).isEqualTo(EncryptionMode.RANDOMIZED);
        assertThat(rs.getBytes(4)).isNotNull();
        for (byte[] stored : List.of(email, name, phone)) {
          String text = new String(stored, StandardCharsets.ISO_8859_1);
          assertThat(text).doesNotContain("ann@").doesNotContain("Ann").doesNotContain("7946");
        }
      }
    }
    assertThat(patients.findById(saved.id).orElseThrow().name).isEqualTo("Ann Smith");
  }

  @Test
  @Order(2)
  void deterministicAndBlindIndexQueries_findTheRow() {
    patients.save(new Patient("bob@example.com", "Bob Jones", "+44 20 7946 0002"));
    assertThat(patients.findByEmail("bob@example.com")).extracting(p -> p.name).containsExactly("Bob Jones");
    assertThat(patients.findByEmail("nobody@example.com")).isEmpty();
    HibernateVault vault = HibernateVault.of(emf);
    assertThat(patients.findByPhoneIndexIn(vault.blindIndexes(Patient.class, "phone", "+44 20 7946 0002")))
        .extracting(p -> p.email).containsExactly("bob@example.com");
  }

  @Test
  @Order(3)
  void secretsVault_isABean_withItsStoreCreated_andStoresCiphertext() throws Exception {
    var tokens = secrets.store("oauth-tokens").as("user:2");
    tokens.put("github", SecretValue.ofJson(Map.of("access_token", "gho_TESTonly")));
    SecretResult r = tokens.get("github");
    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.value().asJson().get("access_token")).isEqualTo("gho_TESTonly");
    // the vault's operations are metered by action and outcome (from its audit events), never by name
    assertThat(meters.get("fieldvault.secrets.operations").tag("action", "read").tag("outcome", "ok").counter().count())
        .isGreaterThanOrEqualTo(1);
    assertThat(meters.get("fieldvault.secrets.operations").tag("action", "created").counter().count()).isEqualTo(1);
    assertThat(meters.get("fieldvault.secrets.audit.lag").timer().count()).isGreaterThanOrEqualTo(2); // put and get (the store was created before the meters were bound)
    assertThat(meters.getMeters()).allMatch(m -> !m.getId().toString().contains("github"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT value_ct FROM sbt_secret_entry");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("gho_TESTonly");
    }
  }

  @Test
  @Order(4)
  void rotationStartedThroughTheEndpoint_completesWhileRequestsRun_andLeavesNothingOnOldKeys() throws Exception {
    List<Patient> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(new Patient("p" + i + "@example.com", "Patient " + i, "+44 20 7946 " + (1000 + i)));
    }
    patients.saveAll(batch);
    long encryptionsBefore = meters.get("fieldvault.cipher.encrypt").tag("mode", "randomized").timer().count();
    List<Integer> oldPrimaries = keys.keysets().stream().map(k -> k.primary().keyId()).toList();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger requests = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int client = t;
      Thread th = new Thread(() -> {
        int n = 0;
        while (!stop.get()) {
          try {
            int i = n++ % 300;
            assertThat(patients.findByEmail("p" + i + "@example.com")).hasSize(1);
            patients.save(new Patient("c" + client + "-" + n + "@example.com", "Client " + n, "+1 555 " + n));
            requests.incrementAndGet();
          } catch (Throwable e) {
            errors.add(e);
            return;
          }
        }
      });
      th.start();
      clients.add(th);
    }
    try {
      Thread.sleep(200);
      FieldVaultRotation.Status started = ((FieldVaultWritableEndpoint) endpoint).rotate(true);
      assertThat(started.state()).isEqualTo(FieldVaultRotation.State.RUNNING);
      assertThat(Thread.currentThread().getName()).doesNotStartWith("fieldvault"); // it returned at once
      FieldVaultRotation.Status done = rotation.awaitCompletion(120_000);
      assertThat(done.state()).as(done.message()).isEqualTo(FieldVaultRotation.State.COMPLETED);
      assertThat(done.valuesOffPrimary()).isZero();
    } finally {
      stop.set(true);
      for (Thread th : clients) {
        th.join(30_000);
      }
    }
    assertThat(errors).isEmpty();
    assertThat(requests.get()).isPositive();

    // the endpoint's inventory: every counted value under a primary key, none under the old ones
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> inventory = (List<Map<String, Object>>) endpoint.report().get("inventory");
    assertThat(inventory).isNotEmpty();
    for (Map<String, Object> column : inventory) {
      @SuppressWarnings("unchecked")
      Map<String, Long> values = (Map<String, Long>) column.get("values");
      assertThat(values.keySet()).as(column.get("column").toString()).allMatch(k -> k.endsWith("(primary)"));
    }
    for (int oldKey : oldPrimaries) {
      assertThat(rotation.inventory().valuesUsing(oldKey)).isZero();
    }
    assertThat(keys.keysets()).allMatch(k -> k.keys().size() == 2);
    assertThat(patients.findByEmail("p7@example.com")).extracting(p -> p.name).containsExactly("Patient 7");

    // the meters moved: encryptions by the application and the rewrapper, rows rewrapped
    assertThat(meters.get("fieldvault.cipher.encrypt").tag("mode", "randomized").timer().count())
        .isGreaterThan(encryptionsBefore);
    assertThat(meters.get("fieldvault.cipher.decrypt").tag("mode", "deterministic").timer().count()).isPositive();
    double rewrapped = meters.find("fieldvault.rotation.rows").tag("result", "rewrapped").counters().stream()
        .mapToDouble(c -> c.count()).sum();
    assertThat(rewrapped).isGreaterThanOrEqualTo(300);
  }

  @Test
  @Order(5)
  void retiringAnOldKey_isAllowedOnceRewrapped_butNotAnAeadKeyTheAuditChainUses() {
    VaultKeyset daead = keys.keyring().deterministic().orElseThrow();
    int old = daead.keys().stream().filter(k -> !k.primary()).findFirst().orElseThrow().ordinal();
    Map<String, Object> retired = ((FieldVaultWritableEndpoint) endpoint).retire(daead.name(), old);
    assertThat(retired).containsEntry("retired", true);
    assertThat(keys.keyring().deterministic().orElseThrow().byOrdinal(old).status().name()).isEqualTo("DISABLED");

    VaultKeyset aead = keys.keyring().aead().orElseThrow();
    int oldAead = aead.keys().stream().filter(k -> !k.primary()).findFirst().orElseThrow().ordinal();
    Map<String, Object> refused = ((FieldVaultWritableEndpoint) endpoint).retire(aead.name(), oldAead);
    assertThat(refused).containsEntry("retired", false);
    assertThat(refused.get("reason").toString()).contains("audit chain");
    assertThat(endpoint.report().toString()).doesNotContain("ann@example.com").doesNotContain("gho_TESTonly")
        .doesNotContain(Tables.MASTER_SECRET);
  }

  @Test
  @Order(6)
  void decryptionFailures_areCountedByReason() throws Exception {
    double before = meters.get("fieldvault.cipher.failures").tag("reason", "tampered").counter().count();
    Patient p = patients.save(new Patient("tamper@example.com", "Tampered", "+1 555 0000"));
    try (Connection c = dataSource.getConnection()) {
      // copy Ann's row-bound name onto this row: it must not decrypt here
      Patient ann = patients.findByEmail("ann@example.com").get(0);
      try (PreparedStatement copy = c.prepareStatement("SELECT name FROM sbt_patient WHERE id = ?")) {
        copy.setLong(1, ann.id);
        try (ResultSet rs = copy.executeQuery()) {
          rs.next();
          try (PreparedStatement upd = c.prepareStatement("UPDATE sbt_patient SET name = ? WHERE id = ?")) {
            upd.setBytes(1, rs.getBytes(1));
            upd.setLong(2, p.id);
            upd.executeUpdate();
          }
        }
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> patients.findById(p.id).orElseThrow().name.length())
        .isInstanceOf(RuntimeException.class);
    assertThat(meters.get("fieldvault.cipher.failures").tag("reason", "tampered").counter().count()).isGreaterThan(before);
  }

  @Test
  @Order(7)
  void health_isUp_thenDownWithTheReason_whenAKeysetIsMissingFromTheKeyStore() throws Exception {
    assertThat(health.check().up()).as(String.valueOf(health.check().details())).isTrue();
    String name = keys.keyring().prf().orElseThrow().name();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM sbt_fv_keyset WHERE name = ?")) {
      ps.setString(1, name);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    HealthCheck.Result r = health.check();
    assertThat(r.up()).isFalse();
    assertThat(r.details().get("reason").toString()).contains(name).contains("no longer in sbt_fv_keyset");
  }
}
