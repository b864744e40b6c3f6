package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.EncryptedColumn;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Converts between what JDBC code binds or asks for and a column's Java type, the way a driver
 * would for a plain column of that type. Messages name the column and types, never a value.
 */
final class Conversions {

  private Conversions() {}

  /** A bound value as the column's Java type. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object toColumnType(Object v, EncryptedColumn column) throws SQLException {
    Class<?> type = column.spec().codec().type();
    if (v == null || type.isInstance(v)) {
      return v;
    }
    try {
      if (v instanceof Number && Number.class.isAssignableFrom(type)) {
        return number((Number) v, type);
      }
      if (type == String.class && (v instanceof Character || v instanceof char[])) {
        return v instanceof char[] ? new String((char[]) v) : v.toString();
      }
      if (type.isEnum() && v instanceof String) {
        return Enum.valueOf((Class) type, (String) v);
      }
      if (type == UUID.class && v instanceof String) {
        return UUID.fromString((String) v);
      }
      if (type == LocalDate.class && v instanceof java.sql.Date) {
        return ((java.sql.Date) v).toLocalDate();
      }
      if (type == LocalTime.class && v instanceof java.sql.Time) {
        return ((java.sql.Time) v).toLocalTime();
      }
      if (type == LocalDateTime.class && v instanceof java.sql.Timestamp) {
        return ((java.sql.Timestamp) v).toLocalDateTime();
      }
      if (type == Instant.class && v instanceof java.sql.Timestamp) {
        return ((java.sql.Timestamp) v).toInstant();
      }
      if (type == Instant.class && v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).toInstant();
      }
      if (type == Boolean.class && v instanceof Number) {
        return ((Number) v).intValue() != 0;
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new StatementRefusedException("The value bound to encrypted column " + column.qualifiedName()
          + " cannot be converted to " + type.getSimpleName() + ": bind a " + type.getSimpleName());
    }
    throw new StatementRefusedException("Encrypted column " + column.qualifiedName() + " holds " + type.getSimpleName()
        + " values, not " + v.getClass().getSimpleName() + ": bind a " + type.getSimpleName()
        + " with setObject");
  }

  private static Object number(Number n, Class<?> type) {
    BigDecimal d = n instanceof BigDecimal ? (BigDecimal) n : n instanceof BigInteger
        ? new BigDecimal((BigInteger) n) : (n instanceof Double || n instanceof Float)
        ? BigDecimal.valueOf(n.doubleValue()) : BigDecimal.valueOf(n.longValue());
    if (type == Integer.class) {
      return d.intValueExact();
    } else if (type == Long.class) {
      return d.longValueExact();
    } else if (type == Short.class) {
      return d.shortValueExact();
    } else if (type == Byte.class) {
      return d.byteValueExact();
    } else if (type == Double.class) {
      return n.doubleValue();
    } else if (type == Float.class) {
      return n.floatValue();
    } else if (type == BigDecimal.class) {
      return d;
    } else if (type == BigInteger.class) {
      return d.toBigIntegerExact();
    }
    throw new IllegalArgumentException();
  }

  /** A decrypted value as a getter's type; null gives the getter's null (0/false for primitives). */
  static Object fromColumnType(Object v, Class<?> wanted, EncryptedColumn column, String getter) throws SQLException {
    if (v == null) {
      if (wanted == Boolean.class && getter.equals("getBoolean")) {
        return false;
      }
      if (Number.class.isAssignableFrom(wanted) && getter.startsWith("get") && isPrimitiveGetter(getter)) {
        return number(0, wanted);
      }
      return null;
    }
    if (wanted == Object.class || wanted.isInstance(v)) {
      return v;
    }
    try {
      if (wanted == String.class) {
        if (v instanceof byte[]) {
          return new String((byte[]) v, StandardCharsets.UTF_8);
        }
        return v instanceof Enum ? ((Enum<?>) v).name() : v.toString();
      }
      if (Number.class.isAssignableFrom(wanted) && v instanceof Number) {
        return number((Number) v, wanted);
      }
      if (Number.class.isAssignableFrom(wanted) && v instanceof String) {
        return number(new BigDecimal((String) v), wanted);
      }
      if (wanted == Boolean.class && v instanceof Number) {
        return ((Number) v).intValue() != 0;
      }
      if (wanted == Boolean.class && v instanceof String) {
        return Boolean.parseBoolean((String) v);
      }
      if (wanted == byte[].class && v instanceof String) {
        return ((String) v).getBytes(StandardCharsets.UTF_8);
      }
      if (wanted == java.sql.Date.class && v instanceof LocalDate) {
        return java.sql.Date.valueOf((LocalDate) v);
      }
      if (wanted == java.sql.Time.class && v instanceof LocalTime) {
        return java.sql.Time.valueOf((LocalTime) v);
      }
      if (wanted == java.sql.Timestamp.class) {
        if (v instanceof LocalDateTime) {
          return java.sql.Timestamp.valueOf((LocalDateTime) v);
        }
        if (v instanceof Instant) {
          return java.sql.Timestamp.from((Instant) v);
        }
        if (v instanceof OffsetDateTime) {
          return java.sql.Timestamp.from(((OffsetDateTime) v).toInstant());
        }
        if (v instanceof LocalDate) {
          return java.sql.Timestamp.valueOf(((LocalDate) v).atStartOfDay());
        }
      }
      if (wanted == LocalDate.class && v instanceof LocalDateTime) {
        return ((LocalDateTime) v).toLocalDate();
      }
      if (wanted == LocalDateTime.class && v instanceof Instant) {
        return LocalDateTime.ofInstant((Instant) v, ZoneId.systemDefault());
      }
      if (wanted == Instant.class && v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).toInstant();
      }
      if (wanted == java.io.InputStream.class) {
        Object b = fromColumnType(v, byte[].class, column, getter);
        return new ByteArrayInputStream((byte[]) b);
      }
      if (wanted == java.io.Reader.class) {
        return new StringReader((String) fromColumnType(v, String.class, column, getter));
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new SQLException("The value of encrypted column " + column.qualifiedName() + " ("
          + column.spec().codec().type().getSimpleName() + ") cannot be read with " + getter + ": use getObject");
    }
    throw new SQLException("Encrypted column " + column.qualifiedName() + " holds "
        + column.spec().codec().type().getSimpleName() + " values, which " + getter + " cannot return as "
        + wanted.getSimpleName() + ": use getObject(column, " + column.spec().codec().type().getSimpleName()
        + ".class)");
  }

  private static boolean isPrimitiveGetter(String getter) {
    switch (getter) {
      case "getInt":
      case "getLong":
      case "getShort":
      case "getByte":
      case "getFloat":
      case "getDouble":
        return true;
      default:
        return false;
    }
  }
}
