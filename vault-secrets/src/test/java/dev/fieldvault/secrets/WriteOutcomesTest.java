package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.testsupport.ForwardingDataSource;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a write answers is what happened, in the cases a docs-only review found wrong: a rollback queued
 * while its entry is removed and written again, an update without an expected version racing writes, a
 * commit whose reply is lost, text that is not valid Unicode, and the audit action of refused writes.
 * H2, PostgreSQL and MariaDB.
 */
class WriteOutcomesTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final FieldCipher CIPHER = SecretsTestSupport.cipher();

  @ParameterizedTest
  @MethodSource(ALL)
  void aRollbackQueuedWhileItsEntryIsRemovedAndWrittenAgain_doesNotBringTheRemovedValueBack(Kind kind)
      throws Exception {
    String p = "sv_wo1_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("rb");
    try (SecretsVault a = vault(db, p); SecretsVault b = vault(db, p)) {
      SecretStore sa = a.createStore(ns, null, StoreOptions.DEFAULT);
      for (int i = 1; i <= 3; i++) {
        sa.put("x", SecretValue.ofString("removed-" + i));
      }
      for (int i = 0; i < WriteBatcher.THREADS; i++) {
        sa.put("blocker-" + i, SecretValue.ofString("b"));
      }
      ExecutorService pool = Executors.newFixedThreadPool(WriteBatcher.THREADS + 1);
      try (Connection lock = db.connect()) {
        // a's write threads are held by writes of rows this transaction has locked: a's next write queues
        lock.setAutoCommit(false);
        long storeId;
        try (Statement st = lock.createStatement();
            java.sql.ResultSet rs = st.executeQuery("SELECT store_id FROM " + p + "entry WHERE name_key = 'blocker-0'")) {
          rs.next();
          storeId = rs.getLong(1);
        }
        for (int i = 0; i < WriteBatcher.THREADS; i++) { // by primary key: no other row locked (InnoDB scans lock)
          try (Statement st = lock.createStatement()) {
            st.executeQuery("SELECT version FROM " + p + "entry WHERE store_id = " + storeId
                + " AND name_key = 'blocker-" + i + "' FOR UPDATE").close();
          }
        }
        List<Future<WriteResult>> held = new ArrayList<>();
        for (int i = 0; i < WriteBatcher.THREADS; i++) {
          int n = i;
          held.add(pool.submit(() -> sa.put("blocker-" + n, SecretValue.ofString("b2"))));
          SecretsTestSupport.awaitBusy(a, i + 1);
        }
        Future<WriteResult> rollback = pool.submit(() -> sa.rollback("x", 2)); // reads version 2, then queues
        SecretsTestSupport.awaitQueued(a, 1);
        // meanwhile, on another instance: the entry is removed and written again
        SecretStore sb = b.store(ns);
        assertThat(sb.remove("x")).isEqualTo(Status.OK);
        assertThat(sb.put("x", SecretValue.ofString("fresh")).version()).isEqualTo(1);
        lock.rollback();
        for (Future<WriteResult> f : held) {
          assertThat(f.get(60, TimeUnit.SECONDS).isWritten()).isTrue();
        }
        WriteResult r = rollback.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as("the version rolled back to was removed").isEqualTo(Status.NOT_FOUND);
        assertThat(sa.get("x").value().asString()).isEqualTo("fresh");
        assertThat(sa.get("x").version()).isEqualTo(1);
        assertThat(sa.versions("x")).hasSize(1);
        assertThat(a.auditEvents(AuditQuery.all().namespace(ns, null).name("x").action(AuditAction.ROLLED_BACK))
            .items()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("NOT_FOUND"));
        // a rollback of the entry as it is now works
        sb.put("x", SecretValue.ofString("fresh-2"));
        assertThat(sa.rollback("x", 1).version()).isEqualTo(3);
        assertThat(sa.get("x").value().asString()).isEqualTo("fresh");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void anUpdateWithoutAnExpectedVersion_isNeverAConflict_whileOtherWritesMoveTheEntry(Kind kind) throws Exception {
    String p = "sv_wo2_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("upd");
    try (SecretsVault vault = vault(db, p)) {
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
      s.put("x", SecretValue.ofString("v0"));
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          writers.add(pool.submit(() -> {
            for (int i = 0; i < 40; i++) {
              assertThat(s.put("x", SecretValue.ofString("v")).isWritten()).isTrue();
            }
            return null;
          }));
        }
        Future<List<Status>> updates = pool.submit(() -> {
          List<Status> out = new ArrayList<>();
          for (int i = 0; i < 60; i++) {
            out.add(s.update("x", PutOptions.builder().metadata(Map.of("n", Integer.toString(i))).build()).status());
          }
          return out;
        });
        for (Future<?> f : writers) {
          f.get(120, TimeUnit.SECONDS);
        }
        assertThat(updates.get(120, TimeUnit.SECONDS)).containsOnly(Status.OK);
        // a put without metadata clears it; the last update's metadata is on the entry unless a put came after it
        assertThat(s.update("x", PutOptions.builder().metadata(Map.of("n", "last")).build()).status())
            .isEqualTo(Status.OK);
        assertThat(s.get("x").metadata()).containsEntry("n", "last");
        // with an expected version that does not match: a conflict, as documented
        assertThat(s.update("x", PutOptions.builder().expectedVersion(1).metadata(Map.of()).build()).status())
            .isEqualTo(Status.CONFLICT);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aCommitWhoseReplyIsLost_isReportedAsWhatTheDatabaseDid(Kind kind) throws Exception {
    String p = "sv_wo3_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("commit");
    FailingCommits ds = new FailingCommits(db.dataSource());
    try (SecretsVault vault = SecretsVault.builder(ds, CIPHER).tablePrefix(p).readAudit(ReadAudit.OFF).build()) {
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
      s.put("x", SecretValue.ofString("v1"));

      ds.mode.set(FailingCommits.COMMIT_THEN_FAIL); // committed, but the caller hears a failure
      WriteResult landed = s.put("x", SecretValue.ofString("v2"));
      assertThat(landed.status()).isEqualTo(Status.OK);
      assertThat(landed.version()).isEqualTo(2);
      assertThat(s.get("x").value().asString()).isEqualTo("v2");

      ds.mode.set(FailingCommits.FAIL_WITHOUT_COMMIT); // nothing committed
      assertThatThrownBy(() -> s.put("x", SecretValue.ofString("v3-secret")))
          .isInstanceOf(SecretsStorageException.class)
          .isNotInstanceOf(SecretsWriteOutcomeUnknownException.class)
          .hasMessageNotContaining("v3-secret");
      assertThat(s.get("x").version()).isEqualTo(2);

      ds.mode.set(FailingCommits.FAIL_AND_NO_MORE_CONNECTIONS); // nothing committed, and the database is gone
      assertThatThrownBy(() -> s.put("x", SecretValue.ofString("v4-secret")))
          .isInstanceOf(SecretsWriteOutcomeUnknownException.class)
          .hasMessageContaining("read the secret's current version before writing it again")
          .hasMessageNotContaining("v4-secret");
      ds.mode.set(FailingCommits.NONE);
      assertThat(s.get("x").version()).isEqualTo(2);
      assertThat(s.versions("x")).hasSize(2);
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void refusedWritesAreAuditedUnderTheirAction(Kind kind) throws Exception {
    String p = "sv_wo4_";
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    String ns = SecretsTestSupport.unique("act");
    try (SecretsVault vault = vault(db, p)) {
      SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
      s.put("x", SecretValue.ofString("v1"));
      assertThat(s.put("x", SecretValue.ofString("v2"), PutOptions.builder().expectedVersion(7).build()).status())
          .isEqualTo(Status.CONFLICT);
      assertThat(s.rotate("missing", (name, current) -> SecretValue.ofString("next")).status())
          .isEqualTo(Status.NOT_FOUND);
      List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace(ns, null)).items();
      assertThat(events).filteredOn(e -> "x".equals(e.name()) && "CONFLICT".equals(e.outcome()))
          .singleElement().satisfies(e -> assertThat(e.action()).isEqualTo(AuditAction.UPDATED));
      assertThat(events).filteredOn(e -> "missing".equals(e.name()) && e.action() == AuditAction.ROTATED)
          .singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("NOT_FOUND"));
    }
  }

  @org.junit.jupiter.api.Test
  void textThatIsNotValidUnicode_isRefused_withoutTheValueInTheMessage() {
    for (String bad : List.of("pass\ud83dword", "pass\ude00word", "end\ud83d", "\ude00")) {
      assertThatThrownBy(() -> SecretValue.ofString(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unpaired surrogate").hasMessageNotContaining("pass").hasMessageNotContaining("word");
      assertThatThrownBy(() -> SecretValue.ofJson(Map.of("k", bad))).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(SecretValue.ofString("pass\ud83d\ude00word").asString()).isEqualTo("pass\ud83d\ude00word");
  }

  private static SecretsVault vault(TestDatabase db, String prefix) {
    return SecretsVault.builder(db.dataSource(), CIPHER).tablePrefix(prefix).readAudit(ReadAudit.OFF).build();
  }

  /** A DataSource whose next commit fails the way a lost connection makes it fail (once per mode set). */
  static final class FailingCommits extends ForwardingDataSource {
    static final int NONE = 0;
    static final int COMMIT_THEN_FAIL = 1;
    static final int FAIL_WITHOUT_COMMIT = 2;
    static final int FAIL_AND_NO_MORE_CONNECTIONS = 3;
    final AtomicInteger mode = new AtomicInteger();

    FailingCommits(DataSource target) {
      super(target);
    }

    @Override
    protected Connection wrap(Connection c) throws SQLException {
      if (mode.get() == -FAIL_AND_NO_MORE_CONNECTIONS) {
        c.close();
        throw new SQLException("connection refused (test)", "08001");
      }
      InvocationHandler h = (proxy, m, args) -> {
        if (m.getName().equals("commit")) {
          int now = mode.get();
          if (now == COMMIT_THEN_FAIL) {
            mode.set(NONE);
            c.commit();
            throw new SQLException("I/O error: connection reset (test)", "08006");
          }
          if (now == FAIL_WITHOUT_COMMIT || now == FAIL_AND_NO_MORE_CONNECTIONS) {
            mode.set(now == FAIL_WITHOUT_COMMIT ? NONE : -FAIL_AND_NO_MORE_CONNECTIONS);
            c.rollback();
            throw new SQLException("I/O error: connection reset (test)", "08006");
          }
        }
        try {
          return m.invoke(c, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
    }
  }
}
