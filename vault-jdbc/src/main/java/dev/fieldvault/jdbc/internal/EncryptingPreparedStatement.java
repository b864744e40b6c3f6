package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * A prepared statement whose parameters bound to encrypted columns are held back, and encrypted
 * (for their row, when row-bound) just before the statement runs or joins a batch. Other
 * parameters go straight to the driver.
 */
final class EncryptingPreparedStatement extends DelegatingPreparedStatement {

  private static final Object UNSET = new Object();

  private final Connection connection;
  private final JdbcEncryption encryption;
  private final StatementPlan plan;
  private final Object[] values;

  EncryptingPreparedStatement(PreparedStatement delegate, Connection connection, JdbcEncryption encryption,
      StatementPlan plan) {
    super(delegate, plan.intercepts());
    this.connection = connection;
    this.encryption = encryption;
    this.plan = plan;
    this.values = plan.intercepts() ? new Object[plan.params.length] : null;
    if (values != null) {
      Arrays.fill(values, UNSET);
    }
  }

  @Override
  protected boolean intercept(int index, Object value, String setter) throws SQLException {
    if (index <= 0 || index >= plan.params.length || plan.params[index] == null) {
      return false;
    }
    ParamTarget t = plan.params[index];
    if (t.kind == ParamTarget.Kind.ROW_ID) {
      values[index] = value;
      return false;
    }
    switch (setter) {
      case "setNull":
      case "setBoolean":
      case "setByte":
      case "setShort":
      case "setInt":
      case "setLong":
      case "setFloat":
      case "setDouble":
      case "setBigDecimal":
      case "setString":
      case "setNString":
      case "setBytes":
      case "setDate":
      case "setTime":
      case "setTimestamp":
      case "setObject":
        values[index] = value;
        return true;
      default:
        throw new StatementRefusedException("Parameter " + index + " is bound to " + (t.kind
            == ParamTarget.Kind.BLIND_INDEX ? "the blind index of " : "") + "encrypted column "
            + t.column.qualifiedName() + ", which cannot take a value through " + setter
            + ": bind it with setObject, setString or setBytes");
    }
  }

  /** Encrypts the held-back values and binds them to the driver's statement. */
  private void bindEncrypted() throws SQLException {
    if (values == null) {
      return;
    }
    for (int i = 1; i < values.length; i++) {
      ParamTarget t = plan.params[i];
      if (t == null || t.kind == ParamTarget.Kind.ROW_ID || values[i] == UNSET) {
        continue;
      }
      Object rowId = null;
      if (t.kind == ParamTarget.Kind.VALUE && t.column.rowIdColumn() != null && values[i] != null) {
        rowId = t.rowIdParameter > 0 ? values[t.rowIdParameter] : t.rowIdLiteral;
        if (rowId == UNSET || rowId == null) {
          throw new SQLException("Encrypted column " + t.column.qualifiedName() + " is bound to its row's id:"
              + " bind parameter " + t.rowIdParameter + " (" + t.column.rowIdColumn() + ") before executing");
        }
      }
      Object stored = encryption.stored(t, values[i], rowId);
      if (stored == null) {
        delegate.setNull(i, t.column.storage() == dev.fieldvault.jdbc.ColumnStorage.TEXT ? Types.VARCHAR
            : Types.VARBINARY);
      } else if (stored instanceof String) {
        delegate.setString(i, (String) stored);
      } else {
        delegate.setBytes(i, (byte[]) stored);
      }
    }
  }

  @Override
  public void clearParameters() throws SQLException {
    if (values != null) {
      Arrays.fill(values, UNSET);
    }
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
  public ResultSet getGeneratedKeys() throws SQLException {
    ResultSet rs = delegate.getGeneratedKeys();
    return rs == null ? null : new EncryptingResultSet(rs, this, encryption, plan.generatedKeys);
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  // SQL given to a prepared statement's Statement methods is checked like a plain statement's.

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
    return new EncryptingResultSet(delegate.executeQuery(sql), this, encryption, encryption.plan(sql).read);
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
    return delegate.execute(sql);
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
    return delegate.executeUpdate(sql);
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    encryption.plan(sql).checkAllowedInline();
    delegate.addBatch(sql);
  }

  @Override
  public String toString() {
    return "EncryptingPreparedStatement{" + delegate + "}";
  }
}
