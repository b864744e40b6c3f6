package dev.fieldvault.benchmarks.rotation;

import dev.fieldvault.benchmarks.DriverManagerDataSource;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.ColumnStorage;
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
import javax.sql.DataSource;

/**
 * Plaintext migration throughput on one table of legacy plaintext e-mails ({@code VARCHAR}, TEXT
 * storage), next to (a) a plain batched {@code UPDATE ... SET c = ? WHERE id = ?} of the same rows
 * (batches of 1,000, no crypto: the floor of any in-place rewrite; each value is written padded to
 * the length its ciphertext has, so the rows grow as they do when encrypted, and no database can skip
 * the write as unchanged) and (b) the naive migration
 * (stream, encrypt, the same batched update: no compare-and-set, no checkpoint, no resume), all in the
 * same run on the same table. The migration job is measured whole: its scan, encryption,
 * compare-and-set writes with checkpoints, and its final inventory (key versions and plaintext left).
 * Every measured pass starts from the same plaintext table.
 *
 * <p>Run (see BENCHMARKS.md): {@code java -Xmx64m -cp benchmarks.jar dev.fieldvault.benchmarks.rotation.MigrationBenchmark}
 * with system properties {@code rows} (100000), {@code rounds} (3), {@code url} (PostgreSQL by default;
 * a {@code jdbc:mariadb:} or {@code jdbc:h2:} URL works too), {@code user}, {@code password}.
 */
public final class MigrationBenchmark {

  private static final String TABLE = "mig_bench";
  private static final FieldSpec<String> SPEC = FieldSpec.builder("Customer", "email", String.class).build();

