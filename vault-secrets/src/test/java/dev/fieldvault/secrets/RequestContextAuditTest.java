package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Request context on audit events: stored, filtered, covered by the keyed chain (hash version 2), on every database. */
class RequestContextAuditTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final RequestContext ALICE = RequestContext.of("203.0.113.7", "curl/8.0", "req-1");
  private static final RequestContext MALLORY = RequestContext.of("198.51.100.9", "evil-bot", "req-2");

  private TestDatabase db;
  private String p;
  private FieldCipher cipher;

  /** Fresh tables (tests here edit the chain). */
  private SecretsVault.Builder fresh(Kind kind, String prefix) throws Exception {
    db = SecretsTestSupport.db(kind);
    p = prefix;
    SecretsTestSupport.dropAll(db, p);
    SecretsTestSupport.migrate(db, p);
    cipher = SecretsTestSupport.cipher();
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(p);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void handleContext_isOnEveryEvent_filterable_andAnEditIsDetectedByTheChain(Kind kind) throws Exception {
    SecretsVault vault = fresh(kind, "src_a_").accessPolicy(r -> !r.principal().equals("mallory")).build();
    vault.createStore("tokens", null, StoreOptions.DEFAULT);
    SecretStore alice = vault.store("tokens").as("alice").withRequestContext(ALICE);
    alice.put("github", SecretValue.ofString("gho_1"));
    alice.get("github");
    alice.get("missing");
    alice.remove("github");
    Status denied = vault.store("tokens").as("mallory").withRequestContext(MALLORY).get("github").status();

    List<AuditEvent> req1 = vault.auditEvents(AuditQuery.all().requestId("req-1")).items();
    List<AuditEvent> fromMallory = vault.auditEvents(AuditQuery.all().clientAddress("198.51.100.9")).items();
    List<AuditEvent> storeCreated = vault.auditEvents(AuditQuery.all().action(AuditAction.STORE_CREATED)).items();
    ChainCheck before = vault.verifyAuditChain();
    long created = req1.get(0).seq();
    exec("UPDATE " + p + "audit SET client_addr = '192.0.2.1' WHERE seq = " + created);
    ChainCheck edited = vault.verifyAuditChain();

    assertThat(denied).isEqualTo(Status.ACCESS_DENIED);
    assertThat(req1).extracting(e -> e.action() + " " + e.outcome())
        .containsExactly("CREATED OK", "READ OK", "READ NOT_FOUND", "DELETED OK");
    assertThat(req1).allSatisfy(e -> {
      assertThat(e.requestContext()).isEqualTo(ALICE);
      assertThat(e.hashVersion()).isEqualTo(2);
    });
    assertThat(fromMallory).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
        .containsExactly("mallory READ ACCESS_DENIED");
    assertThat(fromMallory.get(0).requestContext()).isEqualTo(MALLORY);
    assertThat(storeCreated.get(0).requestContext()).isNull();
    assertThat(storeCreated.get(0).hashVersion()).isEqualTo(2);
    assertThat(before.intact()).isTrue();
    assertThat(edited.intact()).isFalse();
    assertThat(edited.firstBadSeq()).isEqualTo(created);
    assertThat(edited.problem()).contains("was modified");
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void vaultSupplier_givesTheCallersThreadContext_toWritesReadsAndStoreEvents_andAHandleContextWins(Kind kind)
      throws Exception {
    ThreadLocal<RequestContext> current = new ThreadLocal<>();
    boolean[] failSupplier = {false};
    SecretsVault vault = fresh(kind, "src_b_").requestContext(() -> {
      if (failSupplier[0]) {
        throw new IllegalStateException("no request bound");
      }
      return current.get();
    }).build();
    current.set(ALICE);
    vault.createStore("tokens", null, StoreOptions.DEFAULT);
    SecretStore store = vault.store("tokens").as("alice");
    store.put("a", SecretValue.ofString("1"));          // runs on the vault's write thread
    store.get("a");                                    // audited on the audit thread
    store.withRequestContext(MALLORY).put("b", SecretValue.ofString("2"));
    current.remove();
    store.put("c", SecretValue.ofString("3"));
    failSupplier[0] = true;
    WriteResult despiteFailure = store.put("d", SecretValue.ofString("4"));

    List<AuditEvent> events = vault.auditEvents(AuditQuery.all()).items();
    assertThat(events).extracting(e -> e.action() + " " + e.name() + " "
            + (e.requestContext() == null ? "-" : e.requestContext().requestId()))
        .containsExactly("STORE_CREATED null req-1", "CREATED a req-1", "READ a req-1", "CREATED b req-2",
            "CREATED c -", "CREATED d -");
    assertThat(despiteFailure.isWritten()).isTrue();
    assertThat(vault.verifyAuditChain().intact()).isTrue();
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void chainMixingVersion1AndVersion2Events_verifies_andChangingAnEventsVersionOrContextIsDetected(Kind kind)
      throws Exception {
    SecretsVault vault = fresh(kind, "src_c_").build();
    SecretStore store = vault.createStore("tokens", null, StoreOptions.DEFAULT).as("alice");
    store.put("a", SecretValue.ofString("1"));
    store.put("b", SecretValue.ofString("2"));
    rewriteAsVersion1Events(); // as FieldVault before request contexts wrote them (keyed, no context)
    ChainCheck allOld = vault.verifyAuditChain();
    SecretStore withContext = store.withRequestContext(ALICE);
    withContext.put("a", SecretValue.ofString("3"));
    withContext.get("a");
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all()).items();
    ChainCheck mixed = vault.verifyAuditChain();

    exec("UPDATE " + p + "audit SET request_id = 'req-forged' WHERE seq = 2");
    ChainCheck contextAddedToOld = vault.verifyAuditChain();
    exec("UPDATE " + p + "audit SET request_id = NULL WHERE seq = 2");
    exec("UPDATE " + p + "audit SET client_addr = NULL, user_agent = NULL, request_id = NULL, hash_version = NULL"
        + " WHERE seq = 4");
    ChainCheck downgraded = vault.verifyAuditChain();

    assertThat(allOld.intact()).as(String.valueOf(allOld.problem())).isTrue();
    assertThat(allOld.legacyEvents()).isZero();
    assertThat(events).extracting(AuditEvent::hashVersion).containsExactly(1, 1, 1, 2, 2);
    assertThat(mixed.intact()).as(String.valueOf(mixed.problem())).isTrue();
    assertThat(mixed.eventsChecked()).isEqualTo(5);
    assertThat(contextAddedToOld.intact()).isFalse();
    assertThat(contextAddedToOld.firstBadSeq()).isEqualTo(2);
    assertThat(contextAddedToOld.problem()).contains("request context but a version 1 hash");
    assertThat(downgraded.intact()).isFalse();
    assertThat(downgraded.firstBadSeq()).isEqualTo(4);
    assertThat(downgraded.problem()).contains("was modified");
    vault.close();
  }

  @Test
  void contextParts_areBounded_andFreeOfControlCharacters_withATypedErrorThatNeverRepeatsTheText() {
    String longAgent = "Mozilla/5.0 " + "x".repeat(300);
    assertThatThrownBy(() -> RequestContext.of(null, longAgent, null)).isInstanceOf(InvalidRequestContextException.class)
        .hasMessageContaining("userAgent has 312 characters (at most 255)").hasMessageNotContaining("Mozilla");
    assertThatThrownBy(() -> RequestContext.of("10.0.0.1", null, "id\nforged: line"))
        .isInstanceOf(InvalidRequestContextException.class).hasMessageContaining("requestId holds a control character")
        .hasMessageNotContaining("forged");
    assertThatThrownBy(() -> RequestContext.of("", null, null)).isInstanceOf(InvalidRequestContextException.class)
        .hasMessageContaining("clientAddress is empty");
    assertThatThrownBy(() -> RequestContext.of(null, "a\uD800b", null)).isInstanceOf(InvalidRequestContextException.class)
        .hasMessageContaining("unpaired");
    RequestContext s = RequestContext.sanitized("10.0.0.1\r\n", longAgent, "");
    assertThat(s.clientAddress()).isEqualTo("10.0.0.1\uFFFD\uFFFD");
    assertThat(s.userAgent()).hasSize(255).startsWith("Mozilla/5.0 x");
    assertThat(s.requestId()).isNull();
    assertThat(RequestContext.sanitized(null, "\uD83D\uDE00".repeat(200), null).userAgent()).hasSize(254);
  }

  /** Rewrites every event with the version 1 hash input and a real MAC, as an older FieldVault wrote them. */
  private void rewriteAsVersion1Events() throws Exception {
    try (Connection c = db.connect()) {
      List<Object[]> rows = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT seq, at_ms, principal, tenant,"
          + " namespace, name, action, outcome, detail FROM " + p + "audit ORDER BY seq")) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)});
        }
      }
      String prev = "0".repeat(64);
      long last = 0;
      for (Object[] r : rows) {
        long s = (Long) r[0];
        String h = AuditLog.hash(s, (Long) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
            (String) r[6], (String) r[7], (String) r[8], prev);
        try (PreparedStatement up = c.prepareStatement("UPDATE " + p + "audit SET prev_hash = ?, hash = ?, mac = ?,"
            + " hash_version = NULL WHERE seq = ?")) {
          up.setString(1, prev);
          up.setString(2, h);
          up.setString(3, mac("event", s + ":" + h));
          up.setLong(4, s);
          up.executeUpdate();
        }
        prev = h;
        last = s;
      }
      try (PreparedStatement up = c.prepareStatement("UPDATE " + p + "audit_head SET last_hash = ?, head_mac = ?"
          + " WHERE last_seq = ? AND anchor_seq = 0 AND keyed_from = 1")) {
        up.setString(1, prev);
        up.setString(2, mac("head", last + ":" + prev + ":0:" + "0".repeat(64) + ":1"));
        up.setLong(3, last);
        assertThat(up.executeUpdate()).isEqualTo(1);
      }
    }
  }

  private String mac(String field, String rowId) {
    return HexFormat.of().formatHex(cipher.encrypt(new byte[0],
        EncryptionContext.of("fieldvault.secrets.audit", field, null, rowId), EncryptionMode.RANDOMIZED));
  }

  private void exec(String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
