package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.PreEncrypted;
import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.MalformedCiphertextException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Objects;

/**
 * The parameter encryption shared by {@link EncryptingPreparedStatement} and
 * {@link EncryptingCallableStatement}: the values a statement holds back for its planned
 * parameters (by 1-based index) until it runs, which setters may carry an encrypted column's value,
 * the stored form (ciphertext, blind index, base64 text) of each held value, and how that form is
 * bound. This is the wrapper's hot path: holding a value and binding a stored form allocate nothing.
 * Not thread-safe, like the statement that owns it.
 */
final class HeldParameters {

  /** The value of a parameter that was not set (null is a value: SQL NULL). */
  static final Object UNSET = new Object();

  private final ParamTarget[] targets;
  /** The held values by index (index 0 unused); {@link #UNSET} where none was set. */
  final Object[] values;

  HeldParameters(ParamTarget[] targets) {
    this.targets = targets;
    this.values = new Object[targets.length];
    Arrays.fill(values, UNSET);
  }

  /**
   * Holds a setter's value if the parameter is planned. Returns whether the statement takes the call
   * over (the driver must not see the plaintext): true for the value of an encrypted or blind-index
   * column; false for an unplanned parameter, and for a row id, which is held and passed through.
   *
   * @throws StatementRefusedException when the setter cannot carry an encrypted column's value, or
   *     a {@link PreEncrypted} value is not a FieldVault ciphertext
   */
  boolean hold(int index, Object value, String setter) throws SQLException {
    if (index <= 0 || index >= targets.length || targets[index] == null) {
      return false;
    }
    ParamTarget t = targets[index];
    if (t.kind == ParamTarget.Kind.ROW_ID) {
      values[index] = value;
      return false;
    }
    values[index] = checkedSetter(index, t, setter, value);
    return true;
  }

  /** Forgets every held value. */
  void clear() {
    Arrays.fill(values, UNSET);
  }

  /** The value of a setter that can take an encrypted column's value; a refusal for the others. */
  private static Object checkedSetter(int index, ParamTarget t, String setter, Object value) throws SQLException {
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
        if (value instanceof PreEncrypted) {
          try {
            CiphertextHeader.parse(((PreEncrypted) value).ciphertext());
          } catch (MalformedCiphertextException e) {
            throw new StatementRefusedException("Parameter " + index + " (" + t.column.qualifiedName() + ") is bound"
                + " to a PreEncrypted value that is not a FieldVault ciphertext; it was not bound. Pass the bytes"
                + " FieldEncryptor.encrypt returned, or bind the plaintext", e);
          }
        }
        return value;
      default:
        throw new StatementRefusedException("Parameter " + index + " is bound to " + (t.blindIndex()
            ? "the blind index of " : "") + "encrypted column "
            + t.column.qualifiedName() + ", which cannot take a value through " + setter
            + ": bind it with setObject, setString or setBytes");
    }
  }

  /**
   * The stored form of the value held at {@code i} in {@code held} (these values, or a pending batch
   * row's): a list of them, one per readable key, for a searched parameter; {@link #UNSET} when there
   * is nothing to bind (not set, not planned, or a row id, which the driver already has).
   */
  Object stored(int i, Object[] held, JdbcEncryption encryption) throws SQLException {
    ParamTarget t = targets[i];
    if (t != null && t.valueParameter > 0) {
      return blindIndexOfValue(t, held, i, encryption);
    } else if (t == null || t.kind == ParamTarget.Kind.ROW_ID || held[i] == UNSET) {
      return UNSET;
    } else if (t.searches()) {
      return encryption.searched(t, held[i]);
    } else {
      return encryption.stored(t, held[i], rowId(t, held, i));
    }
  }

  /**
   * A written blind index: the wrapper computes it from the value bound to its encrypted column in
   * the same row, so it cannot go stale; a different value bound to the blind index itself is refused.
   */
  private static Object blindIndexOfValue(ParamTarget t, Object[] held, int i, JdbcEncryption encryption)
      throws SQLException {
    Object value = held[t.valueParameter];
    if (value == UNSET || value instanceof PreEncrypted) {
      // the plaintext is not known here: the blind index is computed from what was bound to it
      return held[i] == UNSET ? UNSET : encryption.stored(t, held[i], null);
    }
    Object filled = encryption.stored(t, value, null);
    if (held[i] != UNSET && !Objects.deepEquals(filled, encryption.stored(t, held[i], null))) {
      throw new StatementRefusedException("Parameter " + i + " (blind-index column " + t.column.blindIndexColumn()
          + " of " + t.column.qualifiedName() + ") is bound to another value than parameter " + t.valueParameter
          + " (" + t.column.column() + "); the wrapper fills the blind index from the column's value, so that it"
          + " never goes stale. Bind the same value to both, or leave the blind-index parameter unset");
    }
    return filled;
  }

  private static Object rowId(ParamTarget t, Object[] held, int i) throws SQLException {
    if (t.kind != ParamTarget.Kind.VALUE || t.column.rowIdColumn() == null || held[i] == null) {
      return null;
    }
    Object rowId = t.rowIdParameter > 0 ? held[t.rowIdParameter] : t.rowIdLiteral;
    if (rowId == UNSET || rowId == null) {
      // nothing reached the database: a ciphertext bound to no row could never be read back
      String id = t.rowIdParameter > 0 ? "parameter " + t.rowIdParameter + " (" + t.column.rowIdColumn() + ")"
          : "the row id " + t.column.rowIdColumn();
      throw new StatementRefusedException("Encrypted column " + t.column.qualifiedName() + " is bound to its row's id,"
          + " but " + id + (rowId == null ? " is null" : " is not bound") + ": bind the row's id (not null)"
          + " before executing");
    }
    return rowId;
  }

  /** Binds the stored form (ciphertext, blind index, base64 text, or null) of a held value at {@code at}. */
  static void bind(PreparedStatement delegate, int at, ParamTarget t, Object stored) throws SQLException {
    if (stored == null) {
      delegate.setNull(at, t.column.storage() == ColumnStorage.TEXT ? Types.VARCHAR : Types.VARBINARY);
    } else if (stored instanceof String) {
      delegate.setString(at, (String) stored);
    } else {
      delegate.setBytes(at, (byte[]) stored);
    }
  }
}
