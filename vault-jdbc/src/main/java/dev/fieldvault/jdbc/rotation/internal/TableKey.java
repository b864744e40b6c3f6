package dev.fieldvault.jdbc.rotation.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary key of a table as the rewrapper walks it: one to four columns, each with its own
 * {@link KeyCodec}. A key value is an immutable list with one element per column, compared in
 * column order. Builds the portable keyset-pagination predicates (the expanded
 * {@code (a > ?) OR (a = ? AND b > ?)} form rather than row values, which MariaDB does not use
 * indexes for) and the text form stored in the work table: a single-column key as its plain text
 * (as before composite keys), a composite key as a JSON array. Internal.
 */
public final class TableKey {

  /** The work table's key text columns hold this many characters (changeset fieldvault-rotation-2). */
  public static final int MAX_TEXT = 4000;

  private final String table;
  private final List<String> columns;
  private final List<KeyCodec> codecs;

  public TableKey(String table, List<String> columns, List<KeyCodec> codecs) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.codecs = List.copyOf(codecs);
  }

  /** The codecs of a table's key columns, from the driver's metadata. */
  public static TableKey detect(Connection c, String table, List<String> columns) throws SQLException {
    List<KeyCodec> codecs = new ArrayList<>();
    for (String column : columns) {
      codecs.add(KeyCodec.detect(c, table, column));
    }
    return new TableKey(table, columns, codecs);
  }

  public List<String> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  /** {@code a, b, c}: for SELECT lists and ORDER BY. */
  public String columnList() {
    return String.join(", ", columns);
  }

  /** {@code prefix.a = ? AND prefix.b = ?} ({@code prefix} may be empty). */
  public String equalTo(String prefix) {
    List<String> parts = new ArrayList<>();
    for (String c : columns) {
      parts.add(prefix + c + " = ?");
    }
    return String.join(" AND ", parts);
  }

  /**
   * Keys strictly after the bound key: {@code a > ?} for one column; for more,
   * {@code a >= ? AND ((a > ?) OR (a = ? AND b > ?) ...)} (the leading term lets an index range
   * scan start at the bound). Bind with {@link #bindBound}.
   */
  public String after() {
    return columns.size() == 1 ? columns.get(0) + " > ?" : columns.get(0) + " >= ? AND (" + expanded(">", ">") + ")";
  }

  /** Keys at or before the bound key; bind with {@link #bindBound}. */
  public String atMost() {
    return columns.size() == 1 ? columns.get(0) + " <= ?" : columns.get(0) + " <= ? AND (" + expanded("<", "<=") + ")";
  }

  /** {@code (a op ?) OR (a = ? AND b op ?) ...}, the last column compared with {@code lastOp}. */
  private String expanded(String op, String lastOp) {
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      StringBuilder t = new StringBuilder("(");
      for (int j = 0; j < i; j++) {
        t.append(columns.get(j)).append(" = ? AND ");
      }
      t.append(columns.get(i)).append(' ').append(i == columns.size() - 1 ? lastOp : op).append(" ?)");
      terms.add(t.toString());
    }
    return String.join(" OR ", terms);
  }

  /** Binds the parameters of {@link #after()} or {@link #atMost()}; returns the next parameter index. */
  public int bindBound(PreparedStatement ps, int index, List<Object> key) throws SQLException {
    if (columns.size() > 1) {
      codecs.get(0).bind(ps, index++, key.get(0)); // the leading range term
    }
    for (int i = 0; i < columns.size(); i++) {
      for (int j = 0; j <= i; j++) {
        codecs.get(j).bind(ps, index++, key.get(j));
      }
    }
    return index;
  }

  /**
   * {@code prefix.a >= ? AND prefix.a <= ?} on the leading key column: lets the database reach a
   * batch's rows through the key's index (bind with {@link #bindLeading}).
   */
  public String leadingBetween(String prefix) {
    return prefix + columns.get(0) + " >= ? AND " + prefix + columns.get(0) + " <= ?";
  }

  /** Binds {@link #leadingBetween}: the leading columns of the first and last keys; returns the next index. */
  public int bindLeading(PreparedStatement ps, int index, List<Object> first, List<Object> last) throws SQLException {
    codecs.get(0).bind(ps, index++, first.get(0));
    codecs.get(0).bind(ps, index++, last.get(0));
    return index;
  }

  /** Binds every column of a key in order (for {@link #equalTo} and VALUES rows); returns the next index. */
  public int bind(PreparedStatement ps, int index, List<Object> key) throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      codecs.get(i).bind(ps, index++, key.get(i));
    }
    return index;
  }

  /** Reads a key from {@code size()} consecutive columns starting at {@code index}. */
  public List<Object> read(ResultSet rs, int index) throws SQLException {
    if (columns.size() == 1) {
      return List.of(nonNull(codecs.get(0).read(rs, index), 0));
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = nonNull(codecs.get(i).read(rs, index + i), i);
    }
    return List.of(values);
  }

  private Object nonNull(Object value, int column) {
    if (value == null) {
      throw new VaultConfigurationException("Key column " + table + "." + columns.get(column) + " holds NULL in a row:"
          + " declare the table's primary key (whose columns are never NULL) with primaryKey(...)");
    }
    return value;
  }

  /**
   * The work-table text of a key: the plain text of a single-column key, a JSON array of a
   * composite one (numbers for integral columns, strings otherwise). Null for null.
   */
  public String toText(List<Object> key) {
    if (key == null) {
      return null;
    }
    String text;
    if (columns.size() == 1) {
      text = codecs.get(0).toText(key.get(0));
    } else {
      JsonArray a = new JsonArray();
      for (int i = 0; i < columns.size(); i++) {
        Object v = key.get(i);
        a.add(codecs.get(i) == KeyCodec.INTEGRAL ? new JsonPrimitive((Long) v) : new JsonPrimitive(v.toString()));
      }
      text = a.toString();
    }
    if (text.length() > MAX_TEXT) {
      throw new VaultConfigurationException("A key of table " + table + " is " + text.length() + " characters as text;"
          + " the rotation work table holds keys of at most " + MAX_TEXT + ": shorten the key columns");
    }
    return text;
  }

  /** The key of {@link #toText}; null for null. */
  public List<Object> fromText(String text) {
    if (text == null) {
      return null;
    }
    if (columns.size() == 1) {
      return List.of(codecs.get(0).fromText(text));
    }
    JsonArray a;
    try {
      a = JsonParser.parseString(text).getAsJsonArray();
    } catch (RuntimeException e) {
      throw malformed(text.length());
    }
    if (a.size() != columns.size()) {
      throw malformed(text.length());
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      JsonElement e = a.get(i);
      if (!e.isJsonPrimitive()) {
        throw malformed(text.length());
      }
      values[i] = codecs.get(i).fromText(e.getAsString());
    }
    return List.of(values);
  }

  private VaultConfigurationException malformed(int length) {
    return new VaultConfigurationException("A stored key of " + table + " (" + length + " characters) is not a JSON"
        + " array of " + columns.size() + " values for key (" + columnList() + "): was the table declared with"
        + " another primary key when this rotation started? Start a new rotation id");
  }
}
