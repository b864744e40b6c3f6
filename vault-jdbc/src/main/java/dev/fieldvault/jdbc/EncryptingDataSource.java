package dev.fieldvault.jdbc;

import dev.fieldvault.jdbc.internal.JdbcEncryption;
import dev.fieldvault.jdbc.internal.Unwrapping;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that encrypts the configured {@link EncryptedColumns} on the way in and
 * decrypts them on the way out. Wrap your pool (HikariCP or any other data source) once:
 *
 * <pre>{@code
 * DataSource ds = EncryptingDataSource.wrap(hikari, FieldCipher.create(keyring), columns);
 * }</pre>
 *
 * <ul>
 *   <li>Parameters of a {@code PreparedStatement} bound to an encrypted column (in INSERT, also
 *       multi-row and INSERT ... SELECT, UPDATE ... SET, ON CONFLICT / ON DUPLICATE KEY UPDATE, and
 *       batches) are encrypted; parameters compared with {@code =} or {@code IN} to a deterministic
 *       column are encrypted deterministically; parameters bound to a blind-index column get the
 *       blind index of the plaintext.
 *   <li>Query results: every getter of an encrypted column returns the decrypted value, whatever
 *       the alias.
 *   <li><b>Fails closed</b>: a statement that would put an encrypted column's value in the SQL text
 *       or somewhere the wrapper cannot map (a literal, an expression, a plain {@code Statement}
 *       with inline values, SQL the parser does not understand) is refused with a
 *       {@link StatementRefusedException} naming the column, before it reaches the database. So is
 *       an SQL string with more than one statement that mentions an encrypted table, dynamic SQL
 *       ({@code EXECUTE IMMEDIATE}, {@code PREPARE}/{@code EXECUTE}, {@code DO}, functions taking
 *       SQL text), and a procedure call with arguments unless the procedure is declared
 *       ({@link EncryptedProcedure}).
 *   <li>Statements that touch no encrypted column pass through untouched.
 *   <li>{@code unwrap}/{@code isWrapperFor} answer for the wrapper itself (on the data source,
 *       connections, statements and result sets) and never hand out the driver's objects.
 *   <li>Escape hatches: bind an already encrypted value with {@link PreEncrypted}; reach the
 *       unencrypted pool with {@link #unencryptedDataSource()}.
 * </ul>
 *
 * <p>Thread-safe; the JDBC objects it hands out are as thread-safe as the driver's.
 */
public final class EncryptingDataSource implements DataSource, AutoCloseable {

  /** Distinct SQL strings whose analysis is cached, by default. */
  public static final int DEFAULT_PLAN_CACHE_SIZE = 2048;

  private final DataSource delegate;
  private final JdbcEncryption encryption;

  private EncryptingDataSource(DataSource delegate, JdbcEncryption encryption) {
    this.delegate = delegate;
    this.encryption = encryption;
  }

  /**
   * Wraps a data source. Validates now that the cipher's keyring serves every column (a
   * deterministic column needs a deterministic keyset, a blind index a PRF keyset).
   *
   * @throws VaultConfigurationException naming the column that the keyring cannot serve
   */
  public static EncryptingDataSource wrap(DataSource dataSource, FieldCipher cipher, EncryptedColumns columns) {
    return wrap(dataSource, cipher, columns, DEFAULT_PLAN_CACHE_SIZE);
  }

  /** As {@link #wrap(DataSource, FieldCipher, EncryptedColumns)}, caching the analysis of up to {@code planCacheSize} SQL strings. */
  public static EncryptingDataSource wrap(DataSource dataSource, FieldCipher cipher, EncryptedColumns columns,
      int planCacheSize) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(cipher, "cipher");
    Objects.requireNonNull(columns, "columns");
    if (dataSource instanceof EncryptingDataSource) {
      throw new VaultConfigurationException("The data source is already an EncryptingDataSource: wrap the"
          + " underlying pool once");
    }
    if (planCacheSize < 1) {
      throw new VaultConfigurationException("planCacheSize must be at least 1, not " + planCacheSize);
    }
    return new EncryptingDataSource(dataSource, new JdbcEncryption(cipher, columns, planCacheSize));
  }

  /** The configured columns. */
  public EncryptedColumns columns() {
    return encryption.columns();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return encryption.wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return encryption.wrap(delegate.getConnection(username, password));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  /**
   * Receiver-first, as HikariCP: returns this data source for any interface it implements
   * ({@code DataSource}, {@code EncryptingDataSource}, {@code AutoCloseable}), and refuses every
   * other: the pool behind it would read and write plaintext. Use {@link #unencryptedDataSource()}
   * to bypass encryption on purpose.
   *
   * @throws StatementRefusedException for an interface this data source does not implement
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return Unwrapping.unwrap(this, iface);
  }

  /** Whether this data source itself is an {@code iface} (the pool behind it is never unwrapped). */
  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return Unwrapping.isWrapperFor(this, iface);
  }

  /**
   * <b>Escape hatch</b>: the data source this one wraps, unencrypted. Nothing read or written
   * through it, or through the connections and statements it hands out (also their
   * {@code unwrap}), is encrypted or decrypted: values of encrypted columns go to the database as
   * bound, and the database's ciphertext comes back. Use it for administration (migrations, the
   * rewrapper, bulk copies with {@code FieldEncryptor}) and to reach the pool itself
   * ({@code (HikariDataSource) ds.unencryptedDataSource()}); never hand it to code that writes
   * plaintext values.
   */
  public DataSource unencryptedDataSource() {
    return delegate;
  }

  /** Closes the wrapped data source when it can be closed (a pool), else does nothing. */
  @Override
  public void close() throws SQLException {
    if (delegate instanceof AutoCloseable) {
      try {
        ((AutoCloseable) delegate).close();
      } catch (SQLException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new SQLException("Closing the wrapped data source failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "EncryptingDataSource{" + delegate + ", " + encryption.columns().all().size() + " encrypted columns}";
  }
}
