package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.ValueCodecException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Reads a legacy plaintext column value (text, or bytes) as the attribute's Java type. */
final class LegacyPlaintext {

  private LegacyPlaintext() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Object parse(Class<?> type, Object stored) {
    if (type == byte[].class) {
      return stored instanceof byte[] ? ((byte[]) stored).clone() : ((String) stored).getBytes(StandardCharsets.UTF_8);
    }
    String s = stored instanceof byte[] ? new String((byte[]) stored, StandardCharsets.UTF_8) : (String) stored;
    try {
      if (type == String.class) {
        return s;
      }
      String t = s.trim();
      if (type == Boolean.class) {
        return Boolean.parseBoolean(t) || "1".equals(t);
      }
      if (type == Byte.class) {
        return Byte.valueOf(t);
      }
      if (type == Short.class) {
        return Short.valueOf(t);
      }
      if (type == Integer.class) {
        return Integer.valueOf(t);
      }
      if (type == Long.class) {
        return Long.valueOf(t);
      }
      if (type == Float.class) {
        return Float.valueOf(t);
      }
      if (type == Double.class) {
        return Double.valueOf(t);
      }
      if (type == BigInteger.class) {
        return new BigInteger(t);
      }
      if (type == BigDecimal.class) {
        return new BigDecimal(t);
      }
      if (type == LocalDate.class) {
        return LocalDate.parse(t);
      }
      if (type == LocalTime.class) {
        return LocalTime.parse(t);
      }
      if (type == LocalDateTime.class) {
        return LocalDateTime.parse(t.replace(' ', 'T'));
      }
      if (type == Instant.class) {
        return Instant.parse(t);
      }
      if (type == OffsetDateTime.class) {
        return OffsetDateTime.parse(t.replace(' ', 'T'));
      }
      if (type == UUID.class) {
        return UUID.fromString(t);
      }
      if (type.isEnum()) {
        return Enum.valueOf((Class) type, t);
      }
    } catch (RuntimeException e) {
      throw new ValueCodecException("A plaintext value of type " + type.getSimpleName()
          + " could not be read during migration: convert the legacy column's values to their text form");
    }
    throw new ValueCodecException("Legacy plaintext values of type " + type.getName() + " cannot be read");
  }
}
