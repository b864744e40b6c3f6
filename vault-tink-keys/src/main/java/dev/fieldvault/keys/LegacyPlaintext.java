package dev.fieldvault.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a value that a column held in plaintext before it was encrypted (a "legacy plaintext") as
 * the column's Java type: the one rule the Hibernate integration (under a migrating plaintext
 * policy) and the plaintext migration job ({@code Rewrapper.Builder.migratePlaintext}) share, so that
 * the value an application reads during a migration is the value the job encrypts.
 *
 * <p>The stored value is the column's text ({@code String}) or bytes ({@code byte[]}, read as UTF-8
 * text unless the type is {@code byte[]}). Text forms: a {@code String} as stored (nothing trimmed);
 * numbers, dates, times and UUIDs in their usual text form, surrounding white space ignored
 * ({@code 42}, {@code 2024-01-31}, {@code 2024-01-31 10:15:00} or with a {@code T}); booleans as
 * {@code true}/{@code false}, {@code t}/{@code f}, {@code 1}/{@code 0}, {@code yes}/{@code no},
 * {@code y}/{@code n}, {@code on}/{@code off} (any case); enums by constant name. An {@code Instant} or
 * {@code OffsetDateTime} is read from Java's form, from a date-time with an offset ({@code Z}, {@code +00},
 * {@code +05:30}; date and time separated by {@code T} or a space: PostgreSQL's and H2's
 * {@code timestamptz} text), or from a date-time <em>without</em> an offset, which is taken in UTC
 * (the text of a MariaDB {@code DATETIME} or of a {@code TIMESTAMP} without time zone, which hold no
 * zone: convert such a column's values to UTC first if they hold another zone's times). A UUID is read
 * from its 36-character text only, never from 16 raw bytes. Anything else is a
 * {@link ValueCodecException} whose message names the type, never the value.
 */
public final class LegacyPlaintext {

  private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
      short.class, Short.class, int.class, Integer.class, long.class, Long.class, float.class, Float.class,
      double.class, Double.class);

  private LegacyPlaintext() {}

  /** Whether legacy values of this type can be read ({@code String}, {@code byte[]}, the built-in codecs' types). */
  public static boolean supports(Class<?> type) {
    return type != null && ValueCodecs.supports(type);
  }

  /**
   * The value of a legacy plaintext column value.
   *
   * @param type the column's Java type (primitives are read as their wrappers)
   * @param stored the column's value: a {@code String} or a {@code byte[]} (not null)
   * @throws ValueCodecException if the value is not a valid text form of {@code type}, or the type
   *     has no legacy form (an application's own codec type)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T> T parse(Class<T> type, Object stored) {
    if (stored == null) {
      throw new IllegalArgumentException("a legacy plaintext is not null (NULL stays NULL)");
    }
    if (!(stored instanceof String) && !(stored instanceof byte[])) {
      throw new IllegalArgumentException("a legacy plaintext is a String or a byte[], not " + stored.getClass().getName());
    }
    Class<?> t = WRAPPERS.getOrDefault(type, type);
    if (t == byte[].class) {
      return (T) (stored instanceof byte[] ? ((byte[]) stored).clone() : ((String) stored).getBytes(StandardCharsets.UTF_8));
    }
    String s = stored instanceof byte[] ? new String((byte[]) stored, StandardCharsets.UTF_8) : (String) stored;
    if (t == String.class) {
      return (T) s;
    }
    Object value;
    try {
      value = parseText(t, s.trim());
    } catch (RuntimeException e) {
      throw new ValueCodecException("A plaintext value of type " + t.getSimpleName() + " could not be read during"
          + " migration: convert the legacy column's values to their text form (see LegacyPlaintext), or fix the row");
    }
    if (value == null) {
      throw new ValueCodecException("Legacy plaintext values of type " + t.getName() + " cannot be read: only"
          + " String, byte[] and the types of ValueCodecs have a legacy text form");
    }
    return (T) value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parseText(Class<?> t, String v) {
    if (t == Boolean.class) {
      return parseBoolean(v);
    }
    if (t == Byte.class) {
      return Byte.valueOf(v);
    }
    if (t == Short.class) {
      return Short.valueOf(v);
    }
    if (t == Integer.class) {
      return Integer.valueOf(v);
    }
    if (t == Long.class) {
      return Long.valueOf(v);
    }
    if (t == Float.class) {
      return Float.valueOf(v);
    }
    if (t == Double.class) {
      return Double.valueOf(v);
    }
    if (t == BigInteger.class) {
      return new BigInteger(v);
    }
    if (t == BigDecimal.class) {
      return new BigDecimal(v);
    }
    if (t == LocalDate.class) {
      return LocalDate.parse(v);
    }
    if (t == LocalTime.class) {
      return LocalTime.parse(v);
    }
    if (t == LocalDateTime.class) {
      return LocalDateTime.parse(v.replace(' ', 'T'));
    }
    if (t == Instant.class) {
      return instant(v);
    }
    if (t == OffsetDateTime.class) {
      return offsetDateTime(v);
    }
    if (t == UUID.class) {
      return UUID.fromString(v);
    }
    if (t.isEnum()) {
      return Enum.valueOf((Class) t, v);
    }
    return null;
  }

  /**
   * An instant: {@code 2024-01-31T10:15:01.500Z}, a date-time with an offset ({@code +00}, {@code +05:30},
   * {@code Z}; {@code T} or a space), or a date-time without one, taken in UTC.
   */
  private static Instant instant(String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException notJavas) {
      return offsetDateTime(v).toInstant();
    }
  }

  /** A date-time with an offset ({@code T} or a space), or without one: then taken in UTC. */
  private static OffsetDateTime offsetDateTime(String v) {
    String iso = v.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(iso);
    } catch (DateTimeParseException noOffset) {
      return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
    }
  }

  private static Boolean parseBoolean(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true": case "t": case "1": case "yes": case "y": case "on":
        return Boolean.TRUE;
      case "false": case "f": case "0": case "no": case "n": case "off":
        return Boolean.FALSE;
      default:
        throw new IllegalArgumentException("not a boolean");
    }
  }
}
