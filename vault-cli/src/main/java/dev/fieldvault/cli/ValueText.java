package dev.fieldvault.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Values of an encrypted column as text, the way an operator types them or a SQL file holds them:
 * numbers in decimal, {@code true}/{@code false}, dates and times in ISO-8601, UUIDs, and bytes as
 * base64. Parse errors never quote the value.
 */
final class ValueText {

  private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");

  private ValueText() {}

  /** The value of {@code type} written as {@code text}. */
  static Object parse(Class<?> type, String text, String what) {
    String t = type == String.class ? text : text.strip();
    try {
      if (type == String.class) {
        return t;
      } else if (type == byte[].class) {
        return Base64.getDecoder().decode(t);
      } else if (type == Boolean.class) {
        if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException();
        }
        return Boolean.valueOf(t);
      } else if (type == Byte.class) {
        return Byte.valueOf(t);
      } else if (type == Short.class) {
        return Short.valueOf(t);
      } else if (type == Integer.class) {
        return Integer.valueOf(t);
      } else if (type == Long.class) {
        return Long.valueOf(t);
      } else if (type == Float.class) {
        return Float.valueOf(t);
      } else if (type == Double.class) {
        return Double.valueOf(t);
      } else if (type == BigInteger.class) {
        return new BigInteger(t);
      } else if (type == BigDecimal.class) {
        return new BigDecimal(t);
      } else if (type == LocalDate.class) {
        return LocalDate.parse(t);
      } else if (type == LocalTime.class) {
        return LocalTime.parse(t);
      } else if (type == LocalDateTime.class) {
        return LocalDateTime.parse(t.replace(' ', 'T'));
      } else if (type == Instant.class) {
        return Instant.parse(t);
      } else if (type == OffsetDateTime.class) {
        return OffsetDateTime.parse(t);
      } else if (type == UUID.class) {
        return UUID.fromString(t);
      }
    } catch (RuntimeException e) {
      throw new CliException(what + " is not of type " + typeName(type) + " (" + format(type) + ")");
    }
    throw new CliException(what + ": type " + type.getSimpleName() + " cannot be written as text");
  }

  /** The text of a decrypted value (bytes as base64). */
  static String format(Object value) {
    return value instanceof byte[] ? Base64.getEncoder().encodeToString((byte[]) value) : String.valueOf(value);
  }

  /** The stored bytes of a binary column as hex, or a base64 text value, back to ciphertext bytes. */
  static byte[] binary(String text) {
    String t = text.strip();
    if (t.startsWith("\\x") || t.startsWith("0x")) {
      t = t.substring(2);
    }
    if (HEX.matcher(t).matches()) {
      return HexFormat.of().parseHex(t);
    }
    try {
      return Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new CliException("the ciphertext is neither hex nor base64");
    }
  }

  static String typeName(Class<?> type) {
    return type == byte[].class ? "bytes" : type.getSimpleName();
  }

  private static String format(Class<?> type) {
    if (type == byte[].class) {
      return "base64";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type.getPackageName().equals("java.time")) {
      return "ISO-8601, e.g. " + switch (type.getSimpleName()) {
        case "LocalDate" -> "2024-02-29";
        case "LocalTime" -> "13:45:00";
        case "LocalDateTime" -> "2024-02-29T13:45:00";
        case "Instant" -> "2024-02-29T13:45:00Z";
        default -> "2024-02-29T13:45:00+01:00";
      };
    }
    return type == UUID.class ? "e.g. 123e4567-e89b-12d3-a456-426614174000" : "decimal";
  }
}
