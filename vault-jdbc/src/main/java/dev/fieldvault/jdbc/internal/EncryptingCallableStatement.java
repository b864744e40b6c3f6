package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A call of a procedure: without arguments, or declared with {@code EncryptedProcedure}. The
 * declared encrypted parameters are held back and encrypted (under the primary key, with their
 * column's context) just before the call runs or joins a batch; the declared result columns are
 * decrypted. A parameter set by name on a call that has encrypted parameters is refused, since
 * the wrapper maps parameters by position.
 */
final class EncryptingCallableStatement extends DelegatingCallableStatement {

  private static final Object UNSET = new Object();

  private final Connection connection;
  private final JdbcEncryption encryption;
  private final StatementPlan plan;
  private final Object[] values;

  EncryptingCallableStatement(CallableStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan) {
    super(delegate, plan.intercepts());
    this.connection = connection;
    this.encryption = encryption;
    this.plan = plan;
    this.values = new Object[plan.params.length];
    Arrays.fill(values, UNSET);
  }

  @Override
  protected boolean intercept(int index, Object value, String setter) throws SQLException {
    if (index <= 0 || index >= plan.params.length || plan.params[index] == null) {
      return false;
    }
    values[index] = EncryptingPreparedStatement.checkedSetter(index, plan.params[index], setter, value);
    return true;
  }

  @Override
  protected void interceptNamed(String parameterName, String setter) throws SQLException {
    throw new StatementRefusedException("This call has encrypted parameters, which FieldVault maps by position:"
        + " set parameter " + parameterName + " by its index (" + setter + "(int, ...)), not by name");
  }

  private void bindEncrypted() throws SQLException {
    for (int i = 1; i < values.length; i++) {
      if (values[i] != UNSET) {
        EncryptingPreparedStatement.setStored(delegate, i, plan.params[i],
            encryption.stored(plan.params[i], values[i], null));
      }
    }
  }

  @Override
  public void clearParameters() throws SQLException {
    Arrays.fill(values, UNSET);
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
