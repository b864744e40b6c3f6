package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.FieldVaultException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A result set whose encrypted columns (found through the parsed query's labels matched against
 * the result's metadata) are decrypted by every getter, and cannot be updated in place.
 */
final class EncryptingResultSet extends DelegatingResultSet {

  /** SQLState of a value that cannot be decrypted: data exception. */
  static final String DECRYPTION_FAILED = "22000";

  private final Statement statement;
  private final JdbcEncryption encryption;
  private final Map<String, ReadColumn> plan;
  private ReadColumn[] columns;
  private int[] rowIdIndex;
  private Map<String, Integer> encryptedByLabel;

  EncryptingResultSet(ResultSet delegate, Statement statement, JdbcEncryption encryption,
      Map<String, ReadColumn> plan) {
    super(delegate, encryption != null && !plan.isEmpty());
    this.statement = statement;
    this.encryption = encryption;
    this.plan = plan;
  }

  private void resolve() throws SQLException {
    ResultSetMetaData md = delegate.getMetaData();
    int n = md.getColumnCount();
    ReadColumn[] cols = new ReadColumn[n + 1];
    Map<String, Integer> all = new HashMap<>();
    for (int i = 1; i <= n; i++) {
      all.putIfAbsent(SqlNames.key(md.getColumnLabel(i)), i);
    }
    Map<String, Integer> enc = new HashMap<>();
    int[] rowIds = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      String label = SqlNames.key(md.getColumnLabel(i));
      ReadColumn rc = plan.get(label);
      if (rc != null) {
        cols[i] = rc;
        enc.putIfAbsent(label, i);
        rowIds[i] = rc.rowIdLabel == null ? 0 : all.getOrDefault(rc.rowIdLabel, 0);
      }
    }
    this.rowIdIndex = rowIds;
    this.encryptedByLabel = enc;
    this.columns = cols;
  }

  @Override
  protected int encryptedIndex(int columnIndex) throws SQLException {
    if (columns == null) {
      resolve();
    }
    return columnIndex > 0 && columnIndex < columns.length && columns[columnIndex] != null ? columnIndex : 0;
  }

  @Override
  protected int encryptedIndex(String columnLabel) throws SQLException {
    if (columns == null) {
      resolve();
    }
    Integer i = encryptedByLabel.get(SqlNames.key(columnLabel));
    return i == null ? 0 : i;
  }

  @Override
  protected Object readEncrypted(int i, Class<?> type, String getter) throws SQLException {
    ReadColumn rc = columns[i];
    Object rowId = null;
    if (rc.column.rowIdColumn() != null) {
      if (rowIdIndex[i] == 0) {
        throw new SQLException("Encrypted column " + rc.column.qualifiedName() + " is bound to its row's id:"
            + " select " + rc.column.rowIdColumn() + " in the same query to read it");
      }
      rowId = delegate.getObject(rowIdIndex[i]);
    }
    Object value;
    try {
      byte[] ciphertext;
      if (rc.column.storage() == ColumnStorage.TEXT) {
        String text = delegate.getString(i);
        ciphertext = text == null ? null : CiphertextHeader.decodeText(text);
      } else {
        ciphertext = delegate.getBytes(i);
      }
      value = ciphertext == null ? null : encryption.encryptor(rc.column).decrypt(ciphertext, null, rowId);
    } catch (FieldVaultException e) {
      // JDBC callers handle SQLException; the typed FieldVault error stays the cause
      throw new SQLException("Encrypted column " + rc.column.qualifiedName() + " could not be decrypted ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", DECRYPTION_FAILED, e);
    }
    return Conversions.fromColumnType(value, type, rc.column, getter);
  }

  @Override
  protected SQLException refuseUpdate(int columnIndex) {
    return new StatementRefusedException("Encrypted column " + columns[columnIndex].column.qualifiedName()
        + " cannot be updated through the result set: use UPDATE ... SET column = ? with a PreparedStatement");
  }

  @Override
  public Statement getStatement() throws SQLException {
    return statement;
  }

  @Override
  public String toString() {
    return "EncryptingResultSet{" + delegate + "}";
  }
}
