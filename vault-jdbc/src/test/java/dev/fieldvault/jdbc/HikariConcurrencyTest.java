package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A wrapped HikariCP pool under 8 threads of mixed inserts, updates, lookups by id and by
 * deterministic value, and blind-index searches: every read returns what that thread last wrote.
 * Runs {@code -Dfieldvault.jdbc.concurrency.seconds} per database (default 10, so that the module's
 * suite stays short; the 30-second run is {@code -Dfieldvault.jdbc.concurrency.seconds=30}).
 */
class HikariConcurrencyTest {

  private static final int THREADS = 8;

  static long seconds() {
    return Long.getLong("fieldvault.jdbc.concurrency.seconds", 10);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void wrappedHikariPool_underEightThreadsOfMixedReadsAndWrites_readsWhatWasWritten(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = JdbcFixtures.used(TestDatabases.get(kind));
    db.dropTables(JdbcFixtures.t("jw_conc"));
    String bin = JdbcFixtures.binary(kind);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(JdbcFixtures.t("CREATE TABLE jw_conc (id BIGINT PRIMARY KEY, email ") + bin + ", ssn " + bin + ", phone " + bin
          + ", phone_bidx " + bin + ", amount " + bin + ")");
    }
    EncryptedColumns columns = EncryptedColumns.builder()
        .add(EncryptedColumn.builder(JdbcFixtures.t("jw_conc"), "email", String.class).mode(EncryptionMode.DETERMINISTIC).build())
        .add(EncryptedColumn.builder(JdbcFixtures.t("jw_conc"), "ssn", String.class).rowIdColumn("id").build())
        .add(EncryptedColumn.builder(JdbcFixtures.t("jw_conc"), "phone", String.class).blindIndexColumn("phone_bidx").build())
        .add(EncryptedColumn.builder(JdbcFixtures.t("jw_conc"), "amount", Long.class).build())
        .build();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(THREADS);
    config.setPoolName("jw-conc-" + kind);
    try (EncryptingDataSource ds = EncryptingDataSource.wrap(new HikariDataSource(config), JdbcFixtures.CIPHER,
        columns)) {
      long deadline = System.nanoTime() + seconds() * 1_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long base = (t + 1) * 1_000_000L;
        results.add(pool.submit(() -> work(ds, base, deadline)));
      }
      int operations = 0;
      for (Future<Integer> f : results) {
        int n = f.get();
        assertThat(n).isPositive();
        operations += n;
      }
      pool.shutdown();
      assertThat(operations).isGreaterThanOrEqualTo(THREADS);
    }
  }

  /** One thread's loop; returns how many verified reads it made. */
  private static int work(EncryptingDataSource ds, long base, long deadline) throws Exception {
    Map<Long, Long> amounts = new HashMap<>();
    int reads = 0;
    long next = base;
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    while (System.nanoTime() < deadline || reads == 0) {
      try (Connection c = ds.getConnection()) {
        int op = amounts.isEmpty() ? 0 : rnd.nextInt(4);
        if (op == 0) {
          long id = next++;
          long amount = rnd.nextLong();
          try (PreparedStatement ps = c.prepareStatement(
              JdbcFixtures.t("INSERT INTO jw_conc (id, email, ssn, phone, phone_bidx, amount) VALUES (?, ?, ?, ?, ?, ?)"))) {
            ps.setLong(1, id);
            ps.setString(2, "u" + id + "@x");
            ps.setString(3, "ssn-" + id);
            ps.setString(4, "ph-" + id);
            ps.setString(5, "ph-" + id);
            ps.setLong(6, amount);
            ps.executeUpdate();
          }
          amounts.put(id, amount);
        } else {
          long id = base + rnd.nextLong(next - base);
          if (op == 1) {
            long amount = rnd.nextLong();
            try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("UPDATE jw_conc SET amount = ?, ssn = ? WHERE id = ?"))) {
              ps.setLong(1, amount);
              ps.setString(2, "ssn-" + id + "-" + amount);
              ps.setLong(3, id);
              assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            amounts.put(id, amount);
          } else {
            String sql = op == 2 ? JdbcFixtures.t("SELECT id, amount, ssn, email FROM jw_conc WHERE email = ?")
                : JdbcFixtures.t("SELECT id, amount, ssn, email FROM jw_conc WHERE phone_bidx = ?");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setString(1, op == 2 ? "u" + id + "@x" : "ph-" + id);
              try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("id")).isEqualTo(id);
                long amount = amounts.get(id);
                assertThat(rs.getLong("amount")).isEqualTo(amount);
                assertThat(rs.getString("email")).isEqualTo("u" + id + "@x");
                assertThat(rs.getString("ssn")).isIn("ssn-" + id, "ssn-" + id + "-" + amount);
                assertThat(rs.next()).isFalse();
              }
            }
            reads++;
          }
        }
      }
    }
    return reads;
  }
}
