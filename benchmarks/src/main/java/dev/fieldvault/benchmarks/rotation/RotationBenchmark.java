package dev.fieldvault.benchmarks.rotation;

import dev.fieldvault.benchmarks.DriverManagerDataSource;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Rewrap throughput on one table of PostgreSQL or MariaDB with two randomized columns and a row-bound
 * one, against two baselines without crypto in the same run on the same table:
 *
 * <ul>
 *   <li>(a) a plain JDBC batched {@code UPDATE t SET a = ?, b = ?, r = ? WHERE id = ?} of every row
 *       (streamed read, batches and commits of 1,000);
 *   <li>(c) the rewrapper's own read and write forms without crypto: keyset pages of 1,000 rows
 *       ({@code WHERE id > ? ORDER BY id LIMIT 1000}), written by compare-and-set on the values read,
 *       one transaction per page: on PostgreSQL one {@code UPDATE t SET ... FROM (VALUES ...) WHERE
 *       t.id = v.id AND t.a = v.oa ... AND t.id BETWEEN ? AND ? RETURNING t.id}, on MariaDB a JDBC batch
 *       of {@code UPDATE t SET ... WHERE id = ? AND a = ? AND b = ? AND r = ?} (what the rewrapper does
 *       there). This is the bar: the rewrapper at 0.9x of (c) hides its crypto behind the I/O.
 * </ul>
 *
 * <p>Then the rewrapper with one worker and with two (two threads sharing one rotation, ranges of an
 * eighth of the table), each after a key promotion. (a) and (c) flip the last byte of every value (so
 * no database skips an unchanged row) and run in pairs, so the table holds valid ciphertexts again
 * before the rewrapper runs. Each line: rows/s, seconds, the peak heap in use; the last line the
 * medians of the rounds.
 *
 * <p>System properties: {@code rows} (100000; the scale mode: 1000000), {@code rounds} (3),
 * {@code workers} (1,2), {@code url} (default FIELDVAULT_TEST_POSTGRES_URL or the local PostgreSQL),
 * {@code user}, {@code password}.
 */
public final class RotationBenchmark {

  private static final String TABLE = "rot_bench";
  private static final int PAGE = 1000;
  private static final FieldSpec<String> NAME = FieldSpec.builder("Customer", "name", String.class).build();
  private static final FieldSpec<String> EMAIL = FieldSpec.builder("Customer", "email", String.class).build();
  private static final FieldSpec<String> SSN = FieldSpec.builder("Customer", "ssn", String.class).rowBound(true).build();

  private RotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.getInteger("rows", 100_000);
    int rounds = Integer.getInteger("rounds", 3);
    List<Integer> workers = Arrays.stream(System.getProperty("workers", "1,2").split(",")).map(Integer::valueOf).toList();
    String url = System.getProperty("url", env("FIELDVAULT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    String user = System.getProperty("user", env("FIELDVAULT_TEST_POSTGRES_USER", "postgres"));
    String password = System.getProperty("password", env("FIELDVAULT_TEST_POSTGRES_PASSWORD", ""));
    boolean postgres = url.startsWith("jdbc:postgresql:");
    DataSource ds = DriverManagerDataSource.of(url, user, password);
    VaultTables vt = VaultTables.withPrefix("rot_bench_fv_");
    EncryptedTable table = EncryptedTable.builder(TABLE).primaryKey("id")
        .column(EncryptedColumn.builder(TABLE, "a", NAME).build())
        .column(EncryptedColumn.builder(TABLE, "b", EMAIL).build())
        .column(EncryptedColumn.builder(TABLE, "r", SSN).rowIdColumn("id").build()).build();
    PrintWriter out = new PrintWriter(System.out, true);
    String product;
    try (Connection c = ds.getConnection()) {
      product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
    }
    out.printf(Locale.ROOT, "rows=%d rounds=%d workers=%s cpus=%d maxHeap=%d MiB java=%s database=%s%n", rows, rounds,
        workers, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"), product);

    Keyring keyring = Keyring.generate("bench");
    FieldCipher cipher = FieldCipher.create(keyring);
    setUp(ds, vt, cipher, rows, postgres);
    List<double[]> all = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      Round result = round(ds, vt, table, keyring, cipher, rows, postgres, workers, r == 0 ? null : out);
      keyring = result.keyring;
      if (r > 0) {
        all.add(result.rates);
      }
    }
    out.printf(Locale.ROOT, "median of %d rounds: (a) %,.0f rows/s, (c) %,.0f rows/s", rounds, median(all, 0), median(all, 1));
    for (int w = 0; w < workers.size(); w++) {
      double m = median(all, 2 + w);
      out.printf(Locale.ROOT, ", rewrapper x%d %,.0f rows/s (%.0f %% of c)", workers.get(w), m, 100 * m / median(all, 1));
    }
    out.println();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      dropAll(st, vt);
    }
  }

