package dev.fieldvault.benchmarks.secrets;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.ReadAudit;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.WriteResult;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The secrets vault's get and put on PostgreSQL against a plain JDBC select and upsert of the same
 * row (a name and a bytea value, through the same HikariCP pool), in one run.
 *
 * <ul>
 *   <li>{@code vaultGet}: get with the default {@link ReadAudit#SYNC} (one select, decrypt, then wait
 *       for the commit of the read event, group-committed with the events of concurrent reads);
 *   <li>{@code vaultGetBatchedAudit}: get with {@link ReadAudit#BATCHED} (one select, decrypt; read
 *       events appended by a background thread in batches, not waited for);
 *   <li>{@code vaultGetUnaudited}: get with {@link ReadAudit#OFF} (one select, decrypt);
 *   <li>{@code vaultGetCached}: batched audit and a 1 s read cache (the select is skipped while cached);
 *   <li>{@code vaultPut}: put of a new version (CAS update, version insert, prune, audit append, in one
 *       transaction);
 *   <li>{@code plainSelect} / {@code plainUpsert}: the plain JDBC baseline;
 *   <li>{@code *Concurrent}: the same with 8 threads (gets of one hot row; puts and upserts of a row per
 *       thread), which the ratio report groups apart ({@code threads=8}) against the concurrent baseline.
 * </ul>
 *
 * <p>Connection: {@code FIELDVAULT_BENCH_POSTGRES_URL} / {@code _USER} / {@code _PASSWORD} (or the system
 * properties {@code fieldvault.bench.pg.url} / {@code .user} / {@code .password} of the forked JVM, passed
 * with {@code -jvmArgsAppend}); default {@code jdbc:postgresql://127.0.0.1:5432/test}, {@code postgres}.
 * Tables are prefixed {@code sv_bench_} and re-created from the shipped plain-SQL schema at setup. See
 * BENCHMARKS.md for the command and figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SecretsVaultBenchmark {

  private static final String PREFIX = "sv_bench_";
  private static final String NAME = "oauth/github/user-42";
  private static final int THREADS = 8;

  @Param({"64"})
  public int valueBytes;

  private HikariDataSource pool;
  private SecretStore audited;
  private SecretStore unaudited;
  private SecretStore batched;
  private SecretStore cached;
  private SecretsVault[] vaults;
  private SecretValue value;
  private byte[] plainValue;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(setting("url", "jdbc:postgresql://127.0.0.1:5432/test"));
    cfg.setUsername(setting("user", "postgres"));
    cfg.setPassword(setting("password", ""));
    // the benchmark threads plus the audit threads of the three auditing vaults
    cfg.setMaximumPoolSize(THREADS + 4);
    pool = new HikariDataSource(cfg);
    createTables();

    FieldCipher cipher = FieldCipher.create(Keyring.generate("bench"));
    SecretsVault vault = SecretsVault.builder(pool, cipher).tablePrefix(PREFIX).build();
    SecretsVault quiet = SecretsVault.builder(pool, cipher).tablePrefix(PREFIX).readAudit(ReadAudit.OFF).build();
    SecretsVault batching = SecretsVault.builder(pool, cipher).tablePrefix(PREFIX).readAudit(ReadAudit.BATCHED).build();
    SecretsVault caching = SecretsVault.builder(pool, cipher).tablePrefix(PREFIX).readAudit(ReadAudit.BATCHED)
        .readCache(java.time.Duration.ofSeconds(1), 1000).build();
    vaults = new SecretsVault[] {vault, quiet, batching, caching};
    vault.createStore("bench", null, StoreOptions.DEFAULT);
    audited = vault.store("bench").as("bench-user");
    unaudited = quiet.store("bench").as("bench-user");
    batched = batching.store("bench").as("bench-user");
    cached = caching.store("bench").as("bench-user");

    byte[] raw = new byte[valueBytes];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) ('a' + i % 26);
    }
    value = SecretValue.ofBytes(raw);
    plainValue = raw;
    audited.put(NAME, value, PutOptions.none());
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + PREFIX + "plain (name, value) VALUES (?, ?)")) {
      ps.setString(1, NAME);
      ps.setBytes(2, plainValue);
      ps.executeUpdate();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (SecretsVault v : vaults) {
      v.close();
    }
    pool.close();
  }

  @Benchmark
  public SecretResult vaultGet() {
    return audited.get(NAME);
  }

  @Benchmark
  public SecretResult vaultGetUnaudited() {
    return unaudited.get(NAME);
  }

  @Benchmark
  public SecretResult vaultGetBatchedAudit() {
    return batched.get(NAME);
  }

  @Benchmark
  public SecretResult vaultGetCached() {
    return cached.get(NAME);
  }

  @Benchmark
  public WriteResult vaultPut() {
    return audited.put(NAME, value);
  }

  @Benchmark
  public byte[] plainSelect() throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT value FROM " + PREFIX + "plain WHERE name = ?")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  @Benchmark
  public int plainUpsert() throws SQLException {
    return upsert(NAME);
  }

  private int upsert(String name) throws SQLException {
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO " + PREFIX + "plain (name, value) VALUES (?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")) {
      ps.setString(1, name);
      ps.setBytes(2, plainValue);
      return ps.executeUpdate();
    }
  }

  private static String setting(String what, String fallback) {
    String v = System.getProperty("fieldvault.bench.pg." + what);
    if (v == null) {
      v = System.getenv("FIELDVAULT_BENCH_POSTGRES_" + what.toUpperCase(Locale.ROOT));
    }
    return v == null ? fallback : v;
  }

  /** A row per benchmark thread, for concurrent writes that do not contend on one row. */
  @State(Scope.Thread)
  public static class ThreadRow {
    private static final AtomicInteger NEXT = new AtomicInteger();
    final String name = "oauth/github/thread-" + NEXT.incrementAndGet();
  }

  @Benchmark
  @Threads(THREADS)
  public SecretResult vaultGetConcurrent() {
    return audited.get(NAME);
  }

  @Benchmark
  @Threads(THREADS)
  public SecretResult vaultGetBatchedAuditConcurrent() {
    return batched.get(NAME);
  }

  @Benchmark
  @Threads(THREADS)
  public byte[] plainSelectConcurrent() throws SQLException {
    return plainSelect();
  }

  @Benchmark
  @Threads(THREADS)
  public WriteResult vaultPutConcurrent(ThreadRow row) {
    return audited.put(row.name, value);
  }

  @Benchmark
  @Threads(THREADS)
  public int plainUpsertConcurrent(ThreadRow row) throws SQLException {
    return upsert(row.name);
  }

  private void createTables() throws Exception {
    String sql;
    try (InputStream in = SecretsVault.class.getResourceAsStream("/db/changelog/fieldvault/secrets-schema-postgresql.sql")) {
      // comments first: a comment may hold a ';'
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("fv_secret_", PREFIX)
          .replaceAll("(?m)--.*$", "");
    }
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String t : new String[] {"version", "entry", "store", "audit", "audit_head", "plain"}) {
        st.execute("DROP TABLE IF EXISTS " + PREFIX + t);
      }
      for (String stmt : sql.split(";")) {
        String s = stmt.trim();
        if (!s.isEmpty()) {
          st.execute(s);
        }
      }
      st.execute("CREATE TABLE " + PREFIX + "plain (name VARCHAR(255) PRIMARY KEY, value BYTEA NOT NULL)");
    }
  }
}
