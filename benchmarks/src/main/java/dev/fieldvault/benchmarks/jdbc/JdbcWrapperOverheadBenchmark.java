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
 * The wrapper's own cost on a statement with no encrypted column, against an in-memory H2
 * database behind HikariCP: with a database this fast (a few microseconds per query) the
 * difference between raw and wrapped is the wrapper's overhead, which on a networked database
 * (PostgreSQL, {@link JdbcWrapperBenchmark}) is a far smaller share of each statement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdbcWrapperOverheadBenchmark {

  private static final String SELECT = "SELECT name, email FROM jw_bench_plain WHERE id = ?";

  private HikariDataSource hikari;
  private DataSource wrapped;

  @Setup
  public void setUp() throws SQLException {
    HikariConfig config = new HikariConfig();
    // its own in-memory database: smoke runs (-f 0) run every benchmark in one JVM
    config.setJdbcUrl("jdbc:h2:mem:jwoverhead;DB_CLOSE_DELAY=-1");
    config.setUsername("sa");
    config.setMaximumPoolSize(2);
    hikari = new HikariDataSource(config);
    try (Connection c = hikari.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS jw_bench_plain");
      st.execute("DROP TABLE IF EXISTS jw_bench_enc");
      st.execute("CREATE TABLE jw_bench_plain (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200))");
      st.execute("CREATE TABLE jw_bench_enc (id BIGINT PRIMARY KEY, email VARBINARY(200))");
      st.execute("INSERT INTO jw_bench_plain (id, name, email) VALUES (1, 'Ann', 'ann@example.com')");
    }
    EncryptedColumns columns = EncryptedColumns.builder()
        .add(EncryptedColumn.builder("jw_bench_enc", "email", String.class).mode(EncryptionMode.DETERMINISTIC).build())
        .build();
    wrapped = EncryptingDataSource.wrap(hikari, FieldCipher.create(Keyring.generate("jw-bench")), columns);
  }

  @TearDown
  public void tearDown() {
    hikari.close();
  }

  private static String select(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setLong(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1) + rs.getString(2);
      }
    }
  }

  @Benchmark
  public String h2PassThrough_rawHikari() throws SQLException {
    return select(hikari);
  }

  @Benchmark
  public String h2PassThrough_wrapped() throws SQLException {
    return select(wrapped);
  }
}
