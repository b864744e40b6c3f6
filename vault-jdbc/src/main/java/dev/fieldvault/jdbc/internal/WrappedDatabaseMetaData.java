package dev.fieldvault.jdbc.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;

/** Database metadata whose back reference is the wrapping connection. */
final class WrappedDatabaseMetaData extends DelegatingDatabaseMetaData {

  private final Connection connection;

  WrappedDatabaseMetaData(DatabaseMetaData delegate, Connection connection) {
    super(delegate);
    this.connection = connection;
  }

  @Override
  protected ResultSet wrapResultSet(ResultSet rs) {
    return rs == null ? null : new EncryptingResultSet(rs, null, null, java.util.Map.of());
  }

  @Override
  public Connection getConnection() {
    return connection;
  }
}
