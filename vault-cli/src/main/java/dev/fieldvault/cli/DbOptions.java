package dev.fieldvault.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** Which database a command works on. The password comes from an environment variable, never argv. */
final class DbOptions {

  @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
      description = "The database (jdbc:postgresql:..., jdbc:mariadb:..., jdbc:h2:...).")
  String url;

  @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user.")
  String user;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Environment variable holding the database password.")
  String passwordEnv;

  /** A DataSource over DriverManager (the tool runs one job: no pool needed); checked by one connection. */
  DataSource dataSource(Function<String, String> env) {
    String password = "";
    if (passwordEnv != null) {
      password = env.apply(passwordEnv);
      if (password == null) {
        throw new CliException(passwordEnv + " is not set: it must hold the database password");
      }
    }
    DataSource ds = new DriverDataSource(url, user, password);
    try (Connection c = ds.getConnection()) {
      c.isValid(5);
    } catch (SQLException e) {
      // the driver's message may quote the URL, or pieces of it cut where the driver misread it
      // (a password as "port value"): the URL, the password and every secret part of the URL are masked
      List<String> secrets = new ArrayList<>(Redaction.urlSecrets(url));
      secrets.add(password);
      secrets.add(url);
      secrets.sort(Comparator.comparingInt(String::length).reversed());
      throw new CliException("cannot connect to " + Redaction.jdbcUrl(url) + ": "
          + Redaction.scrub(e.getMessage(), secrets));
    }
    return ds;
  }

  /** Connections from DriverManager. Its {@code toString()} shows the URL redacted, never the password. */
  record DriverDataSource(String url, String user, String password) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url, user, password);
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
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }

    @Override
    public String toString() {
      return "DriverDataSource[url=" + Redaction.jdbcUrl(url) + ", user=" + user + ", password="
          + (password == null || password.isEmpty() ? "<none>" : Redaction.MASK) + "]";
    }
  }
}