  private record Round(Keyring keyring, double[] rates) {}

  /** One round: (a), (c), then the rewrapper with each worker count after a key promotion. */
  private static Round round(DataSource ds, VaultTables vt, EncryptedTable table, Keyring keyring, FieldCipher cipher,
      int rows, boolean postgres, List<Integer> workers, PrintWriter out) throws Exception {
    double[] rates = new double[2 + workers.size()];
    Measure a = Measure.start();
    plainUpdate(ds);
    a.stop();
    Measure c = Measure.start();
    sameFormNoCrypto(ds, postgres);
    c.stop();
    rates[0] = rows / a.seconds();
    rates[1] = rows / c.seconds();
    print(out, "(a) plain batched UPDATE, no crypto     ", rows, a, rates[1]);
    print(out, "(c) rewrapper's form (CAS), no crypto   ", rows, c, rates[1]);
    for (int w = 0; w < workers.size(); w++) {
      keyring = keyring.with(keyring.aead().orElseThrow().rotate());
      cipher.reload(keyring);
      Measure m = Measure.start();
      long done = rewrap(ds, vt, table, cipher, rows, workers.get(w));
      m.stop();
      if (done != rows) {
        throw new IllegalStateException("the rewrapper rewrapped " + done + " of " + rows + " rows");
      }
      rates[2 + w] = rows / m.seconds();
      print(out, String.format(Locale.ROOT, "    rewrapper, %d worker%s (CAS, ckpts) ", workers.get(w),
          workers.get(w) == 1 ? " " : "s"), rows, m, rates[1]);
    }
    return new Round(keyring, rates);
  }

  private static void print(PrintWriter out, String label, int rows, Measure m, double baseline) {
    if (out != null) {
      out.printf(Locale.ROOT, "%s: %,9.0f rows/s  %6.2f s  peak heap %4d MiB, live after GC %3d MiB  (%3.0f %% of c)%n",
          label, rows / m.seconds(), m.seconds(), m.peakMiB(), m.liveMiB(), 100 * rows / m.seconds() / baseline);
    }
  }

