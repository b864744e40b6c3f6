package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit listener hears every appended event: its action, outcome and lag, nothing else. */
class AuditListenerTest {

  private static final String P = "sal_";

  @Test
  void everyAuditedOperation_isReported_withItsOutcome_andNoName() throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(Kind.H2, P);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    List<Duration> lags = Collections.synchronizedList(new ArrayList<>());
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .auditListener((action, outcome, lag) -> {
          heard.add(action + " " + outcome);
          lags.add(lag);
        }).build();
    String ns = SecretsTestSupport.unique("ns");
    SecretStore store = vault.createStore(ns, null, StoreOptions.DEFAULT).as("alice");
    store.put("github-token", SecretValue.ofString("gho_listener"));
    assertThat(store.get("github-token").status()).isEqualTo(Status.OK);
    assertThat(store.get("nothing-here").status()).isEqualTo(Status.NOT_FOUND);
    vault.close();

    assertThat(heard).containsExactly("STORE_CREATED OK", "CREATED OK", "READ OK", "READ NOT_FOUND");
    assertThat(lags).allMatch(l -> !l.isNegative());
    assertThat(heard.toString()).doesNotContain("github-token").doesNotContain("alice").doesNotContain(ns);
  }
}
