package dev.fieldvault.jdbc.internal;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;

/**
 * A callable statement: the procedure's body is invisible to the wrapper, so nothing is encrypted;
 * calls that mention an encrypted table are refused by the connection. Results and back
 * references are wrapped.
 */
final class PassThroughCallableStatement extends DelegatingCallableStatement {

  private final Connection connection;

  PassThroughCallableStatement(CallableStatement delegate, Connection connection) {
    super(delegate, false);
    this.connection = connection;
  }

  @Override
  protected ResultSet wrapResultSet(ResultSet rs) {
    return rs == null ? null : new EncryptingResultSet(rs, this, null, java.util.Map.of());
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  @Override
  public String toString() {
    return "PassThroughCallableStatement{" + delegate + "}";
  }
}
