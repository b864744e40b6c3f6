package dev.fieldvault.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JDBC wrapper on PostgreSQL, against the same HikariCP pool unwrapped:
 *
 * <ul>
 *   <li>{@code passThrough_*}: a statement that touches no encrypted column (target: wrapped within
 *       1.03x of raw);
 *   <li>{@code insertSelect_*}: insert a row and read it back by primary key, with two encrypted
 *       columns (one deterministic, one randomized and row-bound) vs the same columns in plain text,
 *       and, as a control, the plain table through the wrapper.
 * </ul>
 *
 * <p>Database: {@code FIELDVAULT_TEST_POSTGRES_URL} / {@code _USER} / {@code _PASSWORD} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}). Tables {@code jw_bench_*}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdbcWrapperBenchmark {

  private static final String SELECT_PLAIN = "SELECT name, email FROM jw_bench_plain WHERE id = ?";
  private static final String INSERT_PLAIN = "INSERT INTO jw_bench_plain (id, name, email, ssn) VALUES (?, ?, ?, ?)";
  private static final String INSERT_ENC = "INSERT INTO jw_bench_enc (id, name, email, ssn) VALUES (?, ?, ?, ?)";
  private static final String SELECT_ENC = "SELECT id, name, email, ssn FROM jw_bench_enc WHERE id = ?";

  private HikariDataSource hikari;
  private DataSource wrapped;
  private final AtomicLong ids = new AtomicLong(1_000);

  @Setup
  public void setUp() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(env("FIELDVAULT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    config.setUsername(env("FIELDVAULT_TEST_POSTGRES_USER", "postgres"));
    config.setPassword(env("FIELDVAULT_TEST_POSTGRES_PASSWORD", ""));
    config.setMaximumPoolSize(4);
    hikari = new HikariDataSource(config);
    try (Connection c = hikari.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS jw_bench_plain");
      st.execute("DROP TABLE IF EXISTS jw_bench_enc");
      st.execute("CREATE TABLE jw_bench_plain (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200),"
          + " ssn VARCHAR(100))");
      st.execute("CREATE TABLE jw_bench_enc (id BIGINT PRIMARY KEY, name VARCHAR(100), email BYTEA, ssn BYTEA)");
      st.execute("INSERT INTO jw_bench_plain (id, name, email, ssn) VALUES (1, 'Ann', 'ann@example.com', '123')");
    }
    EncryptedColumns columns = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("jw_bench_enc", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build())
        .add(EncryptedColumn.builder("jw_bench_enc", "ssn", String.class).rowIdColumn("id").build())
        .build();
    wrapped = EncryptingDataSource.wrap(hikari, FieldCipher.create(Keyring.generate("jw-bench")), columns);
  }

  @TearDown
  public void tearDown() throws SQLException {
    try (Connection c = hikari.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS jw_bench_plain");
      st.execute("DROP TABLE IF EXISTS jw_bench_enc");
    }
    hikari.close();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private static String select(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_PLAIN)) {
      ps.setLong(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1) + rs.getString(2);
      }
    }
  }

  private String insertSelect(DataSource ds, String insert, String select) throws SQLException {
    long id = ids.incrementAndGet();
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        ps.setLong(1, id);
        ps.setString(2, "name" + id);
        ps.setString(3, "user" + id + "@example.com");
        ps.setString(4, "ssn-" + id);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(select)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString("email") + rs.getString("ssn");
        }
      }
    }
  }

  @Benchmark
  public String passThrough_rawHikari() throws SQLException {
    return select(hikari);
  }

  @Benchmark
  public String passThrough_wrapped() throws SQLException {
    return select(wrapped);
  }

  @Benchmark
  public String insertSelect_plainColumns_rawHikari() throws SQLException {
    return insertSelect(hikari, INSERT_PLAIN, "SELECT id, name, email, ssn FROM jw_bench_plain WHERE id = ?");
  }

  /** Control: the plain table through the wrapper, to tell the wrapper's cost from the crypto's. */
  @Benchmark
  public String insertSelect_plainColumns_wrapped() throws SQLException {
    return insertSelect(wrapped, INSERT_PLAIN, "SELECT id, name, email, ssn FROM jw_bench_plain WHERE id = ?");
  }

  @Benchmark
  public String insertSelect_encryptedColumns_wrapped() throws SQLException {
    return insertSelect(wrapped, INSERT_ENC, SELECT_ENC);
  }
}
