package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.LegacyPlaintext;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.ValueCodecException;
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
    Object stored = rc.column.storage() == ColumnStorage.TEXT ? delegate.getString(i) : delegate.getBytes(i);
    Object value;
    try {
      value = stored == null ? null : plaintext(rc.column, stored, rowId);
    } catch (FieldVaultException e) {
      // JDBC callers handle SQLException; the typed FieldVault error stays the cause. The row is named by
      // its id where the column declares its row id column (never by a value)
      throw new SQLException("Encrypted column " + rc.column.qualifiedName() + " could not be "
          + (e instanceof ValueCodecException ? "read" : "decrypted")
          + (rowId == null ? "" : " in the row whose " + rc.column.rowIdColumn() + " is " + rowId)
          + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", DECRYPTION_FAILED, e);
    }
    return Conversions.fromColumnType(value, type, rc.column, getter);
  }

  /**
   * The plaintext of a stored value (its text or bytes). A value that does not have the form of a
   * ciphertext ({@link CiphertextHeader#hasCiphertextForm}) is a legacy plaintext, read as the column's
   * type when the column is declared {@code legacyPlaintext(true)} and refused otherwise; a value that
   * has the form is decrypted, and its errors stay errors either way.
   */
  private Object plaintext(EncryptedColumn column, Object stored, Object rowId) {
    boolean ciphertext = stored instanceof String ? CiphertextHeader.hasCiphertextFormText((String) stored)
        : CiphertextHeader.hasCiphertextForm((byte[]) stored);
    if (!ciphertext) {
      if (column.legacyPlaintext()) {
        return LegacyPlaintext.parse(column.spec().codec().type(), stored);
      }
      throw new MalformedCiphertextException("The stored value is not a FieldVault ciphertext. If the column still"
          + " holds plaintext values while it is migrated to encryption, declare it with legacyPlaintext(true)");
    }
    byte[] ct = stored instanceof String ? CiphertextHeader.decodeText((String) stored) : (byte[]) stored;
    try {
      return encryption.encryptor(column).decrypt(ct, null, rowId);
    } catch (UnknownKeyVersionException e) {
      if (!column.legacyPlaintext()) {
        throw e;
      }
      throw new UnknownKeyVersionException(e.keyId(), e.getMessage() + ". While plaintext is migrated, a value"
          + " with the form of a ciphertext is read as one, never as a plaintext, so that it is not overwritten: if"
          + " it is a legacy plaintext that happens to look like a ciphertext, write the value again through the"
          + " wrapper");
    }
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
