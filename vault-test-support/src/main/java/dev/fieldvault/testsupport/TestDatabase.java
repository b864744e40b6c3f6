package dev.fieldvault.testsupport;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** One reachable test database: its kind, JDBC URL and credentials, and a simple {@link DataSource}. */
public final class TestDatabase {

  private final TestDatabases.Kind kind;
  private final String url;
  private final String user;
  private final String password;

  TestDatabase(TestDatabases.Kind kind, String url, String user, String password) {
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  public TestDatabases.Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A new connection (auto-commit on). */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** A non-pooling DataSource over {@link #connect()}; wrap it in HikariCP where a pool is wanted. */
  public DataSource dataSource() {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connect();
      }

      @Override
      public Connection getConnection(String u, String p) throws SQLException {
        return DriverManager.getConnection(url, u, p);
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
          return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
      }

      @Override
      public String toString() {
        return "TestDatabase(" + kind + ")";
      }
    };
  }

  /** Drops the named tables if they exist (ignoring their absence), for a clean start. */
  public void dropTables(String... tables) throws SQLException {
    try (Connection c = connect(); var st = c.createStatement()) {
      for (String t : tables) {
        st.execute("DROP TABLE IF EXISTS " + t + (kind == TestDatabases.Kind.POSTGRES ? " CASCADE" : ""));
      }
    }
  }

  @Override
  public String toString() {
    return kind.name();
  }
}
