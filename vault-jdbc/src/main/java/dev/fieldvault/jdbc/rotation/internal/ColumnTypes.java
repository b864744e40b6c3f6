package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The declared SQL types of a table's encrypted and blind-index columns, as the driver's metadata
 * reports them ({@code SELECT c FROM t WHERE 1 = 0}): whether a column can hold its ciphertexts and
 * how many characters or bytes it holds. Internal.
 */
public final class ColumnTypes {

  /**
   * One column's declared type.
   *
   * @param size declared characters (text) or bytes (binary); -1 when unbounded or unknown
   */
  public record Type(String table, String column, boolean exists, int jdbcType, String typeName, long size,
      boolean nullable) {

    /** Whether the column holds text (base64 ciphertext fits). */
    public boolean isText() {
      switch (jdbcType) {
        case Types.CHAR: case Types.VARCHAR: case Types.LONGVARCHAR: case Types.NCHAR: case Types.NVARCHAR:
        case Types.LONGNVARCHAR: case Types.CLOB: case Types.NCLOB:
          return true;
        default:
          return "citext".equalsIgnoreCase(typeName);
      }
    }

    /** Whether the column holds bytes (not H2's native {@code UUID}, which its driver reports as BINARY). */
    public boolean isBinary() {
      if (named("uuid")) {
        return false;
      }
      switch (jdbcType) {
        case Types.BINARY: case Types.VARBINARY: case Types.LONGVARBINARY: case Types.BLOB:
          return true;
        default:
          return false;
      }
    }

    /**
     * Whether the database converts the column's values to text that {@code LegacyPlaintext} reads, by
     * the migration plan's DDL: text, bytes, integers, floating-point and decimal numbers, booleans,
     * dates, times without zone, timestamps with and without time zone, and native UUIDs. Not: times
     * with time zone, PostgreSQL's {@code money}, {@code interval}, bit strings, MariaDB's {@code YEAR},
     * JSON, arrays, intervals, enums, geometry and any other native type.
     */
    public boolean convertsToText() {
      if (!exists) {
        return false;
      }
      if (isText() || isBinary() || named("uuid")) {
        return true;
      }
      if (named("money") || named("timetz") || named("year") || named("interval")) {
        return false;
      }
      switch (jdbcType) {
        case Types.TINYINT: case Types.SMALLINT: case Types.INTEGER: case Types.BIGINT: case Types.REAL:
        case Types.FLOAT: case Types.DOUBLE: case Types.NUMERIC: case Types.DECIMAL: case Types.BOOLEAN:
        case Types.DATE: case Types.TIME: case Types.TIMESTAMP: case Types.TIMESTAMP_WITH_TIMEZONE:
          return true;
        case Types.BIT: // a boolean (PostgreSQL's bool, MariaDB's BIT(1)), not a bit string
          return size <= 1 && !named("bit") && !named("varbit");
        default:
          return false;
      }
    }

    /** Whether its type is named {@code name} (case-insensitive). */
    public boolean named(String name) {
      return typeName != null && name.equalsIgnoreCase(typeName);
    }

    /** Whether the column can hold values of this storage at all (its type, not its size). */
    public boolean holds(ColumnStorage storage) {
      return exists && (storage == ColumnStorage.TEXT ? isText() : isBinary());
    }

    /** Whether a stored value of this length (characters or bytes) fits. */
    public boolean fits(long length) {
      return size < 0 || length <= size;
    }

    /** {@code VARCHAR(40)}, {@code bytea}, ...: for messages. */
    public String describe() {
      if (!exists) {
        return "missing";
      }
      String name = typeName == null ? "type " + jdbcType : typeName.toUpperCase(Locale.ROOT);
      return size < 0 || name.contains("(") || !(isText() || isBinary()) ? name : name + "(" + size + ")";
    }
  }

  private final Map<String, Type> types;

  private ColumnTypes(Map<String, Type> types) {
    this.types = types;
  }

  /** Reads the types of every encrypted and blind-index column of {@code table}. */
  public static ColumnTypes read(Connection c, EncryptedTable table) throws SQLException {
    Map<String, Type> out = new HashMap<>();
    for (EncryptedColumn col : table.columns()) {
      out.put(SqlIdentifier.key(col.column()), type(c, table.table(), col.column()));
      if (col.blindIndexColumn() != null) {
        out.put(SqlIdentifier.key(col.blindIndexColumn()), type(c, table.table(), col.blindIndexColumn()));
      }
    }
    return new ColumnTypes(out);
  }

  /** These types without their sizes: every length fits (to measure values, not to check them). */
  public ColumnTypes withoutSizes() {
    Map<String, Type> out = new HashMap<>();
    types.forEach((k, t) -> out.put(k, new Type(t.table(), t.column(), t.exists(), t.jdbcType(), t.typeName(), -1,
        t.nullable())));
    return new ColumnTypes(out);
  }

  /** The type of a column read by {@link #read}. */
  public Type of(String column) {
    Type t = types.get(SqlIdentifier.key(column));
    if (t == null) {
      throw new IllegalArgumentException("column " + column + " was not read");
    }
    return t;
  }

  private static Type type(Connection c, String table, String column) throws SQLException {
    boolean auto = c.getAutoCommit();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      long size = md.getPrecision(1);
      if (size <= 0 || size >= Integer.MAX_VALUE || size >= 1L << 30) {
        size = -1; // text, bytea, CLOB, LONGTEXT: no limit worth checking
      }
      return new Type(table, column, true, md.getColumnType(1), md.getColumnTypeName(1), size,
          md.isNullable(1) != ResultSetMetaData.columnNoNulls);
    } catch (SQLException missing) {
      if (!auto) {
        c.rollback();
      }
      return new Type(table, column, false, Types.NULL, null, -1, true);
    }
  }
}
