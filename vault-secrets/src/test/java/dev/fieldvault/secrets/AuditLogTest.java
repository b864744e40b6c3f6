package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The append-only, hash-chained audit log: contents, filters, cursor, tamper detection, retention. */
class AuditLogTest {

  // own tables: these tests tamper with the chain (and repair it)
  private static final String P = "sv_au_";
  // one keyring for every vault on these tables: the audit chain is keyed by it
  private static final FieldCipher CIPHER = SecretsTestSupport.cipher();
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();
  private TestDatabase db;

  private SecretsVault vault(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(P).clock(clock).build();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void everyOperation_isAuditedWithPrincipalNamespaceNameTimeAndOutcome(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("audited");
    SecretStore s = vault.createStore(ns, "acme", StoreOptions.DEFAULT).as("alice");
    s.put("k", SecretValue.ofString("v1"));
    clock.advance(Duration.ofSeconds(1));
    s.put("k", SecretValue.ofString("v2"));
    s.get("k");
    s.get("missing");
    s.rollback("k", 1);
    s.rotate("k", SecretValue.ofString("v4"));
    s.update("k", PutOptions.builder().noExpiry().build());
    s.remove("k");

    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace(ns, "acme")).items();

    assertThat(events).extracting(AuditEvent::action).containsExactly(AuditAction.STORE_CREATED, AuditAction.CREATED,
        AuditAction.UPDATED, AuditAction.READ, AuditAction.READ, AuditAction.ROLLED_BACK, AuditAction.ROTATED,
        AuditAction.UPDATED, AuditAction.DELETED);
    assertThat(events).extracting(AuditEvent::outcome).containsExactly("OK", "OK", "OK", "OK", "NOT_FOUND", "OK", "OK",
        "OK", "OK");
    assertThat(events.subList(1, events.size())).allSatisfy(e -> {
      assertThat(e.principal()).isEqualTo("alice");
      assertThat(e.tenant()).isEqualTo("acme");
      assertThat(e.namespace()).isEqualTo(ns);
    });
    assertThat(events.get(4).name()).isEqualTo("missing");
    assertThat(events.get(1).at()).isEqualTo(clock.instant().minusSeconds(1));
    assertThat(events.toString()).doesNotContain("v1", "v2", "v4");
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void events_areFilteredAndPagedWithACursor(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("paged");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    for (int i = 0; i < 7; i++) {
      s.as(i % 2 == 0 ? "even" : "odd").put("k" + i, SecretValue.ofString("v"));
    }

    List<AuditEvent> even = new ArrayList<>();
    AuditQuery q = AuditQuery.all().namespace(ns, null).principal("even").action(AuditAction.CREATED).limit(2);
    Page<AuditEvent> page = vault.auditEvents(q);
    even.addAll(page.items());
    while (page.hasNext()) {
      page = vault.auditEvents(q.after(page.nextCursor()));
      even.addAll(page.items());
    }

    assertThat(even).extracting(AuditEvent::name).containsExactly("k0", "k2", "k4", "k6");
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).between(clock.instant().plusSeconds(1),
        clock.instant().plusSeconds(2))).items()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void modifiedEvent_isDetectedByTheChainCheck(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore s = vault.createStore(SecretsTestSupport.unique("tamper"), null, StoreOptions.DEFAULT).as("mallory");
    s.put("k", SecretValue.ofString("v"));
    s.remove("k");
    long seq = lastSeq(vault, s.namespace(), AuditAction.DELETED);
    assertThat(vault.verifyAuditChain().intact()).isTrue();

    exec("UPDATE " + P + "audit SET principal = 'someone-else' WHERE seq = " + seq);
    ChainCheck broken = vault.verifyAuditChain();
    exec("UPDATE " + P + "audit SET principal = 'mallory' WHERE seq = " + seq);

    assertThat(broken.intact()).isFalse();
    assertThat(broken.firstBadSeq()).isEqualTo(seq);
    assertThat(broken.problem()).contains("modified");
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void deletedOrInsertedEvent_isDetectedByTheChainCheck(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore s = vault.createStore(SecretsTestSupport.unique("tamper"), null, StoreOptions.DEFAULT);
    s.put("a", SecretValue.ofString("v"));
    s.put("b", SecretValue.ofString("v"));
    s.get("a");
    long seq = lastSeq(vault, s.namespace(), AuditAction.CREATED);
    String columns = "seq, at_ms, principal, tenant, namespace, name, action, outcome, detail, prev_hash, hash, mac,"
        + " client_addr, user_agent, request_id, hash_version"; // the whole row, as it was
    List<Object> saved = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + P
        + "audit WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int i = 1; i <= 16; i++) {
          saved.add(rs.getObject(i));
        }
      }
    }

    exec("DELETE FROM " + P + "audit WHERE seq = " + seq);
    ChainCheck afterDelete = vault.verifyAuditChain();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + P + "audit (" + columns
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < 16; i++) {
        ps.setObject(i + 1, saved.get(i));
      }
      ps.executeUpdate();
    }
    assertThat(vault.verifyAuditChain().intact()).isTrue();
    exec("INSERT INTO " + P + "audit (" + columns + ") VALUES (999999, 0, 'x', NULL, 'n', NULL, 'READ', 'OK', NULL,"
        + " 'forged', 'forged', NULL, NULL, NULL, NULL, NULL)");
    ChainCheck afterInsert = vault.verifyAuditChain();
    exec("DELETE FROM " + P + "audit WHERE seq = 999999");

    assertThat(afterDelete.intact()).isFalse();
    assertThat(afterDelete.firstBadSeq()).isEqualTo(seq);
    assertThat(afterInsert.intact()).isFalse();
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void retentionCleanup_deletesOldEvents_andTheRestStillVerifies(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("retention");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("old", SecretValue.ofString("v"));
    clock.advance(Duration.ofDays(100));
    s.put("new", SecretValue.ofString("v"));

    long purged = vault.purgeAuditEvents(Duration.ofDays(90));

    assertThat(purged).isGreaterThanOrEqualTo(2);
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null)).items()).extracting(AuditEvent::name)
        .containsExactly("new");
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void batchedReadAudit_appendsEveryReadInTheChain_byTheTimeEventsAreListedOrTheVaultCloses(Kind kind)
      throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    String ns = SecretsTestSupport.unique("batched");
    try (SecretsVault writer = SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(P)
        .clock(clock).build()) {
      writer.createStore(ns, null, StoreOptions.DEFAULT);
    }
    FieldCipher cipher = CIPHER;
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).clock(clock)
        .readAudit(ReadAudit.BATCHED).build();
    SecretStore s = vault.store(ns).as("reader");
    s.put("k", SecretValue.ofString("v"));
    for (int i = 0; i < 25; i++) {
      assertThat(s.get("k").status()).isEqualTo(Status.OK);
    }
    s.get("missing");

    List<AuditEvent> reads = vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.READ)).items();
    assertThat(reads).hasSize(26);
    assertThat(reads).extracting(AuditEvent::outcome).containsOnly("OK", "NOT_FOUND");
    assertThat(vault.verifyAuditChain().intact()).isTrue();

    s.get("k");
    vault.close();
    SecretsVault reader = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
    assertThat(reader.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.READ)).items()).hasSize(27);
  }

  private long lastSeq(SecretsVault vault, String ns, AuditAction action) {
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace(ns, null).action(action)).items();
    return events.get(events.size() - 1).seq();
  }

  private void exec(String sql) throws Exception {
    try (Connection c = db.connect(); var st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
