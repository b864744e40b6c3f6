package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit chain is keyed: someone with write access to the tables but not the keys cannot rewrite
 * it, keys rotate with the keyring, an operator's anchor catches a truncated chain, and chains written
 * before the upgrade keep verifying as legacy.
 */
class KeyedAuditChainTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String P = "sv_kc_";

  private final MutableClock clock = new MutableClock();
  private TestDatabase db;
  private Keyring keyring;
  private FieldCipher cipher;

  /** A fresh chain (sequence numbers from 1) with six events: store, three writes, two reads. */
  private SecretsVault freshVault(Kind kind) throws Exception {
    db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, P);
    SecretsTestSupport.migrate(db, P);
    keyring = Keyring.generate("kc");
    cipher = FieldCipher.create(keyring);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).clock(clock).build();
    SecretStore s = vault.createStore("tokens", null, StoreOptions.DEFAULT).as("alice");
    s.put("a", SecretValue.ofString("1"));
    s.put("b", SecretValue.ofString("2"));
    s.put("a", SecretValue.ofString("3"));
    s.get("a");
    s.get("b");
    return vault;
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void chainRecomputedWithThePublishedHashFormula_failsAtTheEditedEvent_withoutTheKey(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    assertThat(vault.verifyAuditChain().intact()).isTrue();

    exec("UPDATE " + P + "audit SET principal = 'someone-else' WHERE seq = 3");
    recomputeHashesFrom(3, null);
    ChainCheck recomputed = vault.verifyAuditChain();
    recomputeHashesFrom(3, FieldCipher.create(Keyring.generate("attacker"))); // and MACs under the attacker's keys
    ChainCheck reMaced = vault.verifyAuditChain();

    assertThat(recomputed.intact()).isFalse();
    assertThat(recomputed.firstBadSeq()).isEqualTo(3);
    assertThat(recomputed.problem()).contains("event 3").contains("MAC");
    assertThat(reMaced.intact()).isFalse();
    assertThat(reMaced.firstBadSeq()).isEqualTo(3);
    assertThat(reMaced.problem()).contains("event 3").contains("not loaded");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void macKey_rotatesWithTheKeyring_andOldEventsKeepVerifyingUnderTheirKeyId(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    KeyInfo oldKey = keyring.aead().orElseThrow().primary();
    VaultKeyset rotated = keyring.aead().orElseThrow().rotate();
    cipher.reload(keyring.with(rotated));
    vault.store("tokens").as("bob").put("c", SecretValue.ofString("4"));

    List<AuditEvent> events = vault.auditEvents(AuditQuery.all()).items();
    ChainCheck check = vault.verifyAuditChain();
    SecretsVault withoutOldKey = SecretsVault.builder(db.dataSource(),
        FieldCipher.create(keyring.with(rotated.disable(oldKey.ordinal())))).tablePrefix(P).build();
    ChainCheck withoutOld = withoutOldKey.verifyAuditChain();

    assertThat(check.intact()).isTrue();
    assertThat(check.eventsChecked()).isEqualTo(7);
    assertThat(events.subList(0, 6)).extracting(AuditEvent::macKeyId)
        .containsOnly(Integer.toUnsignedLong(oldKey.keyId()));
    assertThat(events.get(6).macKeyId()).isEqualTo(Integer.toUnsignedLong(rotated.primary().keyId()));
    assertThat(withoutOld.intact()).isFalse();
    assertThat(withoutOld.firstBadSeq()).isEqualTo(1);
    assertThat(withoutOld.problem()).contains("key " + Integer.toUnsignedLong(oldKey.keyId())).contains("not loaded");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void operatorAnchor_catchesRemovedNewestEventsWithTheHeadRolledBack(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    Object[] headAt6 = head();
    vault.store("tokens").put("c", SecretValue.ofString("5"));
    vault.store("tokens").remove("c");
    AuditAnchor anchor = AuditAnchor.parse(vault.auditAnchor().toString());
    assertThat(anchor.seq()).isEqualTo(8);
    assertThat(vault.verifyAuditChain(anchor).intact()).isTrue();

    exec("DELETE FROM " + P + "audit WHERE seq > 6");
    restoreHead(headAt6);
    ChainCheck alone = vault.verifyAuditChain();
    ChainCheck anchored = vault.verifyAuditChain(anchor);

    assertThat(alone.intact()).as("a consistent earlier state: only an anchor kept elsewhere shows it").isTrue();
    assertThat(anchored.intact()).isFalse();
    assertThat(anchored.problem()).contains("before the operator's anchor (event 8)");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void forgedRowBeforeTheFirstEvent_isReportedAtItsOwnPosition(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    clock.advance(Duration.ofDays(10));
    vault.store("tokens").put("late", SecretValue.ofString("x"));
    assertThat(vault.purgeAuditEvents(Duration.ofDays(5))).isEqualTo(6);
    assertThat(vault.verifyAuditChain().intact()).isTrue();

    exec("INSERT INTO " + P + "audit (seq, at_ms, principal, action, outcome, prev_hash, hash) VALUES"
        + " (4, 0, 'forger', 'READ', 'OK', 'x', 'y')");
    ChainCheck check = vault.verifyAuditChain();

    assertThat(check.intact()).isFalse();
    assertThat(check.firstBadSeq()).isEqualTo(4);
    assertThat(check.problem()).contains("event 4 lies before the first event of the chain (event 7)");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void editedHeadRow_isDetectedByItsMac(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    String hash2;
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT hash FROM " + P + "audit WHERE seq = 2")) {
      rs.next();
      hash2 = rs.getString(1);
    }
    // hide events 1 and 2 as if retention had purged them
    exec("DELETE FROM " + P + "audit WHERE seq <= 2");
    exec("UPDATE " + P + "audit_head SET anchor_seq = 2, anchor_hash = '" + hash2 + "'");

    ChainCheck check = vault.verifyAuditChain();

    assertThat(check.intact()).isFalse();
    assertThat(check.problem()).contains("head");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void legacyChain_verifiesAsLegacy_isKeyedFromTheNextEvent_andIsThenProtectedByIt(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    // the tables as a version before the keyed chain left them: no MACs, no keying marker
    exec("UPDATE " + P + "audit SET mac = NULL");
    exec("UPDATE " + P + "audit_head SET keyed_from = NULL, head_mac = NULL");
    ChainCheck legacy = vault.verifyAuditChain();

    vault.store("tokens").put("after-upgrade", SecretValue.ofString("x"));
    ChainCheck upgraded = vault.verifyAuditChain();
    AuditAnchor anchor = vault.auditAnchor();
    exec("UPDATE " + P + "audit SET detail = 'rewritten' WHERE seq = 2");
    recomputeHashesFrom(2, null);
    ChainCheck rewritten = vault.verifyAuditChain();
    // stripping the MACs and the marker makes it look legacy again: the operator's anchor shows it
    exec("UPDATE " + P + "audit SET mac = NULL");
    exec("UPDATE " + P + "audit_head SET keyed_from = NULL, head_mac = NULL");
    ChainCheck stripped = vault.verifyAuditChain();
    ChainCheck strippedAnchored = vault.verifyAuditChain(anchor);

    assertThat(legacy.intact()).isTrue();
    assertThat(legacy.legacyEvents()).isEqualTo(6);
    assertThat(upgraded.intact()).isTrue();
    assertThat(upgraded.eventsChecked()).isEqualTo(7);
    assertThat(upgraded.legacyEvents()).isEqualTo(6);
    assertThat(rewritten.intact()).isFalse();
    assertThat(rewritten.firstBadSeq()).as("the first keyed event authenticates the legacy events' hashes").isEqualTo(7);
    assertThat(stripped.intact()).isTrue();
    assertThat(stripped.legacyEvents()).isEqualTo(7);
    assertThat(strippedAnchored.intact()).isFalse();
    assertThat(strippedAnchored.firstBadSeq()).isEqualTo(7);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void verifyWhileOtherInstancesAppend_neverReportsTheirNewEventsAsInserted(Kind kind) throws Exception {
    SecretsVault vault = freshVault(kind);
    SecretsVault writer = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).build();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread appender = new Thread(() -> {
      for (int i = 0; !stop.get() && i < 2_000; i++) {
        writer.store("tokens").put("k" + (i % 10), SecretValue.ofString("v"));
      }
    });
    appender.start();
    List<ChainCheck> checks = new ArrayList<>();
    try {
      for (int i = 0; i < 25; i++) {
        checks.add(vault.verifyAuditChain());
      }
    } finally {
      stop.set(true);
      appender.join();
    }

    assertThat(checks).allSatisfy(c -> assertThat(c.intact()).as(String.valueOf(c.problem())).isTrue());
    assertThat(vault.verifyAuditChain().intact()).isTrue();
  }

  /**
   * What someone with write access can do: recompute every hash from {@code seq} on with the formula in
   * the Javadoc and update the head; with {@code macCipher}, also compute MACs with keys of their own.
   */
  private void recomputeHashesFrom(long seq, FieldCipher macCipher) throws Exception {
    try (Connection c = db.connect()) {
      String prev;
      try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM " + P + "audit WHERE seq = ?")) {
        ps.setLong(1, seq - 1);
        try (ResultSet rs = ps.executeQuery()) {
          prev = rs.next() ? rs.getString(1) : "0".repeat(64);
        }
      }
      List<Object[]> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, at_ms, principal, tenant, namespace, name, action,"
          + " outcome, detail, hash_version, client_addr, user_agent, request_id FROM " + P + "audit WHERE seq >= ?"
          + " ORDER BY seq")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10), rs.getString(11),
                rs.getString(12), rs.getString(13)});
          }
        }
      }
      long last = 0;
      for (Object[] r : rows) {
        long s = (Long) r[0];
        // the published formula of the event's hash version (2: with the request context)
        String h = (Integer) r[9] == 2
            ? AuditLog.hash(s, (Long) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5], (String) r[6],
                (String) r[7], (String) r[8], prev, "fieldvault.secrets.audit/2", (String) r[10], (String) r[11],
                (String) r[12])
            : AuditLog.hash(s, (Long) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                (String) r[6], (String) r[7], (String) r[8], prev);
        try (PreparedStatement up = c.prepareStatement("UPDATE " + P + "audit SET prev_hash = ?, hash = ?"
            + (macCipher == null ? "" : ", mac = ?") + " WHERE seq = ?")) {
          up.setString(1, prev);
          up.setString(2, h);
          if (macCipher == null) {
            up.setLong(3, s);
          } else {
            up.setString(3, HexFormat.of().formatHex(macCipher.encrypt(new byte[0],
                EncryptionContext.of("fieldvault.secrets.audit", "event", null, s + ":" + h), EncryptionMode.RANDOMIZED)));
            up.setLong(4, s);
          }
          up.executeUpdate();
        }
        prev = h;
        last = s;
      }
      try (PreparedStatement up = c.prepareStatement("UPDATE " + P + "audit_head SET last_hash = ? WHERE last_seq = ?")) {
        up.setString(1, prev);
        up.setLong(2, last);
        assertThat(up.executeUpdate()).isEqualTo(1);
      }
    }
  }

  private Object[] head() throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT last_seq, last_hash, anchor_seq, anchor_hash, keyed_from, head_mac FROM " + P + "audit_head")) {
      rs.next();
      return new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5),
          rs.getString(6)};
    }
  }

  private void restoreHead(Object[] h) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + P + "audit_head SET"
        + " last_seq = ?, last_hash = ?, anchor_seq = ?, anchor_hash = ?, keyed_from = ?, head_mac = ?")) {
      for (int i = 0; i < h.length; i++) {
        ps.setObject(i + 1, h[i]);
      }
      ps.executeUpdate();
    }
  }

  private void exec(String sql) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
