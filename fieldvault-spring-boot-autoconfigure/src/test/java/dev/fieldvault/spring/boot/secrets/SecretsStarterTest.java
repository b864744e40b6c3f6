package dev.fieldvault.spring.boot.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.AuditAction;
import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.ExpiryListener;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.RequestContext;
import dev.fieldvault.secrets.RotationListener;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.secrets.TaskStatus;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The secrets vault's new capabilities through the starter, in a running web application on one
 * database per subclass (H2, PostgreSQL, MariaDB): the scheduler from {@code fieldvault.secrets.schedule.*}
 * runs its tasks (an expired entry is deleted, a rotation policy from a {@code SecretsVaultCustomizer}
 * rotates, an expiry warning is given), the listener beans hear them, the {@code AccessRules} bean denies
 * what it does not grant, a handle without {@code as(...)} acts for Spring Security's authenticated user,
 * and a request's audit events carry the request's context.
 */
@SpringBootTest(classes = SecretsApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "fieldvault.keys.refresh-interval=0s", "fieldvault.rotation.promotion-delay=0s",
    "fieldvault.secrets.create-stores=sched,rot,ruled,web",
    "fieldvault.secrets.schedule.cleanup-expired.every=200ms", "fieldvault.secrets.schedule.cleanup-expired.retention=0s",
    "fieldvault.secrets.schedule.rotations.every=200ms",
    "fieldvault.secrets.schedule.expiry-warnings.every=200ms", "fieldvault.secrets.schedule.expiry-warnings.ahead=1d",
    "fieldvault.secrets.schedule.instance-id=starter-test"})
abstract class SecretsStarterTest {

