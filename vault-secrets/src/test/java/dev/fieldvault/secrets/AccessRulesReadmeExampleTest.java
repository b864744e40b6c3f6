package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The access rules snippet of vault-secrets/README.md, compiled and run (keep the two in step). */
class AccessRulesReadmeExampleTest {

  private final Directory directory = principal -> principal.equals("svc-billing") ? Set.of("payments-app") : Set.of();

  interface Directory {
    Set<String> rolesOf(String principal);
  }

  @Test
  void accessRulesSnippet_runsAsDocumented() throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(Kind.H2, "sv_acl_");
    DataSource dataSource = db.dataSource();
    FieldCipher cipher = FieldCipher.create(Keyring.generate("app"));

    // --- snippet: access-rules
    AccessRules rules = AccessRules.builder()
        .role("payments-app").grant(Action.READ, Action.WRITE).onStore("payments", "*").namesStartingWith("stripe/")
        .role("payments-app").deny(Action.WRITE).onStore("payments", "*").namesStartingWith("stripe/live/")
        .role("ops").grant(Action.ADMIN).onAnyStore()
        .principal("alice").hasRoles("ops")
        .roleResolver(principal -> directory.rolesOf(principal))   // the application's own roles
        .build();
    SecretsVault vault = SecretsVault.builder(dataSource, cipher).tablePrefix("sv_acl_")
        .accessRules(rules)                                          // and/or .accessPolicy(callback): both must allow
        .build();
    VaultAdmin admin = vault.admin("alice");                         // store-level operations need ADMIN
    admin.createStore("payments", "acme", StoreOptions.DEFAULT);
    SecretStore billing = vault.store("payments", "acme").as("svc-billing");
    billing.put("stripe/test/key", SecretValue.ofString("sk_test_..."));   // OK
    billing.put("stripe/live/key", SecretValue.ofString("sk_live_..."));   // ACCESS_DENIED (audited)
    billing.list(ListQuery.byName());                                      // only names it may read
    // --- end

    assertThat(billing.get("stripe/test/key").status()).isEqualTo(Status.OK);
    assertThat(billing.get("stripe/live/key").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(billing.put("stripe/live/key", SecretValue.ofString("x")).status()).isEqualTo(Status.ACCESS_DENIED);
    assertThat(billing.list(ListQuery.byName()).items()).extracting(SecretInfo::name).containsExactly("stripe/test/key");
    assertThatThrownBy(() -> vault.admin("svc-billing").exportStore("payments", "acme",
        java.nio.file.Files.createTempFile("acl", ".jsonl"))).isInstanceOf(SecretsAccessDeniedException.class);
    vault.close();
  }
}
