package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snippets of vault-secrets/README.md, compiled and run (keep the two in step). */
class ReadmeExamplesTest {

  @TempDir
  Path tmp;

  @Test
  void readmeSnippets_runAsDocumented() throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(Kind.H2, "sv_doc_");
    DataSource dataSource = db.dataSource();
    FieldCipher cipher = FieldCipher.create(Keyring.generate("app"));

    // --- snippet: setup
    SecretsVault vault = SecretsVault.builder(dataSource, cipher)
        .tablePrefix("sv_doc_")                                  // default fv_secret_
        .accessPolicy(req -> !req.principal().equals("intruder")) // optional, per namespace and action
        .readCache(Duration.ofSeconds(5), 1_000)                  // optional, off by default
        .build();
    vault.createStore("oauth-tokens", "acme", StoreOptions.DEFAULT); // once, e.g. when the tenant signs up
    SecretStore tokens = vault.store("oauth-tokens", "acme").as("user:42");
    // --- end

    // --- snippet: put-get
    WriteResult w = tokens.put("github", SecretValue.ofString("gho_refresh"),
        PutOptions.builder().metadata(Map.of("scope", "repo")).ttl(Duration.ofDays(30)).build());
    SecretResult r = tokens.get("github");
    switch (r.status()) {
      case OK -> useToken(r.value().asString(), r.version(), r.expiresAt());
      case NOT_FOUND, EXPIRED -> reauthorize();
      case KEY_UNAVAILABLE -> alertOperators();   // a key was disabled or not loaded
      case ACCESS_DENIED -> forbidden();           // the policy said no; the refusal is audited
      default -> throw new IllegalStateException(r.status().name());
    }
    // --- end
    assertThat(w.version()).isEqualTo(1);

    // --- snippet: cas
    SecretResult current = tokens.get("github");
    WriteResult cas = tokens.put("github", SecretValue.ofString("gho_new"),
        PutOptions.builder().expectedVersion(current.version()).build());
    if (cas.status() == Status.CONFLICT) {
      // someone else wrote first: read again and retry
    }
    // --- end
    assertThat(cas.status()).isEqualTo(Status.OK);

    // --- snippet: versions
    List<SecretVersion> history = tokens.versions("github"); // newest first: version, createdAt, createdBy
    SecretResult first = tokens.getVersion("github", 1);
    tokens.rollback("github", 1);                            // version 1's value again, as version 3
    Page<SecretInfo> page = tokens.list(null, 100);          // names + metadata + ACTIVE/EXPIRED, never values
    Map<String, SecretResult> many = tokens.getMany(List.of("github", "gitlab"));
    // --- end
    assertThat(history).hasSize(2);
    assertThat(first.value().asString()).isEqualTo("gho_refresh");
    assertThat(page.items()).extracting(SecretInfo::name).containsExactly("github");
    assertThat(many.get("gitlab").status()).isEqualTo(Status.NOT_FOUND);

    // --- snippet: queries
    ListQuery recent = ListQuery.byUpdatedAt().descending().state(SecretInfo.State.ACTIVE)
        .metadata("scope", "repo").limit(50);
    Page<SecretInfo> newest = tokens.list(recent);           // never values; next: recent.after(newest.nextCursor())
    String id = tokens.info("github").orElseThrow().id();    // stable across updates; also createdAt, createdBy
    SecretResult sameEntry = tokens.getById(id);             // or findById(id) for the entry without its value
    StoreCounts counts = tokens.counts();                    // entries, expired, versions
    Page<AuditEvent> history2 = tokens.events(AuditQuery.all().name("github").action(AuditAction.READ));
    // --- end
    assertThat(newest.items()).extracting(SecretInfo::name).containsExactly("github");
    assertThat(sameEntry.value().asString()).isEqualTo("gho_refresh");
    assertThat(counts.entries()).isEqualTo(1);
    assertThat(history2.items()).isNotEmpty();

