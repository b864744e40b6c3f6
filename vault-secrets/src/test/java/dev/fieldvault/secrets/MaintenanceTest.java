package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Expiry cleanup, rotation policies, dynamic secrets, key rotation (rewrap) and backup/restore. */
class MaintenanceTest {

  private static final String P = "sv_mt_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();

  @TempDir
  Path tmp;

  private SecretsVault.Builder builder(Kind kind, FieldCipher cipher) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).clock(clock);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void cleanupExpired_deletesOnlyEntriesExpiredLongerThanTheRetention(Kind kind) throws Exception {
    SecretsVault vault = builder(kind, SecretsTestSupport.cipher()).build();
    String ns = SecretsTestSupport.unique("expiry");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("short", SecretValue.ofString("a"), PutOptions.builder().ttl(Duration.ofMinutes(1)).build());
    s.put("long", SecretValue.ofString("b"), PutOptions.builder().ttl(Duration.ofDays(30)).build());
    s.put("never", SecretValue.ofString("c"));
    clock.advance(Duration.ofMinutes(30));

    vault.cleanupExpired(Duration.ofHours(1));
    assertThat(s.get("short").status()).isEqualTo(Status.EXPIRED); // within the retention window: kept
    clock.advance(Duration.ofHours(1));
    MaintenanceReport report = vault.cleanupExpired(Duration.ofHours(1));

    assertThat(report.changed()).isGreaterThanOrEqualTo(1);
    assertThat(s.get("short").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(s.versions("short")).isEmpty();
    assertThat(s.get("long").status()).isEqualTo(Status.OK);
    assertThat(s.get("never").status()).isEqualTo(Status.OK);
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.EXPIRED_CLEANUP)).items())
        .extracting(AuditEvent::name).containsExactly("short");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rotationPolicy_rotatesDueSecretsThroughTheHandler(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("rotating");
    AtomicInteger calls = new AtomicInteger();
    SecretsVault vault = builder(kind, SecretsTestSupport.cipher())
        .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) ->
            SecretValue.ofString(current.asString() + "-rotated" + calls.incrementAndGet()))
        .build();
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("api-key", SecretValue.ofString("key"));
    clock.advance(Duration.ofDays(20));
    s.put("fresh", SecretValue.ofString("new"));

    assertThat(vault.runDueRotations().changed()).isZero();
    clock.advance(Duration.ofDays(11));
    MaintenanceReport report = vault.runDueRotations();

    assertThat(report.changed()).isEqualTo(1);
    assertThat(s.get("api-key").value().asString()).isEqualTo("key-rotated1");
    assertThat(s.get("api-key").version()).isEqualTo(2);
    assertThat(s.get("fresh").version()).isEqualTo(1);
    assertThat(vault.runDueRotations().changed()).isZero();
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.ROTATED)).items())
        .extracting(AuditEvent::principal).containsExactly("fieldvault-rotation");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void dynamicSecret_isIssuedWithATtl_andRevokedWhenItExpires(Kind kind) throws Exception {
    List<String> revoked = new CopyOnWriteArrayList<>();
    SecretsVault vault = builder(kind, SecretsTestSupport.cipher())
        .dynamicSecrets("pg-readonly", new DynamicSecretGenerator() {
          @Override
          public SecretValue generate(String name, Duration ttl) {
            return SecretValue.ofJson(Map.of("user", "ro_" + name.hashCode(), "password", "generated"));
          }

          @Override
          public void revoke(String name, SecretValue value) {
            revoked.add(value.asJson().get("user").toString());
          }
        })
        .build();
    SecretStore s = vault.createStore(SecretsTestSupport.unique("dynamic"), null, StoreOptions.DEFAULT).as("app");

    SecretStore.Issued cred = s.issue("pg-readonly", Duration.ofMinutes(15));

    assertThat(cred.name()).startsWith("pg-readonly/");
    assertThat(s.get(cred.name()).value().asJson()).containsEntry("password", "generated");
    assertThat(s.get(cred.name()).metadata()).containsEntry("dynamic", "pg-readonly");
    assertThat(cred.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    vault.cleanupExpired(Duration.ofDays(7));
    assertThat(revoked).isEmpty();

    clock.advance(Duration.ofMinutes(16));
    vault.cleanupExpired(Duration.ofDays(7)); // dynamic secrets are revoked at expiry, not after the retention

    assertThat(revoked).containsExactly(cred.value().asJson().get("user").toString());
    assertThat(s.get(cred.name()).status()).isEqualTo(Status.NOT_FOUND);
    assertThatThrownBy(() -> s.issue("unknown", Duration.ofMinutes(1)))
        .hasMessageContaining("No dynamic secret generator named 'unknown'");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void failedRevocation_keepsTheDynamicSecret_andTheNextCleanupRetries(Kind kind) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    SecretsVault vault = builder(kind, SecretsTestSupport.cipher())
        .dynamicSecrets("flaky", new DynamicSecretGenerator() {
          @Override
          public SecretValue generate(String name, Duration ttl) {
            return SecretValue.ofString("cred");
          }

          @Override
          public void revoke(String name, SecretValue value) {
            if (attempts.incrementAndGet() == 1) {
              throw new IllegalStateException("provider unavailable");
            }
          }
        })
        .build();
    SecretStore s = vault.createStore(SecretsTestSupport.unique("flaky"), null, StoreOptions.DEFAULT);
    SecretStore.Issued cred = s.issue("flaky", Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(2));

    MaintenanceReport first = vault.cleanupExpired(Duration.ofDays(1));
    assertThat(first.skipped()).isGreaterThanOrEqualTo(1);
    assertThat(s.get(cred.name()).status()).isEqualTo(Status.EXPIRED);
    vault.cleanupExpired(Duration.ofDays(1));

    assertThat(attempts.get()).isEqualTo(2);
    assertThat(s.get(cred.name()).status()).isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rewrapAll_movesEveryStoredValueToThePrimaryKey_inBatches(Kind kind) throws Exception {
    Keyring keyring = Keyring.generate("rewrap");
    FieldCipher cipher = FieldCipher.create(keyring);
    TestDatabase db = SecretsTestSupport.migrated(kind, P + "rw_");
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P + "rw_").clock(clock)
        .rotationTables(SecretsTestSupport.rotationTables(db, P + "rw_fv_")).build();
    String ns = SecretsTestSupport.unique("rewrap");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    for (int i = 0; i < 7; i++) {
      s.put("k" + i, SecretValue.ofString("v" + i));
      s.put("k" + i, SecretValue.ofString("w" + i));
    }
    String sealedNs = SecretsTestSupport.unique("rewrap-sealed");
    vault.createStore(sealedNs, null, StoreOptions.sealedStore()).withSecret("0123456789abcdef-secret")
        .put("sealed", SecretValue.ofString("S"));

    VaultKeyset rotated = keyring.aead().orElseThrow().rotate();
    cipher.reload(keyring.with(rotated));
    int newKey = rotated.primary().keyId();
    MaintenanceReport report = vault.rewrapAll(3);
    MaintenanceReport again = vault.rewrapAll(3);
    cipher.reload(keyring.with(rotated.disable(1)));

    assertThat(report.changed()).isEqualTo(7 + 7 * 2 + 2); // 7 entries, 14 versions, the sealed entry and version
    assertThat(again.changed()).isZero();
    assertThat(keyIds(db, P + "rw_")).containsOnly(newKey);
    assertThat(s.get("k3").value().asString()).isEqualTo("w3");
    assertThat(s.getVersion("k3", 1).value().asString()).isEqualTo("v3");
    assertThat(vault.store(sealedNs).withSecret("0123456789abcdef-secret").get("sealed").value().asString())
        .isEqualTo("S");
    // one vault-wide event per run that rewrapped something (the no-op second run records none)
    List<AuditEvent> keyEvents = vault.auditEvents(AuditQuery.all().action(AuditAction.KEY_ROTATED)).items();
    assertThat(keyEvents).filteredOn(e -> e.namespace() == null).singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("23 data keys rewrapped"));
    // one event per store with its counts: 21 data keys in the tenant's store, 2 in the sealed one
    assertThat(keyEvents).filteredOn(e -> ns.equals(e.namespace())).singleElement()
        .satisfies(e -> assertThat(e.detail()).endsWith(": 21 data keys rewrapped (21 to rewrap, 0 left)"));
    assertThat(keyEvents).filteredOn(e -> sealedNs.equals(e.namespace())).singleElement()
        .satisfies(e -> assertThat(e.detail()).endsWith(": 2 data keys rewrapped (2 to rewrap, 0 left)"));
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rewrapAll_concurrentWithWriters_neverOverwritesANewerValue(Kind kind) throws Exception {
    Keyring keyring = Keyring.generate("rewrap-race");
    FieldCipher cipher = FieldCipher.create(keyring);
    TestDatabase db = SecretsTestSupport.migrated(kind, P + "rr_");
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P + "rr_")
        .rotationTables(SecretsTestSupport.rotationTables(db, P + "rr_fv_")).readAudit(ReadAudit.OFF).build();
    String ns = SecretsTestSupport.unique("race");
    vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(3));
    int names = 12;
    for (int i = 0; i < names; i++) {
      vault.store(ns).put("n" + i, SecretValue.ofString("0"));
    }
    VaultKeyset rotated = keyring.aead().orElseThrow().rotate();
    cipher.reload(keyring.with(rotated));
    String[] last = new String[names];
    Thread writer = new Thread(() -> {
      for (int round = 1; round <= 4; round++) {
        for (int i = 0; i < names; i++) {
          WriteResult r = vault.store(ns).put("n" + i, SecretValue.ofString(Integer.toString(round)));
          if (r.isWritten()) {
            last[i] = Integer.toString(round);
          }
        }
      }
    });
    writer.start();
    while (writer.isAlive()) {
      vault.rewrapAll(4);
    }
    writer.join();
    vault.rewrapAll(4);

    SecretStore s = vault.store(ns);
    for (int i = 0; i < names; i++) {
      assertThat(s.get("n" + i).value().asString()).as("n%d", i).isEqualTo(last[i]);
    }
    assertThat(vault.rewrapAll(4).changed()).isZero();
    assertThat(keyIds(db, P + "rr_")).containsOnly(rotated.primary().keyId());
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void exportThenImport_intoAnotherDatabaseWithTheSameKeys_readsEverything(Kind kind) throws Exception {
    FieldCipher cipher = SecretsTestSupport.cipher();
    SecretsVault source = builder(kind, cipher).build();
    String ns = SecretsTestSupport.unique("backup");
    SecretStore s = source.createStore(ns, "acme", StoreOptions.DEFAULT);
    s.put("a", SecretValue.ofString("secret-text-A1"), PutOptions.builder().metadata(Map.of("m", "1")).build());
    s.put("a", SecretValue.ofString("secret-text-A2"));
    s.put("b", SecretValue.ofBytes(new byte[] {1, 2, 3}));
    String sealedNs = SecretsTestSupport.unique("backup-sealed");
    source.createStore(sealedNs, null, StoreOptions.sealedStore()).withSecret("sealed-secret-0123456789")
        .put("x", SecretValue.ofString("X"));
    Path file = tmp.resolve("backup.jsonl");
    Path sealedFile = tmp.resolve("sealed.jsonl");

    BackupReport exported = source.exportStore(ns, "acme", file);
    source.exportStore(sealedNs, null, sealedFile);
    TestDatabase target = kind == Kind.H2 ? TestDatabases.h2() : SecretsTestSupport.db(kind);
    String targetPrefix = kind == Kind.H2 ? P : "sv_bk_";
    SecretsTestSupport.dropAll(target, targetPrefix);
    SecretsTestSupport.migrate(target, targetPrefix);
    SecretsVault restored = SecretsVault.builder(target.dataSource(), cipher).tablePrefix(targetPrefix).build();
    BackupReport dry = restored.importStore(file, true);
    assertThatThrownBy(() -> restored.store(ns, "acme")).isInstanceOf(SecretStoreNotFoundException.class);
    BackupReport imported = restored.importStore(file, false);
    restored.importStore(sealedFile, false);

    assertThat(exported).isEqualTo(new BackupReport(2, 3, 0, 0, false));
    assertThat(dry).isEqualTo(new BackupReport(2, 3, 5, 0, true));
    assertThat(imported.verified()).isEqualTo(5);
    SecretStore r = restored.store(ns, "acme");
    assertThat(r.get("a").value().asString()).isEqualTo("secret-text-A2");
    assertThat(r.get("a").version()).isEqualTo(2);
    assertThat(r.getVersion("a", 1).value().asString()).isEqualTo("secret-text-A1");
    assertThat(r.getVersion("a", 1).metadata()).containsEntry("m", "1");
    assertThat(r.get("b").value().asBytes()).containsExactly(1, 2, 3);
    assertThat(restored.store(sealedNs).withSecret("sealed-secret-0123456789").get("x").value().asString())
        .isEqualTo("X");
    // '-' is not in the base64 alphabet, so the marker cannot appear inside an encoded ciphertext by chance
    assertThat(Files.readString(file)).doesNotContain("secret-text");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void importWithOtherKeys_isRefused_andTheDryRunSaysSo(Kind kind) throws Exception {
    SecretsVault source = builder(kind, SecretsTestSupport.cipher()).build();
    String ns = SecretsTestSupport.unique("backup-keys");
    source.createStore(ns, null, StoreOptions.DEFAULT).put("a", SecretValue.ofString("A"));
    Path file = tmp.resolve("b.jsonl");
    source.exportStore(ns, null, file);
    TestDatabase target = TestDatabases.h2();
    SecretsTestSupport.migrate(target, "sv_");
    SecretsVault other = SecretsVault.builder(target.dataSource(), SecretsTestSupport.cipher()).tablePrefix("sv_").build();

    assertThat(other.importStore(file, true)).isEqualTo(new BackupReport(1, 1, 0, 2, true));
    assertThatThrownBy(() -> other.importStore(file, false)).isInstanceOf(DecryptionFailedException.class)
        .hasMessageContaining("nothing was imported");
    assertThatThrownBy(() -> other.store(ns)).isInstanceOf(SecretStoreNotFoundException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void importOfASealedExportIntoANonSealedStoreOfTheSameName_isRefused(Kind kind) throws Exception {
    FieldCipher cipher = SecretsTestSupport.cipher();
    SecretsVault source = builder(kind, cipher).build();
    String ns = SecretsTestSupport.unique("mismatch");
    source.createStore(ns, null, StoreOptions.sealedStore()).withSecret("sealed-secret-0123456789")
        .put("x", SecretValue.ofString("X"));
    Path file = tmp.resolve("m.jsonl");
    source.exportStore(ns, null, file);
    TestDatabase target = TestDatabases.h2();
    SecretsTestSupport.migrate(target, "sv_");
    SecretsVault other = SecretsVault.builder(target.dataSource(), cipher).tablePrefix("sv_").build();
    other.createStore(ns, null, StoreOptions.DEFAULT);

    assertThatThrownBy(() -> other.importStore(file, false))
        .isInstanceOf(dev.fieldvault.keys.VaultConfigurationException.class).hasMessageContaining("nothing was imported");
    assertThat(other.store(ns).list(null, 10).items()).isEmpty();
  }

  private static List<Integer> keyIds(TestDatabase db, String prefix) throws Exception {
    List<Integer> ids = new ArrayList<>();
    try (Connection c = db.connect()) {
      for (String t : List.of("entry", "version")) {
        try (PreparedStatement ps = c.prepareStatement("SELECT dek_ct FROM " + prefix + t);
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
          }
        }
      }
    }
    return ids;
  }
}
