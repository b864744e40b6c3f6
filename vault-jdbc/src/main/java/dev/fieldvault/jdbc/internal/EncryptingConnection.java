package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** A connection whose statements encrypt and decrypt the configured columns. */
final class EncryptingConnection extends DelegatingConnection {

  private final JdbcEncryption encryption;

  EncryptingConnection(Connection delegate, JdbcEncryption encryption) {
    super(delegate);
    this.encryption = encryption;
  }

  @Override
  public Statement createStatement() throws SQLException {
    return new EncryptingStatement(delegate.createStatement(), this, encryption);
  }

  @Override
  public Statement createStatement(int a0, int a1) throws SQLException {
    return new EncryptingStatement(delegate.createStatement(a0, a1), this, encryption);
  }

  @Override
  public Statement createStatement(int a0, int a1, int a2) throws SQLException {
    return new EncryptingStatement(delegate.createStatement(a0, a1, a2), this, encryption);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql), this, encryption, plan);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int a1) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s, a1), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql, a1), this, encryption, plan);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] a1) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s, a1), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql, a1), this, encryption, plan);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] a1) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s, a1), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql, a1), this, encryption, plan);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int a1, int a2) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s, a1, a2), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql, a1, a2), this, encryption, plan);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int a1, int a2, int a3) throws SQLException {
    StatementPlan plan = checked(sql);
    if (plan.search != null) {
      return EncryptingPreparedStatement.searching(s -> delegate.prepareStatement(s, a1, a2, a3), sql, this, encryption, plan, delegate);
    }
    return new EncryptingPreparedStatement(delegate.prepareStatement(sql, a1, a2, a3), this, encryption, plan);
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    StatementPlan plan = callable(sql);
    return new EncryptingCallableStatement(delegate.prepareCall(sql), this, encryption, plan);
  }

  @Override
  public CallableStatement prepareCall(String sql, int a1, int a2) throws SQLException {
    StatementPlan plan = callable(sql);
    return new EncryptingCallableStatement(delegate.prepareCall(sql, a1, a2), this, encryption, plan);
  }

  @Override
  public CallableStatement prepareCall(String sql, int a1, int a2, int a3) throws SQLException {
    StatementPlan plan = callable(sql);
    return new EncryptingCallableStatement(delegate.prepareCall(sql, a1, a2, a3), this, encryption, plan);
  }

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    return new WrappedDatabaseMetaData(delegate.getMetaData(), this);
  }

  private StatementPlan checked(String sql) throws SQLException {
    StatementPlan plan = encryption.plan(sql);
    plan.checkAllowed();
    return plan;
  }

  /**
   * A call's plan: a procedure call is analysed as such (refused with arguments unless declared);
   * any other statement with values of encrypted columns, or results to decrypt, belongs in
   * prepareStatement.
   */
  private StatementPlan callable(String sql) throws SQLException {
    StatementPlan plan = encryption.plan(sql);
    plan.checkAllowed();
    if (!plan.call && (plan.intercepts() || !plan.read.isEmpty() || !plan.generatedKeys.isEmpty())) {
      throw new StatementRefusedException("prepareCall is for procedure calls (CALL p(?, ...) or {call p(?, ...)});"
          + " this statement writes, searches or reads encrypted columns, which only prepareStatement encrypts and"
          + " decrypts: use prepareStatement");
    }
    return plan;
  }

  @Override
  public String toString() {
    return "EncryptingConnection{" + delegate + "}";
  }
}
