package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.KeyedMember;
import dev.fieldvault.hibernate.entities.KeyedParty;
import dev.fieldvault.hibernate.entities.KeyedSplit;
import dev.fieldvault.hibernate.entities.Legacy;
import dev.fieldvault.hibernate.entities.MigratingAccount;
import dev.fieldvault.hibernate.entities.VersionedAccount;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plaintext migration under the {@code MIGRATE} policies (issue 18): nothing read is left unmigrated,
 * a migration write never overwrites what the application wrote meanwhile, a legacy value that looks
 * like a ciphertext header is a plaintext (and a real ciphertext under keys FieldVault does not hold is
 * never taken for one). Tables {@code hib_mig_account}, {@code hib_mig_versioned}, {@code hib_legacy}.
 */
class PlaintextMigrationTest {

  private static final String ACCOUNTS = "hib_mig_account";
  private static final String VERSIONED = "hib_mig_versioned";
  /** The plaintext form's placeholder in a widened search: exact on MariaDB (a binary, no-pad collation). */
  private static final String PLAINTEXT_ARM = "(\\?|convert\\(\\s*\\?\\s+using\\s+utf8mb4\\s*\\)\\s+collate\\s+utf8mb4_nopad_bin)";

  private static SessionFactory build(TestDatabase db, Keyring keyring, String policy, boolean create) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put(FieldVaultSettings.PLAINTEXT_POLICY, policy);
    if (!create) {
      settings.put("hibernate.hbm2ddl.auto", "none");
    }
    return Jpa.build(db, settings, MigratingAccount.class, VersionedAccount.class, Legacy.class);
  }

  private static String email(long id) {
    return "user" + id + "@example.com";
  }

  private static String note(long id) {
    return "note of " + id;
  }

  /** Rows {@code from..to} of hib_mig_account as a plaintext application left them. */
  private static void insertLegacyAccounts(TestDatabase db, long from, long to) throws SQLException {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "insert into " + ACCOUNTS + " (id, name, email, note) values (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (long id = from; id <= to; id++) {
        ps.setLong(1, id);
        ps.setString(2, "name-" + id);
        ps.setString(3, email(id));
        ps.setBytes(4, note(id).getBytes(StandardCharsets.UTF_8));
        ps.addBatch();
        if (id % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      c.commit();
    }
  }

  private static boolean isCiphertext(Object stored) {
    return stored instanceof String ? CiphertextHeader.hasCiphertextFormText((String) stored)
        : CiphertextHeader.hasCiphertextForm((byte[]) stored);
  }

  /** How many non-null values of these columns are not ciphertexts. */
  private static long plaintextLeft(TestDatabase db, String table, String... columns) throws SQLException {
    long left = 0;
    try (Connection c = db.connect(); var st = c.createStatement();
         ResultSet rs = st.executeQuery("select " + String.join(", ", columns) + " from " + table)) {
      while (rs.next()) {
        for (int i = 1; i <= columns.length; i++) {
          Object v = rs.getObject(i);
          if (v != null && !isCiphertext(v)) {
            left++;
          }
        }
      }
    }
    return left;
  }

  private static Object raw(TestDatabase db, String table, String column, long id) throws SQLException {
    Object v = Jpa.raw(db, table, column, id);
    return v instanceof byte[] ? ((byte[]) v).clone() : v;
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Nothing read is left unmigrated

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aLoadOf25000RowsInOneSession_leavesNoPlaintext(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    int n = 25_000;
    try (SessionFactory sf = build(db, Keyring.generate("large"), "MIGRATE", true)) {
      insertLegacyAccounts(db, 1, n);
      HibernateVault vault = HibernateVault.of(sf);
      Jpa.tx(sf, s -> {
        List<MigratingAccount> all = s.createQuery("from MigratingAccount a order by a.id", MigratingAccount.class)
            .getResultList();
        assertThat(all).hasSize(n);
        assertThat(all.get(n - 1).email).isEqualTo(email(n));
        assertThat(all.get(0).note).isEqualTo(note(1));
      });
      assertThat(vault.plaintextReads()).containsEntry("MigratingAccount.email", (long) n)
          .containsEntry("MigratingAccount.note", (long) n);
      assertThat(plaintextLeft(db, ACCOUNTS, "email", "note")).as("values still plaintext after the commit").isZero();

      Jpa.tx(sf, s -> {
        for (MigratingAccount a : s.createQuery("from MigratingAccount a", MigratingAccount.class).getResultList()) {
          assertThat(a.email).isEqualTo(email(a.id));
          assertThat(a.note).isEqualTo(note(a.id));
          assertThat(a.name).isEqualTo("name-" + a.id);
        }
      });
      assertThat(vault.plaintextReads()).as("nothing is plaintext the second time")
          .containsEntry("MigratingAccount.email", (long) n).containsEntry("MigratingAccount.note", (long) n);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. A migration write replaces only the plaintext it read

  /** The last committed values of one row of hib_mig_account. */
  private static final class Row {
    String name;
    String email;
    String note;

    Row(String name, String email, String note) {
      this.name = name;
      this.email = email;
      this.note = note;
    }

    @Override
    public String toString() {
      return name + " / " + email + " / " + note;
    }
  }

  /**
   * A paged migration (each page loaded by a session, then committed) while another thread updates
   * random rows through its own connections, in the interleaving that loses updates without
   * compare-and-set: each batch of updates is committed after the page was loaded and before it is
   * flushed. The updates are legacy plaintext writes (also changing only the case of a value, or adding
   * a trailing space), writes of another column only, and application writes through another session.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aPagedMigration_neverOverwritesAnUpdateCommittedBetweenLoadAndFlush(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    // which rows are updated, and how: -Dfieldvault.fuzz.seed=N repeats a run (the seed is in the failures)
    String fixed = System.getProperty("fieldvault.fuzz.seed", "");
    long seed = fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed.strip());
    System.out.println("PlaintextMigrationTest paged migration on " + kind + ": seed " + seed);
    Random random = new Random(seed);
    int n = 600;
    int page = 100;
    Map<Long, Row> expected = new HashMap<>();
    ExecutorService updater = Executors.newSingleThreadExecutor();
    try (SessionFactory sf = build(db, Keyring.generate("paged"), "MIGRATE", true)) {
      insertLegacyAccounts(db, 1, n);
      for (long id = 1; id <= n; id++) {
        expected.put(id, new Row("name-" + id, email(id), note(id)));
      }
      int[] kinds = new int[6];
      for (long lo = 1; lo <= n; lo += page) {
        long from = lo;
        try (Session a = sf.openSession()) {
          a.getTransaction().begin();
          List<MigratingAccount> loaded = a.createQuery("from MigratingAccount a where a.id between :lo and :hi",
              MigratingAccount.class).setParameter("lo", from).setParameter("hi", from + page - 1).getResultList();
          assertThat(loaded).hasSize(page);
          // another thread commits updates now: after this page was loaded, before it is flushed
          updater.submit(() -> {
            for (int u = 0; u < 12; u++) {
              // half of them in the page being migrated
              long id = u % 2 == 0 ? from + random.nextInt(page) : 1 + random.nextInt(n);
              int k = random.nextInt(6);
              kinds[k]++;
              update(db, sf, id, k, expected.get(id), u);
            }
            return null;
          }).get();
          a.getTransaction().commit();
        }
      }
      assertThat(kinds).as("every kind of update ran (seed %d)", seed).doesNotContain(0);

      // rows written in plaintext after their page was loaded are migrated by the next pass
      for (int pass = 0; pass < 2 && plaintextLeft(db, ACCOUNTS, "email", "note") > 0; pass++) {
        Jpa.tx(sf, s -> s.createQuery("from MigratingAccount", MigratingAccount.class).getResultList());
      }
      assertThat(plaintextLeft(db, ACCOUNTS, "email", "note")).as("seed %d", seed).isZero();
      Jpa.tx(sf, s -> {
        for (MigratingAccount m : s.createQuery("from MigratingAccount", MigratingAccount.class).getResultList()) {
          Row want = expected.get(m.id);
          assertThat(new Row(m.name, m.email, m.note)).as("row %d, seed %d", m.id, seed)
              .usingRecursiveComparison().isEqualTo(want);
        }
      });
    } finally {
      updater.shutdownNow();
    }
  }

  /** One committed update of a row, of kind {@code k}; {@code want} becomes its new last committed value. */
  private static void update(TestDatabase db, SessionFactory sf, long id, int k, Row want, int u) throws SQLException {
    switch (k) {
      case 0: // a legacy writer changes only the case (as a plaintext)
        want.email = want.email.equals(want.email.toUpperCase()) ? want.email.toLowerCase() : want.email.toUpperCase();
        Jpa.update(db, "update " + ACCOUNTS + " set email = ? where id = ?", want.email, id);
        break;
      case 1: // a legacy writer adds a trailing space (MariaDB's usual collations ignore it)
        want.email = want.email + " ";
        Jpa.update(db, "update " + ACCOUNTS + " set email = ? where id = ?", want.email, id);
        break;
      case 2: // a legacy writer changes the binary note
        want.note = "legacy note " + u + " of " + id;
        Jpa.update(db, "update " + ACCOUNTS + " set note = ? where id = ?", want.note.getBytes(StandardCharsets.UTF_8),
            id);
        break;
      case 3: // another column only
        want.name = "renamed " + u + " " + id;
        Jpa.update(db, "update " + ACCOUNTS + " set name = ? where id = ?", want.name, id);
        break;
      case 4: // the application, through another session: both encrypted attributes
        want.email = "app" + u + "." + id + "@example.com";
        want.note = "app note " + u;
        Jpa.tx(sf, s -> {
          MigratingAccount m = s.find(MigratingAccount.class, id);
          m.email = want.email;
          m.note = want.note;
        });
        break;
      default: // the application, through another session: another attribute only (its entity update
        // writes the encrypted attributes too, from the values it read)
        want.name = "app-renamed " + u + " " + id;
        Jpa.tx(sf, s -> s.find(MigratingAccount.class, id).name = want.name);
        break;
    }
  }

  /**
   * The other interleaving: an application update that is not committed yet when the migration writes.
   * The migration's compare-and-set waits for the row, then finds the value changed and leaves it (the
   * databases re-read a locked row once it is released; FieldVault relies on it). Whether the
   * migration's statement is waiting is read from the database's own lock views, so the order is forced.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aMigrationWriteWaitingForAnUncommittedUpdate_leavesTheUpdateOnceItCommits(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    ExecutorService migration = Executors.newSingleThreadExecutor();
    try (SessionFactory sf = build(db, Keyring.generate("waiting"), "MIGRATE", true)) {
      insertLegacyAccounts(db, 1, 3);
      try (Session a = sf.openSession(); Connection b = db.connect()) {
        a.getTransaction().begin();
        assertThat(a.createQuery("from MigratingAccount", MigratingAccount.class).getResultList()).hasSize(3);
        b.setAutoCommit(false);
        try (PreparedStatement ps = b.prepareStatement("update " + ACCOUNTS + " set email = ? where id = ?")) {
          ps.setString(1, "Uncommitted@Example.com");
          ps.setLong(2, 2L);
          assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        var commit = migration.submit(() -> {
          a.getTransaction().commit();
          return null;
        });
        // the migration's write must still be blocked when the update commits: seen in the database's lock
        // views, or (MariaDB's views do not always show it) still not done after 5 s while the row is locked
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!waitingForALock(db) && System.nanoTime() < deadline) {
          assertThat(commit.isDone()).as("the migration's write waits for the uncommitted row").isFalse();
          Thread.sleep(20);
        }
        assertThat(commit.isDone()).as("the migration's write waits for the uncommitted row").isFalse();
        b.commit();
        commit.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(Jpa.raw(db, ACCOUNTS, "email", 2L)).as("the update is kept").isEqualTo("Uncommitted@Example.com");
      assertThat(isCiphertext(Jpa.raw(db, ACCOUNTS, "email", 1L))).isTrue();
      assertThat(isCiphertext(Jpa.raw(db, ACCOUNTS, "email", 3L))).isTrue();
      assertThat(plaintextLeft(db, ACCOUNTS, "note")).as("the other column of row 2 was migrated").isZero();
    } finally {
      migration.shutdownNow();
    }
  }

  /** Whether a statement on hib_mig_account waits for a row lock, from the database's own views. */
  private static boolean waitingForALock(TestDatabase db) throws SQLException {
    String sql;
    switch (db.kind()) {
      case POSTGRES:
        sql = "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
            + " and query like '%" + ACCOUNTS + "%'";
        break;
      case MARIADB:
        // trx_query is not always the waiting statement's text (a batch the driver sends with its bulk
        // protocol shows none): any transaction in LOCK WAIT on this test's database counts; nothing else
        // runs on it while the test does
        sql = "select count(*) from information_schema.innodb_trx t join information_schema.processlist p"
            + " on p.id = t.trx_mysql_thread_id where t.trx_state = 'LOCK WAIT' and p.db = database()";
        break;
      default:
        sql = "select count(*) from information_schema.sessions where blocker_id is not null";
    }
    try (Connection c = db.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /**
   * With a {@code @Version}: the migration write neither bumps the version nor fails when the
   * application updated the row meanwhile, it fills the blind index, it migrates an attribute inside
   * an embeddable and a row-bound one, and it leaves the other columns as they are.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void withAVersion_theMigrationWriteBumpsNothing_fillsTheBlindIndex_andKeepsConcurrentUpdates(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    try (SessionFactory sf = build(db, Keyring.generate("versioned"), "MIGRATE", true)) {
      for (long id = 1; id <= 3; id++) {
        Jpa.update(db, "insert into " + VERSIONED + " (id, version, name, code, secret, phone, street, city)"
            + " values (?, 0, ?, ?, ?, ?, ?, ?)", id, "name-" + id, ("code-" + id).getBytes(StandardCharsets.UTF_8),
            "secret-" + id, "555-010" + id, ("street " + id).getBytes(StandardCharsets.UTF_8), "city " + id);
      }
      HibernateVault vault = HibernateVault.of(sf);
      try (Session a = sf.openSession()) {
        a.getTransaction().begin();
        List<VersionedAccount> all = a.createQuery("from VersionedAccount", VersionedAccount.class).getResultList();
        assertThat(all).hasSize(3);
        VersionedAccount one = a.find(VersionedAccount.class, 1L);
        assertThat(one.secret).isEqualTo("secret-1");
        assertThat(one.address.street).isEqualTo("street 1");
        // meanwhile: the application updates row 2 (its version becomes 1), a legacy writer row 3's name
        Jpa.tx(sf, s -> s.find(VersionedAccount.class, 2L).secret = "new-secret-2");
        Jpa.update(db, "update " + VERSIONED + " set name = ? where id = ?", "renamed-3", 3L);
        a.getTransaction().commit(); // before: StaleObjectStateException on row 2, row 3's name reverted
      }
      assertThat(plaintextLeft(db, VERSIONED, "code", "secret", "phone", "street")).isZero();
      assertThat(Jpa.raw(db, VERSIONED, "version", 1L)).asString().isEqualTo("0");
      assertThat(Jpa.raw(db, VERSIONED, "version", 2L)).asString().isEqualTo("1");
      assertThat(Jpa.raw(db, VERSIONED, "version", 3L)).asString().isEqualTo("0");
      Jpa.tx(sf, s -> {
        VersionedAccount two = s.find(VersionedAccount.class, 2L);
        assertThat(two.secret).isEqualTo("new-secret-2");
        VersionedAccount three = s.find(VersionedAccount.class, 3L);
        assertThat(three.name).isEqualTo("renamed-3");
        assertThat(three.code).isEqualTo("code-3");
        assertThat(three.address.street).isEqualTo("street 3");
        assertThat(three.address.city).isEqualTo("city 3");
        List<Long> byPhone = s.createQuery("select v.id from VersionedAccount v where v.phoneIndex in :idx", Long.class)
            .setParameter("idx", vault.blindIndexes(VersionedAccount.class, "phone", "555-0101")).getResultList();
        assertThat(byPhone).as("the blind index was filled by the migration").containsExactly(1L);
      });
      assertThat(vault.plaintextReads()).containsKeys("VersionedAccount.code", "VersionedAccount.secret",
          "VersionedAccount.phone", "VersionedAccount.address.street");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Plaintext that looks like a ciphertext, and ciphertexts that must never be taken for plaintext

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aLegacyValueThatStartsLikeAHeader_isReadAsPlaintext_andMigrated_butRefusedWhenStrict(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    String headerLike = "EAEAAAAAAAAAAAAAAAAA"; // base64 of 0x10 0x01 0x00...: format 1, Tink prefix, key id 0
    byte[] headerLikeBytes = Arrays.copyOf(new byte[] {0x10, 0x01}, 20);
    Keyring keyring = Keyring.generate("header");
    try (SessionFactory sf = build(db, keyring, "MIGRATE", true)) {
      Jpa.update(db, "insert into hib_legacy (id, email, score, secret) values (?, ?, ?, ?)", 1L, headerLike, "7",
          headerLike);
      Jpa.update(db, "insert into " + ACCOUNTS + " (id, name, email, note) values (?, ?, ?, ?)", 1L, "n", headerLike,
          headerLikeBytes);
      Jpa.tx(sf, s -> {
        Legacy l = s.find(Legacy.class, 1L);
        assertThat(l.email).isEqualTo(headerLike);
        assertThat(l.secret).isEqualTo(headerLike);
        MigratingAccount m = s.find(MigratingAccount.class, 1L);
        assertThat(m.email).isEqualTo(headerLike);
        assertThat(m.note).isEqualTo(new String(headerLikeBytes, StandardCharsets.UTF_8));
      });
      assertThat(HibernateVault.of(sf).plaintextReads()).containsEntry("Legacy.email", 1L)
          .containsEntry("Legacy.secret", 1L).containsEntry("MigratingAccount.note", 1L);
      assertThat(plaintextLeft(db, "hib_legacy", "email", "score", "secret")).isZero();
      assertThat(plaintextLeft(db, ACCOUNTS, "email", "note")).isZero();
      Jpa.tx(sf, s -> assertThat(s.find(Legacy.class, 1L).email).isEqualTo(headerLike));
    }

    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    try (SessionFactory strict = build(db, keyring, "CIPHERTEXT_ONLY", true)) {
      Jpa.update(db, "insert into hib_legacy (id, email, score, secret) values (?, ?, ?, ?)", 1L, headerLike, null,
          null);
      assertThatThrownBy(() -> Jpa.call(strict, s -> s.find(Legacy.class, 1L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(MalformedCiphertextException.class)
          .hasMessageContaining("Legacy.email")
          .hasMessageContaining("MIGRATE")
          .hasMessageNotContaining("key id")
          .hasMessageNotContaining(headerLike);
      assertThat(Jpa.raw(db, "hib_legacy", "email", 1L)).isEqualTo(headerLike);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCiphertextFieldVaultCannotReadNow_staysAnError_andIsNeverOverwritten(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    Keyring written = Keyring.generate("written");
    try (SessionFactory sf = build(db, written, "MIGRATE", true)) {
      Jpa.tx(sf, s -> {
        s.persist(new MigratingAccount(1L, "n", "ann@example.com", "a note"));
        Legacy one = new Legacy();
        one.id = 1L;
        one.secret = "secret one";
        s.persist(one);
        Legacy two = new Legacy();
        two.id = 2L;
        two.secret = "secret two";
        s.persist(two);
      });
    }
    Object email = raw(db, ACCOUNTS, "email", 1);
    Object note = raw(db, ACCOUNTS, "note", 1);

    // another keyring (the wrong key store, another environment): the key ids are unknown
    try (SessionFactory other = build(db, Keyring.generate("other"), "MIGRATE", false)) {
      assertThatThrownBy(() -> Jpa.call(other, s -> s.find(MigratingAccount.class, 1L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(UnknownKeyVersionException.class)
          .hasMessageContaining("never as a plaintext");
      assertThat(HibernateVault.of(other).plaintextReads()).isEmpty();
    }
    // the same keyring with its old keys disabled after a rotation
    VaultKeyset aead = written.aead().orElseThrow().rotate().disable(1);
    VaultKeyset daead = written.deterministic().orElseThrow().rotate().disable(1);
    try (SessionFactory rotated = build(db, written.with(aead).with(daead), "MIGRATE", false)) {
      assertThatThrownBy(() -> Jpa.call(rotated, s -> s.find(MigratingAccount.class, 1L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("disabled");
      assertThat(HibernateVault.of(rotated).plaintextReads()).isEmpty();
    }
    // a row-bound ciphertext copied to another row
    Jpa.update(db, "update hib_legacy set secret = ? where id = ?", raw(db, "hib_legacy", "secret", 1), 2L);
    try (SessionFactory sf = build(db, written, "MIGRATE", false)) {
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(Legacy.class, 2L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(DecryptionFailedException.class);
      assertThat(HibernateVault.of(sf).plaintextReads()).isEmpty();
    }
    assertThat(raw(db, ACCOUNTS, "email", 1)).as("left as it was").isEqualTo(email);
    assertThat(raw(db, ACCOUNTS, "note", 1)).isEqualTo(note);
    assertThat(raw(db, "hib_legacy", "secret", 2)).isEqualTo(raw(db, "hib_legacy", "secret", 1));
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Equality searches find the rows not migrated yet

  private static List<Long> ids(Session s, String hql, Object... namedValues) {
    var q = s.createQuery(hql, Long.class);
    for (int i = 0; i < namedValues.length; i += 2) {
      q.setParameter((String) namedValues[i], namedValues[i + 1]);
    }
    List<Long> out = new java.util.ArrayList<>(q.getResultList());
    out.sort(null);
    return out;
  }

  private static List<Long> criteria(Session s, String attribute, java.util.function.BiFunction<
      jakarta.persistence.criteria.CriteriaBuilder, jakarta.persistence.criteria.Path<String>,
      jakarta.persistence.criteria.Predicate> where) {
    var cb = s.getCriteriaBuilder();
    var q = cb.createQuery(Long.class);
    var root = q.from(MigratingAccount.class);
    q.select(root.get("id")).where(where.apply(cb, root.get(attribute)));
    List<Long> out = new java.util.ArrayList<>(s.createQuery(q).getResultList());
    out.sort(null);
    return out;
  }

  /** Every equality form on the deterministic text attribute, expected: ann = {ann}, ann and cid = {both}. */
  private static void assertSearches(Session s, List<Long> ann, List<Long> cid, List<Long> others) {
    List<Long> annOrCid = new java.util.ArrayList<>(ann);
    annOrCid.addAll(cid);
    annOrCid.sort(null);
    List<Long> notAnn = new java.util.ArrayList<>(cid);
    notAnn.addAll(others);
    notAnn.sort(null);
    String a = "ann@example.com";
    String c = "cid@example.com";
    assertThat(ids(s, "select m.id from MigratingAccount m where m.email = :e", "e", a)).isEqualTo(ann);
    assertThat(ids(s, "select m.id from MigratingAccount m where :e = m.email", "e", a)).isEqualTo(ann);
    assertThat(ids(s, "select m.id from MigratingAccount m where m.email in (:a, :c)", "a", a, "c", c))
        .isEqualTo(annOrCid);
    assertThat(ids(s, "select m.id from MigratingAccount m where m.email in :all", "all", List.of(a, c)))
        .isEqualTo(annOrCid);
    assertThat(ids(s, "select m.id from MigratingAccount m where m.email <> :e", "e", a)).isEqualTo(notAnn);
    assertThat(ids(s, "select m.id from MigratingAccount m where not (m.email = :e)", "e", a)).isEqualTo(notAnn);
    assertThat(ids(s, "select m.id from MigratingAccount m where m.email not in (:a, :c)", "a", a, "c", c))
        .isEqualTo(others);
    assertThat(criteria(s, "email", (cb, p) -> cb.equal(p, a))).isEqualTo(ann);
    assertThat(criteria(s, "email", (cb, p) -> p.in(a, c))).isEqualTo(annOrCid);
    assertThat(criteria(s, "email", (cb, p) -> cb.notEqual(p, a))).isEqualTo(notAnn);
    assertThat(criteria(s, "email", (cb, p) -> cb.not(p.in(a, c)))).isEqualTo(others);
  }

  /**
   * While plaintext is migrated, every equality form (JPQL and criteria) matches a value's plaintext
   * form besides its ciphertexts, on a text and a binary column, also during a key rotation; a strict
   * attribute's SQL stays Hibernate's own.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void equalitySearches_findRowsNotMigratedYet_alsoDuringAKeyRotation(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    Keyring keyring = Keyring.generate("search");
    List<String> sql = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put(FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE");
    settings.put("hibernate.session_factory.statement_inspector",
        (org.hibernate.resource.jdbc.spi.StatementInspector) q -> {
          sql.add(q);
          return q;
        });
    try (SessionFactory sf = Jpa.build(db, settings, MigratingAccount.class, VersionedAccount.class, Legacy.class)) {
      // 1 and 3 still plaintext, 2 and 4 encrypted; 5 (ann) and 6 (dee) are added under a new key below
      Jpa.update(db, "insert into " + ACCOUNTS + " (id, name, email) values (?, ?, ?)", 1L, "legacy", "ann@example.com");
      Jpa.update(db, "insert into " + ACCOUNTS + " (id, name, email) values (?, ?, ?)", 3L, "legacy", "cid@example.com");
      Jpa.tx(sf, s -> {
        s.persist(new MigratingAccount(2L, "new", "bob@example.com", null));
        s.persist(new MigratingAccount(4L, "new", "ann@example.com", null));
      });
      Jpa.update(db, "insert into " + VERSIONED + " (id, version, name, code) values (?, 0, ?, ?)", 1L, "legacy",
          "C-1".getBytes(StandardCharsets.UTF_8));
      Jpa.tx(sf, s -> {
        VersionedAccount v = new VersionedAccount();
        v.id = 2L;
        v.code = "C-1";
        s.persist(v);
      });

      Jpa.tx(sf, s -> {
        assertSearches(s, List.of(1L, 4L), List.of(3L), List.of(2L));
        assertThat(ids(s, "select v.id from VersionedAccount v where v.code = :c", "c", "C-1")).containsExactly(1L, 2L);
        assertThat(ids(s, "select v.id from VersionedAccount v where v.code in :c", "c", List.of("C-1", "C-9")))
            .containsExactly(1L, 2L);
      });
      assertThat(String.join("\n", sql)).as("one key and the plaintext form")
          .containsPattern("(?i)email\\s+in\\s*\\(\\s*\\?\\s*,\\s*" + PLAINTEXT_ARM + "\\s*\\)");

      VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(keyring.with(rotated));
      Jpa.tx(sf, s -> {
        s.persist(new MigratingAccount(5L, "newer", "ann@example.com", null));
        s.persist(new MigratingAccount(6L, "newer", "dee@example.com", null));
      });
      sql.clear();
      Jpa.tx(sf, s -> assertSearches(s, List.of(1L, 4L, 5L), List.of(3L), List.of(2L, 6L)));
      assertThat(String.join("\n", sql)).as("two keys and the plaintext form")
          .containsPattern("(?i)email\\s+in\\s*\\(\\s*\\?\\s*,\\s*\\?\\s*,\\s*" + PLAINTEXT_ARM + "\\s*\\)");
      assertThat(plaintextLeft(db, ACCOUNTS, "email")).as("a search by id loads no entity: nothing migrated")
          .isEqualTo(2);
    }

    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    sql.clear();
    settings.put(FieldVaultSettings.PLAINTEXT_POLICY, "CIPHERTEXT_ONLY");
    settings.put(FieldVaultSettings.KEYRING, Keyring.generate("strict"));
    try (SessionFactory strict = Jpa.build(db, settings, MigratingAccount.class, VersionedAccount.class, Legacy.class)) {
      Jpa.tx(strict, s -> s.persist(new MigratingAccount(1L, "n", "ann@example.com", null)));
      Jpa.tx(strict, s -> assertThat(ids(s, "select m.id from MigratingAccount m where m.email = :e", "e",
          "ann@example.com")).containsExactly(1L));
      assertThat(sql).anySatisfy(q -> assertThat(q).containsPattern("(?i)email\\s*=\\s*\\?"))
          .noneSatisfy(q -> assertThat(q).containsPattern("(?i)email\\s+in"));
    }
  }

  /**
   * The column model of a migrating attribute says it may hold legacy plaintext, so the JDBC wrapper
   * made from the mapping reads and searches the rows Hibernate has not migrated yet as Hibernate does.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theColumnModelOfAMigratingAttribute_letsTheJdbcWrapperReadAndSearchLegacyRows(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    try (SessionFactory sf = build(db, Keyring.generate("bridge"), "MIGRATE", true)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(HibernateRotation.columns(vault)).allSatisfy(c -> assertThat(c.legacyPlaintext()).isTrue());
      insertLegacyAccounts(db, 1, 2);
      Jpa.tx(sf, s -> s.persist(new MigratingAccount(3L, "new", email(1), "encrypted note")));
      javax.sql.DataSource jdbc = HibernateJdbc.wrap(db.dataSource(), vault);
      try (Connection c = jdbc.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select id, email, note from " + ACCOUNTS + " where email = ? order by id")) {
        ps.setString(1, email(1));
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(1L);
          assertThat(rs.getString(2)).isEqualTo(email(1));
          assertThat(rs.getString(3)).isEqualTo(note(1));
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(3L);
          assertThat(rs.getString(3)).isEqualTo("encrypted note");
          assertThat(rs.next()).isFalse();
        }
      }
    }
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    try (SessionFactory strict = build(db, Keyring.generate("bridge-strict"), "CIPHERTEXT_ONLY", true)) {
      assertThat(HibernateRotation.columns(HibernateVault.of(strict)))
          .allSatisfy(c -> assertThat(c.legacyPlaintext()).isFalse());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. MIGRATE_AND_LOG names the row, never the value

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void migrateAndLog_logsEachPlaintextReadWithItsRowId_andNoLogShowsTheValue(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(ACCOUNTS, VERSIONED, "hib_legacy");
    try (SessionFactory sf = build(db, Keyring.generate("log"), "MIGRATE_AND_LOG", true)) {
      Jpa.update(db, "insert into hib_legacy (id, email, score, secret) values (?, ?, ?, ?)", 41L,
          "logged.mail@example.com", "42", "LOGGED-SECRET");
      Jpa.update(db, "insert into " + ACCOUNTS + " (id, name, email, note) values (?, ?, ?, ?)", 7L, "n",
          "other.mail@example.com", "LOGGED-NOTE".getBytes(StandardCharsets.UTF_8));
      List<String> lines = LogCapture.during(() -> Jpa.tx(sf, s -> {
        s.find(Legacy.class, 41L);
        s.createQuery("from MigratingAccount", MigratingAccount.class).getResultList();
      }));
      String all = String.join("\n", lines);
      assertThat(lines).filteredOn(l -> l.contains("Read a plaintext value")).hasSize(5);
      assertThat(all).contains("Legacy.email (column hib_legacy.email, row 41)")
          .contains("Legacy.score (column hib_legacy.score, row 41)")
          .contains("Legacy.secret (column hib_legacy.secret, row 41)")
          .contains("MigratingAccount.email (column hib_mig_account.email, row 7)")
          .contains("MigratingAccount.note (column hib_mig_account.note, row 7)")
          .doesNotContain("row ?");
      // Hibernate's extract logging shows the column values it reads, legacy plaintexts included (what
      // the column holds); nothing else shows one, not the migration's statements in the bind log either
      String logged = String.join("\n", lines.stream().filter(l -> !l.startsWith("org.hibernate.orm.jdbc.extract"))
          .collect(java.util.stream.Collectors.toList()));
      assertThat(logged).as("no log but the extract log shows a value")
          .doesNotContain("logged.mail").doesNotContain("LOGGED-SECRET").doesNotContain("other.mail")
          .doesNotContain("LOGGED-NOTE");
      assertThat(logged).as("the capture sees Hibernate's SQL and binds").containsIgnoringCase("select")
          .contains("org.hibernate.orm.jdbc.bind");
      assertThat(plaintextLeft(db, "hib_legacy", "email", "score", "secret")).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tables keyed by other columns; searches compare the plaintext form exactly

  /**
   * A secondary table keyed by {@code split_id} and a JOINED subclass table keyed by {@code member_id}
   * (each with a decoy column {@code id} holding another row's id): the plaintext values a session loads
   * are written encrypted at its flush by a compare-and-set keyed by the table's own key column, bound
   * to the entity's id, and a value changed since the load is left as it is.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void secondaryAndJoinedTablesKeyedByOtherColumns_areMigratedAtTheFlush(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String[] tables = {"hib_key_member", "hib_key_party", "hib_key_split_more", "hib_key_split"};
    db.dropTables(tables);
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, Keyring.generate("keyed"),
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), KeyedParty.class, KeyedMember.class, KeyedSplit.class)) {
      int rows = 6;
      insertKeyedLegacyRows(db, rows);
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= rows; i++) {
          assertThat(s.find(KeyedSplit.class, i).note).isEqualTo("note " + i);
          assertThat(s.find(KeyedMember.class, i).email).isEqualTo("m" + i + "@example.com");
        }
        // changed by someone else between this session's load and its flush: left as it is
        try {
          Jpa.update(db, "update hib_key_split_more set note = ? where split_id = ?", bytes("changed"), 3L);
          Jpa.update(db, "update hib_key_member set email = ? where member_id = ?", bytes("changed@example.com"), 4L);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(raw(db, "hib_key_split_more", "note", 3L, "split_id")).isEqualTo(bytes("changed"));
      assertThat(raw(db, "hib_key_member", "email", 4L, "member_id")).isEqualTo(bytes("changed@example.com"));
      assertThat(plaintextLeft(db, "hib_key_split_more", "note", "email")).isEqualTo(1);
      assertThat(plaintextLeft(db, "hib_key_member", "email")).isEqualTo(1);
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= rows; i++) {
          KeyedSplit k = s.find(KeyedSplit.class, i);
          assertThat(k.note).isEqualTo(i == 3 ? "changed" : "note " + i);
          assertThat(k.email).isEqualTo("s" + i + "@example.com");
          assertThat(k.decoy).isEqualTo(i % rows + 1);
          KeyedMember m = s.find(KeyedMember.class, i);
          assertThat(m.email).isEqualTo(i == 4 ? "changed@example.com" : "m" + i + "@example.com");
          assertThat(m.decoy).isEqualTo(i % rows + 1);
        }
      });
      assertThat(plaintextLeft(db, "hib_key_split_more", "note", "email")).isZero();
      assertThat(plaintextLeft(db, "hib_key_member", "email")).isZero();
    } finally {
      db.dropTables(tables);
    }
  }

  /**
   * During a migration a search value equal to another row's stored ciphertext text finds nothing (the
   * plaintext form is bound only for a value without the form of a ciphertext), and a row not migrated
   * yet is found by its exact value, as once migrated: on MariaDB too, whose column collation ignores
   * case and trailing spaces. Also in a bulk update Hibernate translates itself (a secondary table).
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void searchesDuringAMigration_matchPlaintextExactly_andNeverByAStoredCiphertextText(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String[] tables = {"hib_key_member", "hib_key_party", "hib_key_split_more", "hib_key_split"};
    db.dropTables(tables);
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, Keyring.generate("exact"),
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), KeyedParty.class, KeyedMember.class, KeyedSplit.class)) {
      // 1 is stored encrypted; 2 is a legacy 'Alice'
      Jpa.tx(sf, s -> s.persist(new KeyedSplit(1L, "one", "note", "bob@example.com", 0L)));
      Jpa.update(db, "insert into hib_key_split (id, name) values (?, ?)", 2L, "legacy");
      Jpa.update(db, "insert into hib_key_split_more (split_id, email) values (?, ?)", 2L, "Alice");
      Object stored = raw(db, "hib_key_split_more", "email", 1L, "split_id");
      assertThat(stored).isInstanceOf(String.class).satisfies(v -> assertThat(isCiphertext(v)).isTrue());

      String hql = "select k.id from KeyedSplit k where k.email = :e";
      Jpa.tx(sf, s -> {
        assertThat(ids(s, hql, "e", stored)).as("another row's ciphertext text").isEmpty();
        assertThat(ids(s, "select k.id from KeyedSplit k where k.email in :e", "e", List.of(stored, "nobody")))
            .isEmpty();
        assertThat(ids(s, "select k.id from KeyedSplit k where k.email <> :e", "e", stored)).containsExactly(1L, 2L);
        assertThat(ids(s, hql, "e", "alice")).as("a legacy row by another case").isEmpty();
        assertThat(ids(s, hql, "e", "Alice ")).as("a legacy row by trailing spaces").isEmpty();
        assertThat(ids(s, hql, "e", "ALICE")).isEmpty();
        assertThat(ids(s, "select k.id from KeyedSplit k where k.email <> :e", "e", "alice"))
            .containsExactly(1L, 2L);
        assertThat(ids(s, "select k.id from KeyedSplit k where k.email <> :e", "e", "Alice"))
            .containsExactly(1L);
        assertThat(ids(s, hql, "e", "bob@example.com")).containsExactly(1L);
      });
      // a bulk update of an entity with a secondary table is translated by Hibernate's multi-table handler
      Jpa.tx(sf, s -> {
        assertThat(s.createMutationQuery("update KeyedSplit k set k.name = 'x' where k.email = :e")
            .setParameter("e", "alice").executeUpdate()).isZero();
        assertThat(s.createMutationQuery("update KeyedSplit k set k.name = 'x' where k.email = :e")
            .setParameter("e", stored).executeUpdate()).isZero();
        assertThat(s.createMutationQuery("update KeyedSplit k set k.name = 'found' where k.email = :e")
            .setParameter("e", "Alice").executeUpdate()).isEqualTo(1);
      });
      assertThat(Jpa.raw(db, "hib_key_split", "name", 2L)).isEqualTo("found");
      assertThat(Jpa.raw(db, "hib_key_split", "name", 1L)).isEqualTo("one");
      // once migrated, the same searches find the same rows
      Jpa.tx(sf, s -> assertThat(s.find(KeyedSplit.class, 2L).email).isEqualTo("Alice"));
      assertThat(plaintextLeft(db, "hib_key_split_more", "email")).isZero();
      Jpa.tx(sf, s -> {
        assertThat(ids(s, hql, "e", "alice")).isEmpty();
        assertThat(ids(s, hql, "e", "Alice ")).isEmpty();
        assertThat(ids(s, hql, "e", "Alice")).containsExactly(2L);
      });
    } finally {
      db.dropTables(tables);
    }
  }

  /**
   * Finding 4 of the second review: a native BOOLEAN, TIMESTAMP or DOUBLE column converted to text by the
   * database holds the database's spellings ({@code 1}/{@code 0}, {@code TRUE}, {@code 2024-01-31 10:15:01},
   * {@code 10:15:01.500000}, {@code 1e+20}, {@code 1e20}, {@code -1e-05}), and legacy text columns hold other
   * accepted ones ({@code yes}, {@code T}, {@code Off}): an equality search under MIGRATE finds every such row
   * before it is migrated, and the same rows after the migration job.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void searchesDuringAMigration_findTheDatabasesOwnSpellingsOfBooleansDateTimesAndDoubles(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    dev.fieldvault.jdbc.keystore.VaultTables vaultTables = dev.fieldvault.jdbc.keystore.VaultTables.withPrefix("hibspl_fv_");
    db.dropTables("hib_legacy_spelled", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    vaultTables.install(db.dataSource());
    String timestamp = kind == TestDatabases.Kind.MARIADB ? "datetime(6)" : "timestamp(6)";
    String dbl = kind == TestDatabases.Kind.MARIADB ? "double" : "double precision";
    Jpa.exec(db, "create table hib_legacy_spelled (id bigint primary key, active boolean, at " + timestamp + ", x "
        + dbl + ", pin varchar(100))");
    java.time.LocalDateTime t1 = java.time.LocalDateTime.of(2024, 1, 31, 10, 15, 1);
    java.time.LocalDateTime t2 = t1.withNano(500_000_000);
    java.time.LocalDateTime t3 = java.time.LocalDateTime.of(2024, 2, 1, 0, 0);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "insert into hib_legacy_spelled (id, active, at, x) values (?, ?, ?, ?)")) {
      Object[][] rows = {{1L, true, t1, 1e20}, {2L, false, t2, 2.5}, {3L, true, t3, -1e-5}};
      for (Object[] r : rows) {
        ps.setLong(1, (Long) r[0]);
        ps.setBoolean(2, (Boolean) r[1]);
        ps.setTimestamp(3, java.sql.Timestamp.valueOf((java.time.LocalDateTime) r[2]));
        ps.setDouble(4, (Double) r[3]);
        ps.executeUpdate();
      }
    }
    // the database converts its values to its own text (what a migration's ALTER TABLE does)
    for (String col : new String[] {"active", "at", "x"}) {
      Jpa.exec(db, kind == TestDatabases.Kind.POSTGRES
          ? "alter table hib_legacy_spelled alter column " + col + " type varchar(100) using cast(" + col + " as text)"
          : kind == TestDatabases.Kind.MARIADB ? "alter table hib_legacy_spelled modify " + col + " varchar(100)"
          : "alter table hib_legacy_spelled alter column " + col + " set data type varchar(100)");
    }
    String[][] spelled = {{"10", "yes", "2024-01-31T10:15:01", "1.0E20"}, {"11", "T", "2024-01-31 10:15:01.500", "1e+20"},
        {"12", "0", "2024-01-31T10:15:01.500000", "2.5"}, {"13", "Off", "2024-02-01 00:00:00", "-1e-05"},
        {"14", "no", "2024-02-01T00:00", "-0.00001"}, {"15", "TRUE", "2024-02-01 00:00:00.000000", "1e20"}};
    for (String[] r : spelled) {
      Jpa.update(db, "insert into hib_legacy_spelled (id, active, at, x) values (?, ?, ?, ?)", Long.valueOf(r[0]),
          r[1], r[2], r[3]);
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, Keyring.generate("hibspl"));
    settings.put(FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE");
    settings.put("hibernate.hbm2ddl.auto", "none");
    try (SessionFactory sf = Jpa.build(db, settings, dev.fieldvault.hibernate.entities.LegacySpelled.class)) {
      for (String phase : new String[] {"before the job", "after the job"}) {
        Jpa.tx(sf, s -> {
          assertThat(ids(s, "active", true)).as(phase).containsExactlyInAnyOrder(1L, 3L, 10L, 11L, 15L);
          assertThat(ids(s, "active", false)).as(phase).containsExactlyInAnyOrder(2L, 12L, 13L, 14L);
          assertThat(ids(s, "at", t1)).as(phase).containsExactlyInAnyOrder(1L, 10L);
          assertThat(ids(s, "at", t2)).as(phase).containsExactlyInAnyOrder(2L, 11L, 12L);
          assertThat(ids(s, "at", t3)).as(phase).containsExactlyInAnyOrder(3L, 13L, 14L, 15L);
          assertThat(ids(s, "x", 1e20)).as(phase).containsExactlyInAnyOrder(1L, 10L, 11L, 15L);
          assertThat(ids(s, "x", 2.5)).as(phase).containsExactlyInAnyOrder(2L, 12L);
          assertThat(ids(s, "x", -1e-5)).as(phase).containsExactlyInAnyOrder(3L, 13L, 14L);
        });
        if (phase.startsWith("before")) {
          assertThat(plaintextLeft(db, "hib_legacy_spelled", "active", "at", "x")).isEqualTo(3L * 9);
          dev.fieldvault.jdbc.rotation.RotationResult r = HibernateRotation.rewrapper(HibernateVault.of(sf),
              db.dataSource()).vaultTables(vaultTables).migratePlaintext(true).build().run();
          assertThat(r.complete()).isTrue();
          assertThat(plaintextLeft(db, "hib_legacy_spelled", "active", "at", "x")).isZero();
        }
      }
    } finally {
      db.dropTables("hib_legacy_spelled", vaultTables.rotationRange(), vaultTables.rotation(), vaultTables.keyset());
    }
  }

  /**
   * Finding 5 of the second review: under MIGRATE a legacy value that is not a text form of its type fails
   * with the typed {@link AttributeDecryptionException} (on 6.6 and 7), naming entity, attribute and column,
   * and the row's id where FieldVault reads the value with it (a row-bound attribute); never the value, in
   * the message or its causes.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anUnreadableLegacyValue_failsTyped_namingAttributeColumnAndRow_neverTheValue(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_legacy_spelled");
    Jpa.exec(db, "create table hib_legacy_spelled (id bigint primary key, active varchar(100), at varchar(100),"
        + " x varchar(100), pin varchar(100))");
    Jpa.update(db, "insert into hib_legacy_spelled (id, active) values (?, ?)", 5L, "maybe-secret");
    Jpa.update(db, "insert into hib_legacy_spelled (id, x) values (?, ?)", 6L, "SSN-078-05-1120");
    Jpa.update(db, "insert into hib_legacy_spelled (id, pin) values (?, ?)", 7L, "PIN-4711-SECRET");
    Jpa.update(db, "insert into hib_legacy_spelled (id, active, pin) values (?, ?, ?)", 8L, "yes", "4711");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, Keyring.generate("hibbad"));
    settings.put(FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE");
    settings.put("hibernate.hbm2ddl.auto", "none");
    try (SessionFactory sf = Jpa.build(db, settings, dev.fieldvault.hibernate.entities.LegacySpelled.class)) {
      Object[][] cases = {{5L, "LegacySpelled.active", "hib_legacy_spelled.active", "Boolean", "maybe-secret", null},
          {6L, "LegacySpelled.x", "hib_legacy_spelled.x", "Double", "SSN-078-05-1120", null},
          {7L, "LegacySpelled.pin", "hib_legacy_spelled.pin", "Integer", "PIN-4711-SECRET", "row id 7"}};
      for (Object[] c : cases) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
            () -> Jpa.call(sf, s -> s.find(dev.fieldvault.hibernate.entities.LegacySpelled.class, c[0])));
        assertThat(thrown).as("row " + c[0]).isInstanceOf(AttributeDecryptionException.class)
            .hasCauseInstanceOf(dev.fieldvault.keys.ValueCodecException.class)
            .hasMessageContaining((String) c[1]).hasMessageContaining((String) c[2])
            .hasMessageContaining((String) c[3]);
        if (c[5] != null) {
          assertThat(thrown).hasMessageContaining((String) c[5]);
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
          assertThat(String.valueOf(t.getMessage())).as("no value in the cause chain").doesNotContain((String) c[4]);
        }
        assertThat(((AttributeDecryptionException) thrown).attributePath()).isEqualTo(((String) c[1]).substring(14));
      }
      // a readable row still loads (and is migrated); the unreadable ones are left as they are
      Jpa.tx(sf, s -> {
        dev.fieldvault.hibernate.entities.LegacySpelled l = s.find(dev.fieldvault.hibernate.entities.LegacySpelled.class, 8L);
        assertThat(l.active).isTrue();
        assertThat(l.pin).isEqualTo(4711);
      });
      assertThat(Jpa.raw(db, "hib_legacy_spelled", "active", 5L)).isEqualTo("maybe-secret");
      assertThat(isCiphertext(Jpa.raw(db, "hib_legacy_spelled", "pin", 8L))).isTrue();
    } finally {
      db.dropTables("hib_legacy_spelled");
    }
  }

  private static List<Long> ids(Session s, String attribute, Object value) {
    return s.createSelectionQuery("select l.id from LegacySpelled l where l." + attribute + " = :v", Long.class)
        .setParameter("v", value).getResultList();
  }


  /** Rows 1..rows of KeyedMember and KeyedSplit as a plaintext application left them; decoy 'id' = another row's. */
  private static void insertKeyedLegacyRows(TestDatabase db, int rows) throws SQLException {
    for (long i = 1; i <= rows; i++) {
      long decoy = i % rows + 1;
      Jpa.update(db, "insert into hib_key_party (id, name) values (?, ?)", i, "party " + i);
      Jpa.update(db, "insert into hib_key_member (member_id, email, id) values (?, ?, ?)", i,
          bytes("m" + i + "@example.com"), decoy);
      Jpa.update(db, "insert into hib_key_split (id, name) values (?, ?)", i, "split " + i);
      Jpa.update(db, "insert into hib_key_split_more (split_id, note, email, id) values (?, ?, ?, ?)", i,
          bytes("note " + i), "s" + i + "@example.com", decoy);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One column of the row whose key column {@code key} is {@code id}. */
  private static Object raw(TestDatabase db, String table, String column, long id, String key) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("select " + column + " from " + table + " where " + key + " = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("row " + id + " of " + table).isTrue();
        Object v = rs.getObject(1);
        return v instanceof byte[] ? ((byte[]) v).clone() : v;
      }
    }
  }
}
