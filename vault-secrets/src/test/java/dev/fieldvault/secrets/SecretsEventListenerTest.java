package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Event listeners hear every committed audit event, after the commit, off the caller's path, on every database. */
class SecretsEventListenerTest {

  private static final String P = "sel_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private TestDatabase db;

  private SecretsVault.Builder builder(Kind kind) throws Exception {
    db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void everyCommittedEvent_isHeardAfterItsCommit_refusalsAndFailuresIncluded_neverAValue(Kind kind) throws Exception {
    List<AuditEvent> heard = Collections.synchronizedList(new ArrayList<>());
    List<Boolean> committedWhenHeard = Collections.synchronizedList(new ArrayList<>());
    SecretsVault vault = builder(kind).accessPolicy(r -> !r.principal().equals("mallory")).eventListener(e -> {
      committedWhenHeard.add(visibleElsewhere(e.seq()));
      heard.add(e);
    }).build();
    String ns = SecretsTestSupport.unique("alerts");
    RequestContext ctx = RequestContext.of("203.0.113.7", "curl/8.0", SecretsTestSupport.unique("req"));
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    SecretStore alice = vault.store(ns).as("alice").withRequestContext(ctx);
    alice.put("a", SecretValue.ofString("value-a-never-heard"));
    alice.put("b", SecretValue.ofString("value-b-never-heard"));
    alice.get("a");
    vault.store(ns).as("mallory").get("a");
    swapCiphertexts(ns); // a's value now fails to authenticate: audited as a failed read
    assertThatThrownBy(() -> alice.get("a")).isInstanceOf(DecryptionFailedException.class);
    alice.remove("b");
    List<AuditEvent> stored = vault.auditEvents(AuditQuery.all().namespace(ns, null)).items();
    awaitSize(heard, stored.size() + 0, vault);

    List<AuditEvent> mine = heard.stream().filter(e -> ns.equals(e.namespace())).toList();
    assertThat(mine).containsExactlyElementsOf(stored); // the same events, fields, hashes and MACs, in order
    assertThat(mine).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
        .containsExactly("fieldvault-system STORE_CREATED OK", "alice CREATED OK", "alice CREATED OK",
            "alice READ OK", "mallory READ ACCESS_DENIED", "alice READ FAILED", "alice DELETED OK");
    assertThat(mine.get(1).requestContext()).isEqualTo(ctx);
    assertThat(committedWhenHeard).containsOnly(true);
    assertThat(heard.toString()).doesNotContain("never-heard");
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void eventsOfARolledBackTransaction_areNeverHeard(Kind kind) throws Exception {
    List<AuditEvent> heard = Collections.synchronizedList(new ArrayList<>());
    SecretsVault vault = builder(kind).eventListener(heard::add).build();
    String ns = SecretsTestSupport.unique("rollback");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    assertThatThrownBy(() -> vault.tx("append and fail", c -> {
      vault.audit().append(c, vault.now().toEpochMilli(), List.of(new AuditLog.Draft("ghost", null, ns, "x",
          AuditAction.DELETED, "OK", "rolled back")));
      throw new SQLException("the transaction fails after its append", "22000");
    })).isInstanceOf(SecretsStorageException.class);
    vault.store(ns).as("alice").put("after", SecretValue.ofString("v"));
    awaitSize(heard, 2, vault);

    assertThat(heard).extracting(e -> e.principal() + " " + e.action())
        .containsExactly("fieldvault-system STORE_CREATED", "alice CREATED");
    assertThat(vault.auditEvents(AuditQuery.all().principal("ghost")).items()).isEmpty();
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aThrowingOrBlockedListener_neverBreaksNorHoldsUpTheOperation_andOthersStillHear(Kind kind) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<AuditEvent> second = Collections.synchronizedList(new ArrayList<>());
    SecretsVault vault = builder(kind)
        .eventListener(e -> {
          throw new IllegalStateException("listener bug");
        })
        .eventListener(e -> {
          try {
            release.await(); // holds the event thread until the operations below are done
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        })
        .eventListener(second::add).build();
    String ns = SecretsTestSupport.unique("blocked");
    // the operations run on another thread; were listeners called on the caller's path, they would wait forever
    CompletableFuture<Status> ops = CompletableFuture.supplyAsync(() -> {
      vault.createStore(ns, null, StoreOptions.DEFAULT);
      SecretStore s = vault.store(ns).as("alice");
      s.put("k", SecretValue.ofString("v"));
      return s.get("k").status();
    });
    Status status = ops.get(60, TimeUnit.SECONDS);
    boolean heardBeforeRelease = !second.isEmpty();
    release.countDown();
    awaitSize(second, 3, vault);

    assertThat(status).isEqualTo(Status.OK);
    assertThat(heardBeforeRelease).isFalse();
    assertThat(second).extracting(AuditEvent::action)
        .containsExactly(AuditAction.STORE_CREATED, AuditAction.CREATED, AuditAction.READ);
    vault.close();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void close_deliversTheEventsStillQueued(Kind kind) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    List<AuditEvent> heard = Collections.synchronizedList(new ArrayList<>());
    SecretsVault vault = builder(kind).eventListener(e -> {
      started.countDown();
      heard.add(e);
    }).build();
    String ns = SecretsTestSupport.unique("close");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    for (int i = 0; i < 20; i++) {
      vault.store(ns).as("alice").put("k" + i, SecretValue.ofString("v"));
    }
    vault.close();

    assertThat(heard).hasSize(21);
    assertThat(vault.eventDispatcher().dropped()).isZero();
  }

  private boolean visibleElsewhere(long seq) {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM " + P + "audit WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    } catch (SQLException e) {
      return false;
    }
  }

  private void swapCiphertexts(String ns) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      long store;
      try (ResultSet rs = st.executeQuery("SELECT id FROM " + P + "store WHERE name = '" + ns + "'")) {
        rs.next();
        store = rs.getLong(1);
      }
      byte[] b;
      try (ResultSet rs = st.executeQuery("SELECT value_ct FROM " + P + "entry WHERE store_id = " + store
          + " AND name_key = 'b'")) {
        rs.next();
        b = rs.getBytes(1);
      }
      try (PreparedStatement up = c.prepareStatement("UPDATE " + P + "entry SET value_ct = ? WHERE store_id = ?"
          + " AND name_key = 'a'")) {
        up.setBytes(1, b);
        up.setLong(2, store);
        assertThat(up.executeUpdate()).isEqualTo(1);
      }
    }
  }

  /** Waits until the listener heard {@code n} events of this test (delivery is asynchronous), up to 30 s. */
  private static void awaitSize(List<AuditEvent> heard, int n, SecretsVault vault) throws InterruptedException {
    for (int i = 0; i < 3_000 && heard.size() < n; i++) {
      Thread.sleep(10);
    }
    assertThat(heard).as("events heard").hasSizeGreaterThanOrEqualTo(n);
  }
}