    // --- snippet: store defaults
    vault.createStore("api-keys", "acme", StoreOptions.DEFAULT
        .withDefaultTtl(Duration.ofDays(90))           // puts without an expiry expire after 90 days
        .withMaxVersions(10)                           // at most 10 versions per name...
        .withVersionMaxAge(Duration.ofDays(7)));       // ...and none older than 7 days (the current one stays)
    vault.pruneVersions();                             // maintenance: the same rules for entries not written since
    WriteResult rotated = tokens.rotate("github", (name, old) -> SecretValue.ofString("gho_from_provider"));
    // --- end
    assertThat(vault.store("api-keys", "acme").options().defaultTtl()).isEqualTo(Duration.ofDays(90));
    assertThat(rotated.status()).isEqualTo(Status.OK);
    assertThat(tokens.get("github").value().asString()).isEqualTo("gho_from_provider");
    tokens.rollback("github", 1);

    // --- snippet: sealed
    vault.createStore("recovery-codes", null, StoreOptions.sealedStore());
    byte[] userSecret = deriveFromUserPassword(); // held by the caller, never by the vault
    SecretStore sealed = vault.store("recovery-codes").as("user:42").withSecret(userSecret);
    sealed.put("2fa", SecretValue.ofJson(Map.of("codes", List.of("1111-2222", "3333-4444"))));
    SecretResult codes = sealed.get("2fa");                  // another secret: NOT_FOUND
    // --- end
    assertThat(codes.value().asJson()).containsKey("codes");

    // --- snippet: maintenance
    VaultTables.defaults().install(dataSource);    // once: rewrapAll's rotation work tables (or fieldvault-changelog.xml)
    vault.cleanupExpired(Duration.ofDays(7));      // expired entries, after a retention window
    vault.runDueRotations();                       // rotation policies registered on the builder
    vault.rewrapAll(500);                          // after a key rotation: old-key values to the primary key
    ChainCheck chain = vault.verifyAuditChain();   // tampering with audit history is detected
    AuditAnchor anchor = vault.auditAnchor();      // keep anchor.toString() outside the database
    ChainCheck anchored = vault.verifyAuditChain(AuditAnchor.parse(anchor.toString())); // later: also truncation
    vault.purgeAuditEvents(Duration.ofDays(365));  // audit retention; the remaining chain still verifies
    BackupReport exported = vault.exportStore("oauth-tokens", "acme", tmp.resolve("tokens.jsonl"));
    BackupReport check = vault.importStore(tmp.resolve("tokens.jsonl"), true); // dry-run verify
    // --- end
    assertThat(chain.intact()).isTrue();
    assertThat(anchored.intact()).isTrue();

    int retiredKeyId = cipher.keyring().aead().orElseThrow().primary().keyId();
    cipher.reload(cipher.keyring().with(cipher.keyring().aead().orElseThrow().rotate())); // a new primary key
    // --- snippet: rotation
    KeyRotationReport rotation = vault.rotateKeys(KeyRotation.builder()
        .fromKeyIds(retiredKeyId)          // only data keys wrapped by this key (default: every old key)
        .batchSize(500)
        .rotationId("retire-key-2026-12")  // run again with the same id to resume, or on several instances to share
        .build());
    for (KeyRotationReport.Store st : rotation.stores()) {
      log(st.namespace() + "/" + st.tenant() + ": " + st.rewrapped() + " data keys rewrapped, " + st.left() + " left");
    }
    vault.upgradeSealedKdf("recovery-codes", null); // a sealed store created before 0.2: PBKDF2 from now on
    // --- end
    assertThat(rotation.complete()).isTrue();
    assertThat(rotation.dataKeysRewrapped()).isPositive();
    assertThat(exported.entries()).isEqualTo(1);
    assertThat(check.failed()).isZero();
  }

  private static void log(String line) {
    assertThat(line).doesNotContain("gho_");
  }

  private static void useToken(String token, long version, java.time.Instant expiresAt) {
    assertThat(token).isEqualTo("gho_refresh");
  }

  private static void reauthorize() {
    throw new AssertionError("not expected here");
  }

  private static void alertOperators() {
    throw new AssertionError("not expected here");
  }

  private static void forbidden() {
    throw new AssertionError("not expected here");
  }

  private static byte[] deriveFromUserPassword() {
    return "a-32-byte-secret-from-the-caller".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
