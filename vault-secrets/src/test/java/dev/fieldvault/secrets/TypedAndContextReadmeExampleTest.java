package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The snippets of vault-secrets/README.md's sections "Typed secrets", "Request context" and "Event
 * listeners", compiled and run (keep the two in step).
 */
class TypedAndContextReadmeExampleTest {

  private static final ThreadLocal<RequestContext> CURRENT_REQUEST = new ThreadLocal<>();
  private final List<String> alerts = Collections.synchronizedList(new ArrayList<>());

  @Test
  void readmeSnippets_runAsDocumented() throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(Kind.H2, "sv_doc16a_");
    DataSource dataSource = db.dataSource();
    FieldCipher cipher = FieldCipher.create(Keyring.generate("app"));
    String pem = TypedSecretsTest.chainPem();
    String password = "pw";

    // --- snippet: listeners
    SecretsVault vault = SecretsVault.builder(dataSource, cipher)
        .tablePrefix("sv_doc16a_")
        .requestContext(CURRENT_REQUEST::get)      // e.g. set by a servlet filter; null outside requests
        .eventListener(event -> {                  // after each commit, on the vault's event thread
          if (event.outcome().equals("ACCESS_DENIED") || event.outcome().equals("FAILED")) {
            alert(event.action() + " by " + event.principal() + " from "
                + (event.requestContext() == null ? "?" : event.requestContext().clientAddress()));
          }
        })
        .build();
    // --- end
    vault.createStore("app-secrets", "acme", StoreOptions.DEFAULT);

    // --- snippet: typed
    SecretStore secrets = vault.store("app-secrets", "acme").as("deployer");
    secrets.put("orders-db", Secrets.databaseCredentials("orders", password, "jdbc:postgresql://db/orders"));
    secrets.put("tls", Secrets.certificate(pem));         // expires at the chain's notAfter unless given
    secrets.put("github", Secrets.oauthToken("gho_access", "ghr_refresh", Instant.parse("2030-01-01T00:00:00Z"),
        List.of("repo")));
    Secrets.DatabaseCredentials orders = secrets.get("orders-db").asDatabaseCredentials();
    Instant renewBy = secrets.get("tls").asCertificate().notAfter();
    Page<SecretInfo> certificates = secrets.list(ListQuery.byName().kind(SecretKind.CERTIFICATE));
    // --- end
    assertThat(orders.password()).isEqualTo(password);
    assertThat(renewBy).isEqualTo(secrets.info("tls").orElseThrow().expiresAt());
    assertThat(certificates.items()).extracting(SecretInfo::name).containsExactly("tls");

    // --- snippet: context
    SecretStore perRequest = vault.store("app-secrets", "acme").as("user:42")
        .withRequestContext(RequestContext.of("203.0.113.7", "Mozilla/5.0", "req-8f3a"));
    perRequest.get("github");
    CURRENT_REQUEST.set(RequestContext.sanitized("198.51.100.2", "curl/8.5 \n", "req-9b1c")); // untrusted text
    vault.store("app-secrets", "acme").as("user:7").get("github");
    Page<AuditEvent> oneRequest = vault.auditEvents(AuditQuery.all().requestId("req-8f3a"));
    // --- end
    CURRENT_REQUEST.remove();
    assertThat(oneRequest.items()).extracting(AuditEvent::principal).containsExactly("user:42");
    assertThat(vault.auditEvents(AuditQuery.all().clientAddress("198.51.100.2")).items()).hasSize(1);
    assertThat(vault.verifyAuditChain().intact()).isTrue();

    vault.close();
    assertThat(alerts).isEmpty();
  }

  private void alert(String line) {
    alerts.add(line);
  }
}
