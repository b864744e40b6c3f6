package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/** Reads, binds and writes (as checkpoint text) the primary-key values of one table. Internal. */
public enum KeyCodec {
  INTEGRAL, STRING, UUID_KEY;

  /** The codec for a table's primary-key column, from the driver's metadata. */
  public static KeyCodec detect(Connection c, String table, String pk) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + pk + " FROM " + table + " WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      int type = md.getColumnType(1);
      switch (type) {
        case Types.BIGINT:
        case Types.INTEGER:
        case Types.SMALLINT:
        case Types.TINYINT:
          return INTEGRAL;
        case Types.CHAR:
        case Types.VARCHAR:
        case Types.NCHAR:
        case Types.NVARCHAR:
          return STRING;
        default:
          if (UUID.class.getName().equals(md.getColumnClassName(1))) {
            return UUID_KEY;
          }
          throw new VaultConfigurationException("The primary key " + table + "." + pk + " has SQL type "
              + md.getColumnTypeName(1) + ": the rewrapper walks integral, character or UUID keys only");
      }
    }
  }

  public Object read(ResultSet rs, int index) throws SQLException {
    switch (this) {
      case INTEGRAL:
        return rs.getLong(index);
      case STRING:
        return rs.getString(index);
      default:
        return rs.getObject(index, UUID.class);
    }
  }

  public void bind(PreparedStatement ps, int index, Object key) throws SQLException {
    switch (this) {
      case INTEGRAL:
        ps.setLong(index, (Long) key);
        break;
      case STRING:
        ps.setString(index, (String) key);
        break;
      default:
        ps.setObject(index, key);
    }
  }

  public String toText(Object key) {
    return key == null ? null : key.toString();
  }

  public Object fromText(String text) {
    if (text == null) {
      return null;
    }
    switch (this) {
      case INTEGRAL:
        return Long.valueOf(text);
      case STRING:
        return text;
      default:
        return UUID.fromString(text);
    }
  }
}
