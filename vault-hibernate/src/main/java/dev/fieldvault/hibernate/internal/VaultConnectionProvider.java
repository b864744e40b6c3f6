package dev.fieldvault.hibernate.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.connections.internal.ConnectionProviderInitiator;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;
import org.hibernate.service.spi.Configurable;
import org.hibernate.service.spi.ServiceRegistryAwareService;
import org.hibernate.service.spi.ServiceRegistryImplementor;
import org.hibernate.service.spi.Startable;
import org.hibernate.service.spi.Stoppable;

/**
 * Wraps whatever connection provider Hibernate configured, so that statements can be prepared by
 * {@link SearchingStatements} once the integrator has attached the vault. Lifecycle calls go to the
 * wrapped provider; connections handed back are unwrapped first.
 */
final class VaultConnectionProvider
    implements ConnectionProvider, Configurable, ServiceRegistryAwareService, Startable, Stoppable {

  private static final long serialVersionUID = 1L;

  private final ConnectionProvider delegate;
  private volatile VaultRuntime runtime;

  VaultConnectionProvider(ConnectionProvider delegate) {
    this.delegate = delegate;
  }

  void attach(VaultRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = delegate.getConnection();
    VaultRuntime r = runtime;
    return r == null || !r.hasDeterministicColumns() ? c : SearchingStatements.wrap(c, r);
  }

  @Override
  public void closeConnection(Connection connection) throws SQLException {
    delegate.closeConnection(SearchingStatements.unwrap(connection));
  }

  @Override
  public boolean supportsAggressiveRelease() {
    return delegate.supportsAggressiveRelease();
  }

  @Override
  public DatabaseConnectionInfo getDatabaseConnectionInfo(Dialect dialect) {
    return delegate.getDatabaseConnectionInfo(dialect);
  }

  /** Hibernate 7 (absent from 6.6, hence forwarded by name). */
  public boolean handlesConnectionSchema() {
    return delegateFlag("handlesConnectionSchema");
  }

  /** Hibernate 7 (absent from 6.6, hence forwarded by name). */
  public boolean handlesConnectionReadOnly() {
    return delegateFlag("handlesConnectionReadOnly");
  }

  private boolean delegateFlag(String method) {
    try {
      return (Boolean) delegate.getClass().getMethod(method).invoke(delegate);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return false;
    }
  }

  @Override
  public boolean isUnwrappableAs(Class<?> type) {
    return type.isInstance(this) || delegate.isUnwrappableAs(type);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
  }

  @Override
  public void configure(Map<String, Object> settings) {
    if (delegate instanceof Configurable) {
      ((Configurable) delegate).configure(settings);
    }
  }

  @Override
  public void injectServices(ServiceRegistryImplementor registry) {
    if (delegate instanceof ServiceRegistryAwareService) {
      ((ServiceRegistryAwareService) delegate).injectServices(registry);
    }
  }

  @Override
  public void start() {
    if (delegate instanceof Startable) {
      ((Startable) delegate).start();
    }
  }

  @Override
  public void stop() {
    if (delegate instanceof Stoppable) {
      ((Stoppable) delegate).stop();
    }
  }

  /** Replaces Hibernate's connection-provider initiator with one that wraps its result. */
  static final class Initiator extends ConnectionProviderInitiator {
    @Override
    public ConnectionProvider initiateService(Map<String, Object> settings, ServiceRegistryImplementor registry) {
      ConnectionProvider p = super.initiateService(settings, registry);
      return p == null ? null : new VaultConnectionProvider(p);
    }
  }
}