  private MigrationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.getInteger("rows", 100_000);
    int rounds = Integer.getInteger("rounds", 3);
    String url = System.getProperty("url", env("FIELDVAULT_BENCH_POSTGRES_URL",
        env("FIELDVAULT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test")));
    String user = System.getProperty("user", env("FIELDVAULT_BENCH_POSTGRES_USER",
        env("FIELDVAULT_TEST_POSTGRES_USER", "postgres")));
    String password = System.getProperty("password", env("FIELDVAULT_BENCH_POSTGRES_PASSWORD",
        env("FIELDVAULT_TEST_POSTGRES_PASSWORD", "")));
    DataSource ds = DriverManagerDataSource.of(url, user, password);
    VaultTables vt = VaultTables.withPrefix("mig_bench_fv_");
    EncryptedTable table = EncryptedTable.builder(TABLE).primaryKey("id")
        .column(EncryptedColumn.builder(TABLE, "c", SPEC).storage(ColumnStorage.TEXT).build()).build();
    PrintWriter out = new PrintWriter(System.out, true);
    String product;
    try (Connection c = ds.getConnection()) {
      product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
    }
    out.printf(Locale.ROOT, "rows=%d rounds=%d cpus=%d maxHeap=%d MiB java=%s database=%s%n", rows, rounds,
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"), product);

    FieldCipher cipher = FieldCipher.create(Keyring.generate("bench"));
    setUp(ds, vt, rows);
    out.println("warm-up on " + rows + " rows ...");
    round(ds, vt, table, cipher, rows, null);
    double[][] rates = new double[3][rounds];
    for (int r = 0; r < rounds; r++) {
      double[] one = round(ds, vt, table, cipher, rows, out);
      for (int k = 0; k < 3; k++) {
        rates[k][r] = one[k];
      }
    }
    double a = median(rates[0]);
    out.printf(Locale.ROOT, "median of %d rounds: (a) %,.0f rows/s, (b) %,.0f rows/s (%.0f %% of a), migration job %,.0f"
        + " rows/s (%.0f %% of a)%n", rounds, a, median(rates[1]), 100 * median(rates[1]) / a, median(rates[2]),
        100 * median(rates[2]) / a);
    drop(ds, vt);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** One round: (a), (b) and the migration job, each from the plaintext table; their rows/s. */
  private static double[] round(DataSource ds, VaultTables vt, EncryptedTable table, FieldCipher cipher, int rows,
      PrintWriter out) throws Exception {
    resetToPlaintext(ds, rows);
    long start = System.nanoTime();
    batchedUpdate(ds, null);
    double a = (System.nanoTime() - start) / 1e9;

    resetToPlaintext(ds, rows);
    start = System.nanoTime();
    batchedUpdate(ds, cipher.field(SPEC));
    double b = (System.nanoTime() - start) / 1e9;

    resetToPlaintext(ds, rows);
    start = System.nanoTime();
    RotationResult result = Rewrapper.builder(ds, cipher).table(table).vaultTables(vt).migratePlaintext(true)
        .rotationId("bench-" + System.nanoTime()).build().run();
    double w = (System.nanoTime() - start) / 1e9;
    if (result.plaintextEncrypted() != rows || !result.complete() || result.plaintextValues() != 0) {
      throw new IllegalStateException("the migration encrypted " + result.plaintextEncrypted() + " of " + rows
          + " values: " + result.describeRemaining());
    }
    if (out != null) {
      double ra = rows / a;
      out.printf(Locale.ROOT, "(a) plain batched UPDATE, no crypto   : %,9.0f rows/s  %6.2f s%n", ra, a);
      out.printf(Locale.ROOT, "(b) naive stream/encrypt/UPDATE       : %,9.0f rows/s  %6.2f s  (%3.0f %% of a)%n",
          rows / b, b, 100 * rows / b / ra);
      out.printf(Locale.ROOT, "    migration job (CAS, checkpoints,  : %,9.0f rows/s  %6.2f s  (%3.0f %% of a)%n"
          + "    final inventory included)%n", rows / w, w, 100 * rows / w / ra);
    }
    return new double[] {rows / a, rows / b, rows / w};
  }

  private static boolean postgres(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
  }

  private static void setUp(DataSource ds, VaultTables vt, int rows) throws SQLException {
    drop(ds, vt);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, c VARCHAR(200) NOT NULL)");
    }
    vt.install(ds);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, c) VALUES (?, ?)")) {
      c.setAutoCommit(false);
      for (int id = 1; id <= rows; id++) {
        ps.setLong(1, id);
        ps.setString(2, legacy(id));
        ps.addBatch();
        if (id % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
      c.commit();
    }
  }

  private static String legacy(long id) {
    return "customer" + id + "@example.com";
  }

  /** Puts the legacy plaintext back in every row (not measured). */
  private static void resetToPlaintext(DataSource ds, int rows) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      boolean mariadb = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).matches(".*(mariadb|mysql).*");
      st.executeUpdate("UPDATE " + TABLE + " SET c = CONCAT('customer', CAST(id AS " + (mariadb ? "CHAR" : "VARCHAR(20)")
          + "), '@example.com')");
      if (postgres(c)) {
        st.execute("VACUUM ANALYZE " + TABLE);
      }
    }
  }

  /**
   * (a) with {@code encryptor} null: stream every row and write its value back; (b) otherwise: write it
   * encrypted. A batched UPDATE of 1,000 rows per batch and commit, no compare-and-set.
   */
  private static void batchedUpdate(DataSource ds, FieldEncryptor<String> encryptor) throws SQLException {
    try (Connection read = ds.getConnection(); Connection write = ds.getConnection()) {
      read.setAutoCommit(false);
      write.setAutoCommit(false);
      try (PreparedStatement sel = read.prepareStatement("SELECT id, c FROM " + TABLE + " ORDER BY id");
          PreparedStatement upd = write.prepareStatement("UPDATE " + TABLE + " SET c = ? WHERE id = ?")) {
        sel.setFetchSize(1000);
        int n = 0;
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            String v = rs.getString(2);
            upd.setString(1, encryptor == null ? padded(v) : encryptor.encryptToText(v, null, null));
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

  /** The value padded to the length of its randomized ciphertext in base64 ({@code 4·⌈(n+34)/3⌉}). */
  private static String padded(String v) {
    int n = v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return v + "#".repeat(4 * ((n + 34 + 2) / 3) - n);
  }

  private static void drop(DataSource ds, VaultTables vt) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
      st.execute("DROP TABLE IF EXISTS " + vt.rotationRange());
      st.execute("DROP TABLE IF EXISTS " + vt.rotation());
      st.execute("DROP TABLE IF EXISTS " + vt.keyset());
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
