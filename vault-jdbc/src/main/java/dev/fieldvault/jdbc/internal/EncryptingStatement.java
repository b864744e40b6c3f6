package dev.fieldvault.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A plain statement: SQL with inline values. Any value of an encrypted column would be plaintext
 * in the SQL text, so such statements are refused; queries still have their results decrypted.
 */
final class EncryptingStatement extends DelegatingStatement {

  private final Connection connection;
  private final JdbcEncryption encryption;
  private Map<String, ReadColumn> lastRead = Map.of();
  private Map<String, ReadColumn> lastGenerated = Map.of();

  EncryptingStatement(Statement delegate, Connection connection, JdbcEncryption encryption) {
    super(delegate);
    this.connection = connection;
    this.encryption = encryption;
  }

  private void check(String sql) throws SQLException {
    StatementPlan plan = encryption.plan(sql);
    plan.checkAllowedInline();
    lastRead = plan.read;
    lastGenerated = plan.generatedKeys;
  }

  @Override
  protected ResultSet wrapResultSet(ResultSet rs) {
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, lastRead);
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    ResultSet rs = delegate.getGeneratedKeys();
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, lastGenerated);
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    check(sql);
    return wrapResultSet(delegate.executeQuery(sql));
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    check(sql);
    return delegate.execute(sql);
  }

  @Override
  public boolean execute(String sql, int a1) throws SQLException {
    check(sql);
    return delegate.execute(sql, a1);
  }

  @Override
  public boolean execute(String sql, int[] a1) throws SQLException {
    check(sql);
    return delegate.execute(sql, a1);
  }

  @Override
  public boolean execute(String sql, String[] a1) throws SQLException {
    check(sql);
    return delegate.execute(sql, a1);
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    check(sql);
    return delegate.executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, int a1) throws SQLException {
    check(sql);
    return delegate.executeUpdate(sql, a1);
  }

  @Override
  public int executeUpdate(String sql, int[] a1) throws SQLException {
    check(sql);
    return delegate.executeUpdate(sql, a1);
  }

  @Override
  public int executeUpdate(String sql, String[] a1) throws SQLException {
    check(sql);
    return delegate.executeUpdate(sql, a1);
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    check(sql);
    return delegate.executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int a1) throws SQLException {
    check(sql);
    return delegate.executeLargeUpdate(sql, a1);
  }

  @Override
  public long executeLargeUpdate(String sql, int[] a1) throws SQLException {
    check(sql);
    return delegate.executeLargeUpdate(sql, a1);
  }

  @Override
  public long executeLargeUpdate(String sql, String[] a1) throws SQLException {
    check(sql);
    return delegate.executeLargeUpdate(sql, a1);
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
    delegate.addBatch(sql);
  }

  @Override
  public String toString() {
    return "EncryptingStatement{" + delegate + "}";
  }
}
