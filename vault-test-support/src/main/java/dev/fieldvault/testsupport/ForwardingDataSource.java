package dev.fieldvault.testsupport;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that hands out its target's connections through {@link #wrap} (tests that watch,
 * count or break them); everything else goes to the target.
 */
public abstract class ForwardingDataSource implements DataSource {

  /** Makes the connection a caller gets out of one of the target's. */
  @FunctionalInterface
  public interface ConnectionWrapper {
    Connection apply(Connection c) throws SQLException;
  }

  private final DataSource target;

  protected ForwardingDataSource(DataSource target) {
    this.target = target;
  }

  /** A data source handing out {@code each.apply} of every connection of {@code target}. */
  public static DataSource of(DataSource target, ConnectionWrapper each) {
    return new ForwardingDataSource(target) {
      @Override
      protected Connection wrap(Connection c) throws SQLException {
        return each.apply(c);
      }
    };
  }

  /** The connection the caller gets for one of the target's. */
  protected abstract Connection wrap(Connection c) throws SQLException;

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(target.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return wrap(target.getConnection(user, password));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
