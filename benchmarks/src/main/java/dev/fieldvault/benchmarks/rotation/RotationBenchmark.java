package dev.fieldvault.benchmarks.rotation;

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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import dev.fieldvault.benchmarks.DriverManagerDataSource;
import javax.sql.DataSource;

/**
 * Rewrap throughput on one PostgreSQL table, next to (a) a plain batched {@code UPDATE ... SET c = ?
 * WHERE id = ?} of every row (batches of 1,000, no crypto) and (b) the naive loop (stream, decrypt,
 * encrypt, batched update), all in the same run on the same table, with the peak heap in use.
 *
 * <p>Run (see BENCHMARKS-rotation.md): {@code java -Xmx256m -cp ... dev.fieldvault.benchmarks.rotation.RotationBenchmark}
 * with system properties {@code rows} (100000), {@code rounds} (3), {@code url}, {@code user}, {@code password}.
 */
public final class RotationBenchmark {

  private static final String TABLE = "rot_bench";
  private static final FieldSpec<String> SPEC = FieldSpec.builder("Customer", "email", String.class).build();

  private RotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.getInteger("rows", 100_000);
    int rounds = Integer.getInteger("rounds", 3);
    String url = System.getProperty("url", env("FIELDVAULT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    String user = System.getProperty("user", env("FIELDVAULT_TEST_POSTGRES_USER", "postgres"));
    String password = System.getProperty("password", env("FIELDVAULT_TEST_POSTGRES_PASSWORD", ""));
    DataSource ds = DriverManagerDataSource.of(url, user, password);
    VaultTables vt = VaultTables.withPrefix("rot_bench_fv_");
    EncryptedTable table = EncryptedTable.builder(TABLE).primaryKey("id")
        .column(EncryptedColumn.builder(TABLE, "c", SPEC).build()).build();
    PrintWriter out = new PrintWriter(System.out, true);
    out.printf(Locale.ROOT, "rows=%d rounds=%d cpus=%d maxHeap=%d MiB java=%s%n", rows, rounds,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));

    Keyring keyring = Keyring.generate("bench");
    FieldCipher cipher = FieldCipher.create(keyring);
    setUp(ds, vt, cipher, rows);
    out.println("warm-up on " + rows + " rows ...");
    keyring = round(ds, vt, table, keyring, cipher, rows, null);
    for (int r = 1; r <= rounds; r++) {
      keyring = round(ds, vt, table, keyring, cipher, rows, out);
    }
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
      st.execute("DROP TABLE IF EXISTS " + vt.rotationRange());
      st.execute("DROP TABLE IF EXISTS " + vt.rotation());
      st.execute("DROP TABLE IF EXISTS " + vt.keyset());
    }
  }

  /** One round: (a), then (b) after a promotion, then the rewrapper after another promotion. */
  private static Keyring round(DataSource ds, VaultTables vt, EncryptedTable table, Keyring keyring, FieldCipher cipher,
      int rows, PrintWriter out) throws Exception {
    Measure a = Measure.start();
    plainUpdate(ds);
    a.stop();

    keyring = promote(keyring);
    cipher.reload(keyring);
    Measure b = Measure.start();
    naiveLoop(ds, cipher);
    b.stop();

    keyring = promote(keyring);
    cipher.reload(keyring);
    Measure w = Measure.start();
    RotationResult result = Rewrapper.builder(ds, cipher).table(table).vaultTables(vt)
        .rotationId("bench-" + System.nanoTime()).finalInventory(false).build().run();
    w.stop();
    if (result.rowsRewrapped() != rows) {
      throw new IllegalStateException("the rewrapper rewrapped " + result.rowsRewrapped() + " of " + rows + " rows");
    }
    if (out != null) {
      double ra = rows / a.seconds();
      out.printf(Locale.ROOT, "(a) plain batched UPDATE, no crypto : %,9.0f rows/s  %6.2f s  peak heap %4d MiB, live after GC %3d MiB%n", ra,
          a.seconds(), a.peakMiB(), a.liveMiB());
      out.printf(Locale.ROOT, "(b) naive stream/decrypt/encrypt/UPD: %,9.0f rows/s  %6.2f s  peak heap %4d MiB, live after GC %3d MiB  (%3.0f %% of a)%n",
          rows / b.seconds(), b.seconds(), b.peakMiB(), b.liveMiB(), 100 * rows / b.seconds() / ra);
      out.printf(Locale.ROOT, "    rewrapper (CAS, checkpoints)     : %,9.0f rows/s  %6.2f s  peak heap %4d MiB, live after GC %3d MiB  (%3.0f %% of a)%n",
          rows / w.seconds(), w.seconds(), w.peakMiB(), w.liveMiB(), 100 * rows / w.seconds() / ra);
    }
    return keyring;
  }

  private static Keyring promote(Keyring k) {
    return k.with(k.aead().orElseThrow().rotate());
  }

  private static void setUp(DataSource ds, VaultTables vt, FieldCipher cipher, int rows) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
      st.execute("DROP TABLE IF EXISTS " + vt.rotationRange());
      st.execute("DROP TABLE IF EXISTS " + vt.rotation());
      st.execute("DROP TABLE IF EXISTS " + vt.keyset());
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, c BYTEA NOT NULL)");
    }
    vt.install(ds);
    FieldEncryptor<String> f = cipher.field(SPEC);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, c) VALUES (?, ?)")) {
      c.setAutoCommit(false);
      for (int id = 1; id <= rows; id++) {
        ps.setLong(1, id);
        ps.setBytes(2, f.encrypt("customer" + id + "@example.com"));
        ps.addBatch();
        if (id % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("VACUUM ANALYZE " + TABLE);
    }
  }

  /** (a): stream every row and write its value back with a batched UPDATE, 1,000 rows per batch and commit. */
  private static void plainUpdate(DataSource ds) throws SQLException {
    try (Connection read = ds.getConnection(); Connection write = ds.getConnection()) {
      read.setAutoCommit(false);
      write.setAutoCommit(false);
      try (PreparedStatement sel = read.prepareStatement("SELECT id, c FROM " + TABLE + " ORDER BY id");
          PreparedStatement upd = write.prepareStatement("UPDATE " + TABLE + " SET c = ? WHERE id = ?")) {
        sel.setFetchSize(1000);
        int n = 0;
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            upd.setBytes(1, rs.getBytes(2));
            upd.setLong(2, rs.getLong(1));
            upd.addBatch();
            if (++n % 1000 == 0) {
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

  /** (b): stream, decrypt, encrypt, batched UPDATE (1,000 rows per batch and commit). */
  private static void naiveLoop(DataSource ds, FieldCipher cipher) throws SQLException {
    FieldEncryptor<String> f = cipher.field(SPEC);
    try (Connection read = ds.getConnection(); Connection write = ds.getConnection()) {
      read.setAutoCommit(false);
      write.setAutoCommit(false);
      try (PreparedStatement sel = read.prepareStatement("SELECT id, c FROM " + TABLE + " ORDER BY id");
          PreparedStatement upd = write.prepareStatement("UPDATE " + TABLE + " SET c = ? WHERE id = ?")) {
        sel.setFetchSize(1000);
        int n = 0;
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            upd.setBytes(1, f.encrypt(f.decrypt(rs.getBytes(2))));
            upd.setLong(2, rs.getLong(1));
            upd.addBatch();
            if (++n % 1000 == 0) {
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
