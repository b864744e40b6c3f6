package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A value copied to another name, namespace, tenant or version fails to decrypt, and the failure is audited. */
class CiphertextBindingTest {

  private static final String P = "sv_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @ParameterizedTest
  @MethodSource(ALL)
  void valueCopiedToAnotherName_failsToDecrypt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("bind");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("admin-token", SecretValue.ofString("ADMIN"));
    s.put("guest-token", SecretValue.ofString("GUEST"));

    CiphertextSurgery.copyValue(db, P, ns, null, "admin-token", ns, null, "guest-token");

    assertThatThrownBy(() -> s.get("guest-token")).isInstanceOf(DecryptionFailedException.class)
        .hasMessageNotContaining("ADMIN");
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.READ)).items())
        .extracting(AuditEvent::outcome).contains("FAILED");
    assertThat(s.get("admin-token").value().asString()).isEqualTo("ADMIN");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void valueCopiedToAnotherNamespace_failsToDecrypt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns1 = SecretsTestSupport.unique("bind-a");
    String ns2 = SecretsTestSupport.unique("bind-b");
    vault.createStore(ns1, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("ONE"));
    SecretStore s2 = vault.createStore(ns2, null, StoreOptions.DEFAULT);
    s2.put("k", SecretValue.ofString("TWO"));

    CiphertextSurgery.copyValue(db, P, ns1, null, "k", ns2, null, "k");

    assertThatThrownBy(() -> s2.get("k")).isInstanceOf(DecryptionFailedException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void valueCopiedToAnotherTenantsRow_failsToDecrypt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("tenants");
    SecretStore acme = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    SecretStore globex = vault.createStore(ns, "globex", StoreOptions.DEFAULT);
    acme.put("db-password", SecretValue.ofString("ACME-PW"));
    globex.put("db-password", SecretValue.ofString("GLOBEX-PW"));

    CiphertextSurgery.copyValue(db, P, ns, "acme", "db-password", ns, "globex", "db-password");

    assertThat(acme.get("db-password").value().asString()).isEqualTo("ACME-PW");
    assertThatThrownBy(() -> globex.get("db-password")).isInstanceOf(DecryptionFailedException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void olderVersionCopiedOverTheCurrentOne_failsToDecrypt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("replay");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofString("revoked-v1"));
    CiphertextSurgery.Stored v1 = CiphertextSurgery.read(db, P, ns, null, "k");
    s.put("k", SecretValue.ofString("current-v2"));

    CiphertextSurgery.writeValue(db, P, ns, null, "k", v1.value());
    CiphertextSurgery.writeWrappedKey(db, P, ns, null, "k", v1.wrappedKey());

    assertThatThrownBy(() -> s.get("k")).isInstanceOf(DecryptionFailedException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void valueAloneMovedUnderAnotherRowsDataKey_failsToDecrypt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("value-only");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("a", SecretValue.ofString("A-VALUE"));
    s.put("b", SecretValue.ofString("B-VALUE"));

    CiphertextSurgery.writeValue(db, P, ns, null, "b", CiphertextSurgery.readValue(db, P, ns, null, "a"));

    assertThatThrownBy(() -> s.get("b")).isInstanceOf(DecryptionFailedException.class)
        .hasMessageNotContaining("A-VALUE");
    assertThat(s.get("a").value().asString()).isEqualTo("A-VALUE");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void wrappedDataKeyAloneMovedToAnotherRow_failsToUnwrap(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    String ns = SecretsTestSupport.unique("key-only");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    s.put("a", SecretValue.ofString("A-VALUE"));
    s.put("b", SecretValue.ofString("B-VALUE"));
    CiphertextSurgery.Stored a = CiphertextSurgery.read(db, P, ns, "acme", "a");

    CiphertextSurgery.writeWrappedKey(db, P, ns, "acme", "b", a.wrappedKey());

    assertThatThrownBy(() -> s.get("b")).isInstanceOf(DecryptionFailedException.class);
  }
}
