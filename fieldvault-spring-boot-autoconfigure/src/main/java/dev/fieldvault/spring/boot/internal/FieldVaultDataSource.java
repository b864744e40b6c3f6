package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.EncryptingDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The application's DataSource bean when {@code fieldvault.jdbc.enabled}: FieldVault's JDBC wrapper
 * around the application's pool (kept as it is, HikariCP included). Its columns are known only once
 * every EntityManagerFactory has started (they come from the {@code @Encrypted} mapping), so until the
 * application context has started it refuses connections (fail closed: a plain value must never
 * reach an encrypted column); Hibernate, Liquibase and FieldVault's own tables use the pool directly.
 * Inside a Spring transaction it wraps the transaction's connection, so JdbcTemplate and JPA share it.
 * {@code unwrap} never hands out the pool.
 */
public final class FieldVaultDataSource implements DataSource {

  private final DataSource pool;
  private final String beanName;
  private volatile EncryptingDataSource delegate;
  private volatile Supplier<EncryptingDataSource> factory;

  FieldVaultDataSource(DataSource pool, String beanName) {
    this.pool = pool;
    this.beanName = beanName;
  }

  /** The pool itself, for FieldVault's own tables, Hibernate and Liquibase. */
  public DataSource unencrypted() {
    return pool;
  }

  /** The pool under a DataSource that may be FieldVault's wrapper. */
  public static DataSource unencrypted(DataSource ds) {
    return ds instanceof FieldVaultDataSource f ? f.pool : ds;
  }

  /** Builds the wrapper now (the application context has started). */
  void start(Supplier<EncryptingDataSource> factory) {
    this.factory = factory;
    this.delegate = factory.get();
  }

  private EncryptingDataSource delegate() throws SQLException {
    EncryptingDataSource d = delegate;
    if (d == null) {
      throw new SQLException("FieldVault's JDBC wrapper (fieldvault.jdbc.enabled) around the DataSource '" + beanName
          + "' serves connections only once the application context has started, when the @Encrypted columns are"
          + " known; during start-up use the EntityManager, Liquibase (which use the pool directly), or seed"
          + " encrypted values with the CLI's `fieldvault seed`", "08003");
    }
    return d;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return delegate().getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return delegate().getConnection(username, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("FieldVault's JDBC wrapper does not hand out the pool it wraps (" + iface.getName() + ")");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "FieldVaultDataSource{" + beanName + ", " + (delegate == null ? "not started" : delegate.columns()) + "}";
  }
}
