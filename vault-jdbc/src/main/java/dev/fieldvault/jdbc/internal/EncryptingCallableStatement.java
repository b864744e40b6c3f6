package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A call of a procedure: without arguments, or declared with {@code EncryptedProcedure}. The
 * declared encrypted parameters are held back and encrypted (under the primary key, with their
 * column's context) just before the call runs or joins a batch; the declared result columns are
 * decrypted. A parameter set by name on a call that has encrypted parameters is refused, since
 * the wrapper maps parameters by position. The held values and their encryption are
 * {@link HeldParameters}, shared with {@link EncryptingPreparedStatement}.
 */
final class EncryptingCallableStatement extends DelegatingCallableStatement {

  private final Connection connection;
  private final JdbcEncryption encryption;
  private final StatementPlan plan;
  private final HeldParameters held;

  EncryptingCallableStatement(CallableStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan) {
    super(delegate, plan.intercepts());
    this.connection = connection;
    this.encryption = encryption;
    this.plan = plan;
    this.held = new HeldParameters(plan.params);
  }

  @Override
  protected boolean intercept(int index, Object value, String setter) throws SQLException {
    return held.hold(index, value, setter);
  }

  @Override
  protected void interceptNamed(String parameterName, String setter) throws SQLException {
    throw new StatementRefusedException("This call has encrypted parameters, which FieldVault maps by position:"
        + " set parameter " + parameterName + " by its index (" + setter + "(int, ...)), not by name");
  }

  /** Encrypts the held-back values and binds them, one by one (a call's plan has no search to expand). */
  private void bindEncrypted() throws SQLException {
    for (int i = 1; i < held.values.length; i++) {
      Object stored = held.stored(i, held.values, encryption);
      if (stored != HeldParameters.UNSET) {
        HeldParameters.bind(delegate, i, plan.params[i], stored);
      }
    }
  }

  @Override
  public void clearParameters() throws SQLException {
    held.clear();
    delegate.clearParameters();
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    bindEncrypted();
    return wrapResultSet(delegate.executeQuery());
  }

  @Override
  public int executeUpdate() throws SQLException {
    bindEncrypted();
    return delegate.executeUpdate();
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    bindEncrypted();
    return delegate.executeLargeUpdate();
  }

  @Override
  public boolean execute() throws SQLException {
    bindEncrypted();
    return delegate.execute();
  }

  @Override
  public void addBatch() throws SQLException {
    bindEncrypted();
    delegate.addBatch();
  }

  @Override
  protected ResultSet wrapResultSet(ResultSet rs) {
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, plan.read);
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  // SQL given to the Statement methods is checked like a plain statement's.

  @Override
  protected void checkSql(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    StatementPlan other = encryption.plan(sql);
    other.checkAllowedInline();
    ResultSet rs = delegate.executeQuery(sql);
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, other.read);
  }

  @Override
  public String toString() {
    return "EncryptingCallableStatement{" + delegate + "}";
  }
}
