package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writes are group-committed: writes waiting together share one transaction, each atomic with its
 * audit event; a write that fails inside a batch leaves nothing and does not fail the others. H2,
 * PostgreSQL and MariaDB.
 */
class WriteGroupCommitTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  @ParameterizedTest
  @MethodSource(ALL)
  void writesWaitingTogether_commitInOneTransaction_andAFailingOneLeavesNothing(Kind kind) throws Exception {
    String p = "sv_gc1_"; // tables of its own: one keyring per audit chain
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(p)
        .readAudit(ReadAudit.OFF).build();
    String ns = SecretsTestSupport.unique("gc");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT);
    s.as("owner").put("victim", SecretValue.ofString("before"));
    // a write by this principal now fails in the database (a constraint), after the checks in Java
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + p + "version ADD CONSTRAINT " + p + "no_bad CHECK (created_by <> 'bad-principal')");
    }
    ExecutorService pool = Executors.newFixedThreadPool(2 * WriteBatcher.THREADS + 1);
    try {
      List<Future<?>> writes = new ArrayList<>();
      long before = vault.writes().transactions();
      try (Connection lock = db.connect()) {
        lock.setAutoCommit(false);
        try (Statement st = lock.createStatement()) {
          st.executeQuery("SELECT last_seq FROM " + p + "audit_head WHERE id = 1 FOR UPDATE").close();
        }
        // every write thread takes one write and waits for the head row; the next writes queue up
        for (int i = 0; i < WriteBatcher.THREADS; i++) {
          int n = i;
          writes.add(pool.submit(() -> s.as("writer-" + n).put("name-" + n, SecretValue.ofString("v" + n))));
          SecretsTestSupport.awaitBusy(vault, i + 1);
        }
        for (int i = WriteBatcher.THREADS; i < 2 * WriteBatcher.THREADS; i++) {
          int n = i;
          writes.add(pool.submit(() -> s.as("writer-" + n).put("name-" + n, SecretValue.ofString("v" + n))));
        }
        writes.add(pool.submit(() -> s.as("bad-principal").put("victim", SecretValue.ofString("after"))));
        SecretsTestSupport.awaitQueued(vault, WriteBatcher.THREADS + 1);
        lock.rollback();
      }
      List<Throwable> failures = new ArrayList<>();
      for (Future<?> f : writes) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failures.add(e.getCause());
        }
      }

      // one transaction per write thread for the writes they held, then one for all that queued meanwhile
      assertThat(vault.writes().transactions() - before).as("transactions").isEqualTo(WriteBatcher.THREADS + 1);
      assertThat(failures).singleElement().isInstanceOf(SecretsStorageException.class);
      for (int i = 0; i < 2 * WriteBatcher.THREADS; i++) {
        assertThat(s.get("name-" + i).value().asString()).isEqualTo("v" + i);
        assertThat(s.get("name-" + i).version()).isEqualTo(1);
      }
      assertThat(s.get("victim").value().asString()).isEqualTo("before"); // the failed write left nothing
      assertThat(s.get("victim").version()).isEqualTo(1);
      List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace(ns, null)).items();
      assertThat(events).filteredOn(e -> e.action() == AuditAction.CREATED)
          .hasSize(1 + 2 * WriteBatcher.THREADS); // victim's first version and the good writes
      assertThat(events).filteredOn(e -> "bad-principal".equals(e.principal()) && e.action() != AuditAction.CREATED)
          .as("no event of the failed write").isEmpty();
      ChainCheck chk = vault.verifyAuditChain();
      assertThat(chk.intact()).as(chk.toString()).isTrue();
    } finally {
      pool.shutdownNow();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("ALTER TABLE " + p + "version DROP CONSTRAINT " + p + "no_bad");
      }
      vault.close();
    }
  }


  @ParameterizedTest
  @MethodSource(ALL)
  void manyConcurrentWriters_loseNoWriteAndNoEvent_andTheChainStaysIntact(Kind kind) throws Exception {
    String p = "sv_gc2_"; // tables of its own: one keyring per audit chain
    TestDatabase db = SecretsTestSupport.migrated(kind, p);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(p)
        .readAudit(ReadAudit.OFF).build();
    String ns = SecretsTestSupport.unique("gc-many");
    SecretStore s = vault.createStore(ns, null, StoreOptions.DEFAULT.withMaxVersions(2));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        all.add(pool.submit(() -> {
          for (int i = 1; i <= 25; i++) {
            assertThat(s.put("t" + thread, SecretValue.ofString("v" + i)).version()).isEqualTo(i);
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      for (int t = 0; t < 8; t++) {
        assertThat(s.get("t" + t).value().asString()).isEqualTo("v25");
      }
      List<AuditEvent> events = new ArrayList<>();
      String cursor = null;
      do {
        Page<AuditEvent> page = vault.auditEvents(AuditQuery.all().namespace(ns, null).after(cursor));
        events.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(events).filteredOn(e -> e.action() == AuditAction.CREATED || e.action() == AuditAction.UPDATED)
          .hasSize(8 * 25);
      assertThat(vault.verifyAuditChain().intact()).isTrue();
    } finally {
      pool.shutdownNow();
      vault.close();
    }
  }
}