  static final String PREFIX = "sbs_";
  static final Duration PATIENCE = Duration.ofSeconds(60);

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, PREFIX);
    Tables.properties(db, PREFIX).forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired SecretsVault vault;
  @Autowired DataSource dataSource;
  @Autowired SecretsApp.HeardEvents heardEvents;
  @Autowired SecretsApp.HeardRotations heardRotations;
  @Autowired SecretsApp.HeardWarnings heardWarnings;
  @Autowired Environment environment;

  @Test
  void theScheduler_startedWithTheContext_deletesAnExpiredEntry_andTheEventListenerHearsIt() throws Exception {
    SecretStore store = vault.store("sched").as(SecretsApp.APP);
    store.put("expired-token", SecretValue.ofString("gone-soon"),
        PutOptions.builder().expiresAt(Instant.now().minus(Duration.ofHours(1))).build());

    await("the scheduled cleanup deletes the expired entry's row", () -> rows("expired-token") == 0);
    assertThat(store.get("expired-token").status()).isEqualTo(Status.NOT_FOUND);
    await("the event listener bean hears the cleanup", () -> heardEvents.events.stream()
        .anyMatch(e -> e.action() == AuditAction.EXPIRED_CLEANUP && "sched".equals(e.namespace())));
    assertThat(heardEvents.events).anyMatch(e -> e.action() == AuditAction.CREATED
        && "expired-token".equals(e.name()) && SecretsApp.APP.equals(e.principal()));

    List<TaskStatus> tasks = vault.schedulerStatus();
    assertThat(tasks).extracting(t -> t.task().name())
        .containsExactlyInAnyOrder("CLEANUP_EXPIRED", "ROTATIONS", "EXPIRY_WARNINGS");
  }

  @Test
  void aRotationPolicyFromACustomizer_runsOnTheSchedule_andTheRotationListenerBeanHearsIt() {
    SecretStore store = vault.store("rot").as(SecretsApp.APP);
    store.put("api-key", SecretValue.ofString("v1"));

    await("the rotation listener bean hears the scheduled rotation", () -> heardRotations.rotations.stream()
        .anyMatch(r -> r.namespace().equals("rot") && r.name().equals("api-key")));
    RotationListener.Rotation heard = heardRotations.rotations.stream()
        .filter(r -> r.name().equals("api-key")).findFirst().orElseThrow();
    assertThat(heard.principal()).isEqualTo("fieldvault-rotation");
    assertThat(heard.version()).isGreaterThanOrEqualTo(2);
    assertThat(store.get("api-key").value().asString()).startsWith("v1+");
  }

  @Test
  void anEntryNearItsExpiry_isWarnedAbout_toTheExpiryListenerBean() {
    vault.store("sched").as(SecretsApp.APP).put("cert", SecretValue.ofString("expires-tomorrow"),
        PutOptions.builder().ttl(Duration.ofHours(6)).build());

    await("the expiry listener bean is warned", () -> heardWarnings.warnings.stream()
        .anyMatch(w -> w.namespace().equals("sched") && w.name().equals("cert")));
    ExpiryListener.Warning w = heardWarnings.warnings.stream().filter(x -> x.name().equals("cert")).findFirst()
        .orElseThrow();
    assertThat(w.expiresAt()).isAfter(Instant.now());
    assertThat(w.version()).isEqualTo(1);
  }

  @Test
  void theAccessRulesBean_deniesWhatItDoesNotGrant_andTheRefusalIsAudited() {
    vault.store("ruled").as(SecretsApp.APP).put("shared", SecretValue.ofString("readable-by-readers"));

    // alice has the role "reader": she reads the store "ruled", but may not write it or read elsewhere
    assertThat(vault.store("ruled").as("alice").get("shared").status()).isEqualTo(Status.OK);
    assertThat(vault.store("ruled").as("alice").put("shared", SecretValue.ofString("overwritten")).status())
        .isEqualTo(Status.ACCESS_DENIED);
    assertThat(vault.store("web").as("alice").get("anything").status()).isEqualTo(Status.ACCESS_DENIED);
    // a principal without any grant
    assertThat(vault.store("ruled").as("mallory").get("shared").status()).isEqualTo(Status.ACCESS_DENIED);

    assertThat(vault.store("ruled").as(SecretsApp.APP).get("shared").value().asString())
        .isEqualTo("readable-by-readers");
    await("the event listener bean hears mallory's refusal", () -> heardEvents.events.stream()
        .anyMatch(e -> "mallory".equals(e.principal()) && e.outcome().equals(Status.ACCESS_DENIED.name())));
  }

  @Test
  void withSpringSecurity_aSharedHandleActsForTheThreadsAuthenticatedUser_inRulesAndAuditEvents() {
    vault.store("ruled").as(SecretsApp.APP).put("motd", SecretValue.ofString("for-readers"));
    SecretStore shared = vault.store("ruled"); // no as(...): each operation asks Spring Security
    Status asAlice;
    Status alicesWrite;
    try {
      SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
          "alice", "n/a", AuthorityUtils.createAuthorityList("ROLE_USER")));
      asAlice = shared.get("motd").status();
      alicesWrite = shared.put("motd", SecretValue.ofString("overwritten")).status();
    } finally {
      SecurityContextHolder.clearContext();
    }
    Status signedOut = shared.get("motd").status();

    // the rules: alice (role reader) reads the store "ruled" but may not write it; anonymous has no grant
    assertThat(asAlice).isEqualTo(Status.OK);
    assertThat(alicesWrite).isEqualTo(Status.ACCESS_DENIED);
    assertThat(signedOut).isEqualTo(Status.ACCESS_DENIED);
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace("ruled", null).name("motd")
        .limit(1_000)).items();
    assertThat(events).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
        .endsWith("alice READ OK", "alice CREATED ACCESS_DENIED", "anonymous READ ACCESS_DENIED");
    assertThat(vault.store("ruled").as(SecretsApp.APP).get("motd").value().asString()).isEqualTo("for-readers");
  }

  @Test
  void aRequestsAuditEvents_carryItsClientAddressUserAgentAndRequestId() throws Exception {
    String port = environment.getRequiredProperty("local.server.port");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/secrets/from-web"))
        .header("User-Agent", "FieldVaultStarterTest/1.0").header("X-Request-Id", "req-4711")
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("OK");

    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().requestId("req-4711")).items();
    assertThat(events).hasSize(1);
    AuditEvent event = events.get(0);
    assertThat(event.action()).isEqualTo(AuditAction.CREATED);
    assertThat(event.name()).isEqualTo("from-web");
    assertThat(event.requestContext()).isEqualTo(new RequestContext("127.0.0.1", "FieldVaultStarterTest/1.0", "req-4711"));

    // the same operation off a request's thread has no request context
    vault.store("web").as(SecretsApp.APP).put("from-test-thread", SecretValue.ofString("no-request"));
    List<AuditEvent> own = vault.auditEvents(AuditQuery.all().namespace("web", null).name("from-test-thread")).items();
    assertThat(own).singleElement().satisfies(e -> assertThat(e.requestContext()).isNull());
  }

  private long rows(String name) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + PREFIX + "secret_entry WHERE name_key = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Waits until the condition holds (the scheduler runs every 200 ms); fails after a generous patience. */
  static void await(String what, ThrowingCondition condition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        throw new AssertionError(what + ": " + e, e);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not seen within " + PATIENCE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(what, e);
      }
    }
  }

  @FunctionalInterface
  interface ThrowingCondition {
    boolean holds() throws Exception;
  }
}