  private static long rewrap(DataSource ds, VaultTables vt, EncryptedTable table, FieldCipher cipher, int rows,
      int workers) throws Exception {
    String id = "bench-" + System.nanoTime();
    int range = Math.max(100, rows / 8);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<RotationResult>> results = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String worker = "w" + w;
        results.add(pool.submit(() -> Rewrapper.builder(ds, cipher).table(table).vaultTables(vt).rotationId(id)
            .workerId(worker).rangeSize(range).finalInventory(false).build().run()));
      }
      long done = 0;
      for (Future<RotationResult> f : results) {
        done += f.get().rowsRewrapped();
      }
      return done;
    } finally {
      pool.shutdown();
    }
  }

  private static void dropAll(Statement st, VaultTables vt) throws SQLException {
    st.execute("DROP TABLE IF EXISTS " + TABLE);
    st.execute("DROP TABLE IF EXISTS " + vt.rotationRange());
    st.execute("DROP TABLE IF EXISTS " + vt.rotation());
    st.execute("DROP TABLE IF EXISTS " + vt.keyset());
  }

  private static void setUp(DataSource ds, VaultTables vt, FieldCipher cipher, int rows, boolean postgres)
      throws SQLException {
    String bin = postgres ? "BYTEA" : "VARBINARY(255)";
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      dropAll(st, vt);
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, a " + bin + " NOT NULL, b " + bin
          + " NOT NULL, r " + bin + " NOT NULL)");
    }
    vt.install(ds);
    FieldEncryptor<String> name = cipher.field(NAME);
    FieldEncryptor<String> email = cipher.field(EMAIL);
    FieldEncryptor<String> ssn = cipher.field(SSN);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, a, b, r) VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (long id = 1; id <= rows; id++) {
        ps.setLong(1, id);
        ps.setBytes(2, name.encrypt("Customer Name " + id));
        ps.setBytes(3, email.encrypt("customer" + id + "@example.com"));
        ps.setBytes(4, ssn.encrypt(String.format(Locale.ROOT, "%03d-%02d-%04d", id % 1000, id % 100, id % 10000), null, id));
        ps.addBatch();
        if (id % 1000 == 0) {
          ps.executeBatch();
          c.commit();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    analyze(ds, postgres);
  }

  private static void analyze(DataSource ds, boolean postgres) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute(postgres ? "VACUUM ANALYZE " + TABLE : "ANALYZE TABLE " + TABLE);
    }
  }

  /** A value of the same length that differs (its last byte flipped): twice gives the value back. */
  private static byte[] flip(byte[] v) {
    v[v.length - 1] ^= 1;
    return v;
  }

  /** (a): stream every row and write its values back with a batched UPDATE, 1,000 rows per batch and commit. */
  private static void plainUpdate(DataSource ds) throws SQLException {
    try (Connection read = ds.getConnection(); Connection write = ds.getConnection()) {
      read.setAutoCommit(false);
      write.setAutoCommit(false);
      try (PreparedStatement sel = read.prepareStatement("SELECT id, a, b, r FROM " + TABLE + " ORDER BY id");
          PreparedStatement upd = write.prepareStatement("UPDATE " + TABLE + " SET a = ?, b = ?, r = ? WHERE id = ?")) {
        sel.setFetchSize(PAGE);
        int n = 0;
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            upd.setBytes(1, flip(rs.getBytes(2)));
            upd.setBytes(2, flip(rs.getBytes(3)));
            upd.setBytes(3, flip(rs.getBytes(4)));
            upd.setLong(4, rs.getLong(1));
            upd.addBatch();
            if (++n % PAGE == 0) {
              upd.executeBatch();
              write.commit();
            }
          }
        }
        upd.executeBatch();
        write.commit();
      }
      read.commit();
    }
  }

  /** (c): keyset pages, compare-and-set writes in the rewrapper's form, one transaction per page; no crypto. */
  private static void sameFormNoCrypto(DataSource ds, boolean postgres) throws SQLException {
    String row = "(?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = ds.getConnection();
        PreparedStatement sel = c.prepareStatement("SELECT id, a, b, r FROM " + TABLE + " WHERE id > ? ORDER BY id LIMIT " + PAGE)) {
      c.setAutoCommit(false);
      long after = 0;
      while (true) {
        List<Object[]> page = new ArrayList<>(PAGE);
        sel.setLong(1, after);
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            page.add(new Object[] {rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4)});
          }
        }
        if (page.isEmpty()) {
          c.commit();
          return;
        }
        long updated = 0;
        if (postgres) {
          String sql = "UPDATE " + TABLE + " AS t SET a = v.na, b = v.nb, r = v.nr FROM (VALUES "
              + String.join(", ", Collections.nCopies(page.size(), row)) + ") AS v(id, oa, na, ob, nb, or_, nr)"
              + " WHERE t.id = v.id AND t.a = v.oa AND t.b = v.ob AND t.r = v.or_ AND t.id BETWEEN ? AND ? RETURNING t.id";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object[] p : page) {
              ps.setLong(i++, (Long) p[0]);
              for (int k = 1; k <= 3; k++) {
                ps.setBytes(i++, (byte[]) p[k]);
                ps.setBytes(i++, flip(((byte[]) p[k]).clone()));
              }
            }
            ps.setLong(i++, (Long) page.get(0)[0]);
            ps.setLong(i, (Long) page.get(page.size() - 1)[0]);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                updated++;
              }
            }
          }
        } else {
          try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
              + " SET a = ?, b = ?, r = ? WHERE id = ? AND a = ? AND b = ? AND r = ?")) {
            for (Object[] p : page) {
              for (int k = 1; k <= 3; k++) {
                ps.setBytes(k, flip(((byte[]) p[k]).clone()));
                ps.setBytes(4 + k, (byte[]) p[k]);
              }
              ps.setLong(4, (Long) p[0]);
              ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
              updated += n == Statement.SUCCESS_NO_INFO ? 1 : n;
            }
          }
        }
        if (updated != page.size()) {
          throw new IllegalStateException("(c) updated " + updated + " of " + page.size() + " rows of a page");
        }
        c.commit();
        after = (Long) page.get(page.size() - 1)[0];
      }
    }
  }

  private static double median(List<double[]> rounds, int index) {
    double[] xs = rounds.stream().mapToDouble(r -> r[index]).sorted().toArray();
    int n = xs.length;
    return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  }

  /**
   * Wall time, the peak of heap in use (sampled every 5 ms, garbage included) and the peak of heap
   * still in use after a collection (the live set: what grows if a job keeps rows in memory).
   */
  private static final class Measure {
    private final long start = System.nanoTime();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong livePeak = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;
    private long end;

    private Measure() {
      System.gc();
      long before = liveAfterGc();
      sampler = new Thread(() -> {
        Runtime rt = Runtime.getRuntime();
        while (running.get()) {
          peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
          long live = liveAfterGc();
          if (live != before) {
            livePeak.accumulateAndGet(live, Math::max);
          }
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    static Measure start() {
      return new Measure();
    }

    void stop() throws InterruptedException {
      end = System.nanoTime();
      running.set(false);
      sampler.join();
    }

    double seconds() {
      return (end - start) / 1e9;
    }

    long peakMiB() {
      return peak.get() >> 20;
    }

    /** The largest heap in use right after a collection during the measure (0: no collection). */
    long liveMiB() {
      return livePeak.get() >> 20;
    }

    private static long liveAfterGc() {
      long sum = 0;
      for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
          sum += pool.getCollectionUsage().getUsed();
        }
      }
      return sum;
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
