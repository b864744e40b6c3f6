package dev.fieldvault.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The built-in {@link ValueCodec}s. Their byte encodings are specified in docs/FORMAT.md ("Value
 * encodings") and pinned by stored test vectors.
 */
public final class ValueCodecs {

  public static final ValueCodec<String> STRING = new Fixed<>(String.class, -1,
      s -> s.getBytes(StandardCharsets.UTF_8), ValueCodecs::decodeUtf8);
  public static final ValueCodec<byte[]> BYTES = new Fixed<>(byte[].class, -1, byte[]::clone, byte[]::clone);
  public static final ValueCodec<Boolean> BOOLEAN = new Fixed<>(Boolean.class, 1,
      b -> new byte[] {(byte) (b ? 1 : 0)}, ValueCodecs::decodeBoolean);
  public static final ValueCodec<Byte> BYTE = new Fixed<>(Byte.class, 1, b -> new byte[] {b}, b -> b[0]);
  public static final ValueCodec<Short> SHORT = new Fixed<>(Short.class, 2,
      v -> ByteBuffer.allocate(2).putShort(v).array(), b -> ByteBuffer.wrap(b).getShort());
  public static final ValueCodec<Integer> INTEGER = new Fixed<>(Integer.class, 4,
      v -> ByteBuffer.allocate(4).putInt(v).array(), b -> ByteBuffer.wrap(b).getInt());
  public static final ValueCodec<Long> LONG = new Fixed<>(Long.class, 8,
      v -> ByteBuffer.allocate(8).putLong(v).array(), b -> ByteBuffer.wrap(b).getLong());
  public static final ValueCodec<Float> FLOAT = new Fixed<>(Float.class, 4,
      v -> ByteBuffer.allocate(4).putInt(Float.floatToIntBits(v)).array(),
      b -> Float.intBitsToFloat(ByteBuffer.wrap(b).getInt()));
  public static final ValueCodec<Double> DOUBLE = new Fixed<>(Double.class, 8,
      v -> ByteBuffer.allocate(8).putLong(Double.doubleToLongBits(v)).array(),
      b -> Double.longBitsToDouble(ByteBuffer.wrap(b).getLong()));
  public static final ValueCodec<BigInteger> BIG_INTEGER = new Fixed<>(BigInteger.class, -1,
      BigInteger::toByteArray, ValueCodecs::decodeBigInteger);
  public static final ValueCodec<BigDecimal> BIG_DECIMAL = new Fixed<>(BigDecimal.class, -1,
      ValueCodecs::encodeBigDecimal, ValueCodecs::decodeBigDecimal);
  public static final ValueCodec<LocalDate> LOCAL_DATE = new Fixed<>(LocalDate.class, 8,
      d -> ByteBuffer.allocate(8).putLong(d.toEpochDay()).array(),
      b -> LocalDate.ofEpochDay(ByteBuffer.wrap(b).getLong()));
  public static final ValueCodec<LocalTime> LOCAL_TIME = new Fixed<>(LocalTime.class, 8,
      t -> ByteBuffer.allocate(8).putLong(t.toNanoOfDay()).array(),
      b -> LocalTime.ofNanoOfDay(ByteBuffer.wrap(b).getLong()));
  public static final ValueCodec<LocalDateTime> LOCAL_DATE_TIME = new Fixed<>(LocalDateTime.class, 16,
      t -> ByteBuffer.allocate(16).putLong(t.toLocalDate().toEpochDay()).putLong(t.toLocalTime().toNanoOfDay()).array(),
      b -> {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return LocalDateTime.of(LocalDate.ofEpochDay(buf.getLong()), LocalTime.ofNanoOfDay(buf.getLong()));
      });
  public static final ValueCodec<Instant> INSTANT = new Fixed<>(Instant.class, 12,
      i -> ByteBuffer.allocate(12).putLong(i.getEpochSecond()).putInt(i.getNano()).array(),
      b -> {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return Instant.ofEpochSecond(buf.getLong(), buf.getInt());
      });
  public static final ValueCodec<OffsetDateTime> OFFSET_DATE_TIME = new Fixed<>(OffsetDateTime.class, 20,
      t -> ByteBuffer.allocate(20).putLong(t.toLocalDate().toEpochDay()).putLong(t.toLocalTime().toNanoOfDay())
          .putInt(t.getOffset().getTotalSeconds()).array(),
      b -> {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return OffsetDateTime.of(LocalDate.ofEpochDay(buf.getLong()), LocalTime.ofNanoOfDay(buf.getLong()),
            ZoneOffset.ofTotalSeconds(buf.getInt()));
      });
  public static final ValueCodec<UUID> UUID_CODEC = new Fixed<>(UUID.class, 16,
      u -> ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array(),
      b -> {
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong());
      });

  private static final Map<Class<?>, ValueCodec<?>> BY_TYPE = new HashMap<>();

  static {
    for (ValueCodec<?> c : new ValueCodec<?>[] {STRING, BYTES, BOOLEAN, BYTE, SHORT, INTEGER, LONG, FLOAT,
        DOUBLE, BIG_INTEGER, BIG_DECIMAL, LOCAL_DATE, LOCAL_TIME, LOCAL_DATE_TIME, INSTANT, OFFSET_DATE_TIME,
        UUID_CODEC}) {
      BY_TYPE.put(c.type(), c);
    }
    BY_TYPE.put(boolean.class, BOOLEAN);
    BY_TYPE.put(byte.class, BYTE);
    BY_TYPE.put(short.class, SHORT);
    BY_TYPE.put(int.class, INTEGER);
    BY_TYPE.put(long.class, LONG);
    BY_TYPE.put(float.class, FLOAT);
    BY_TYPE.put(double.class, DOUBLE);
  }

  private ValueCodecs() {}

  /** Whether {@link #forType} has a codec for this type. */
  public static boolean supports(Class<?> type) {
    return BY_TYPE.containsKey(type) || (type != null && type.isEnum());
  }

  /**
   * The codec for a Java type (primitives map to their wrappers; enums are stored by name).
   *
   * @throws VaultConfigurationException for an unsupported type, listing the supported ones
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T> ValueCodec<T> forType(Class<T> type) {
    ValueCodec<?> c = BY_TYPE.get(type);
    if (c != null) {
      return (ValueCodec<T>) c;
    }
    if (type != null && type.isEnum()) {
      return (ValueCodec<T>) enumCodec((Class) type);
    }
    throw new VaultConfigurationException("FieldVault cannot encrypt values of type "
        + (type == null ? "null" : type.getName()) + ": supported are String, byte[], boolean, byte, short,"
        + " int, long, float, double (and their wrappers), BigInteger, BigDecimal, LocalDate, LocalTime,"
        + " LocalDateTime, Instant, OffsetDateTime, UUID and enums; convert other types to one of these");
  }

  /** A codec that stores an enum constant by its name (UTF-8), so reordering constants is safe. */
  public static <E extends Enum<E>> ValueCodec<E> enumCodec(Class<E> type) {
    return new Fixed<>(type, -1, e -> e.name().getBytes(StandardCharsets.UTF_8), b -> {
      String name = decodeUtf8(b);
      try {
        return Enum.valueOf(type, name);
      } catch (IllegalArgumentException e) {
        throw new ValueCodecException("A stored value is not a constant of enum " + type.getName()
            + ": a constant was renamed or removed after the value was written");
      }
    });
  }

  /**
   * Strict UTF-8: a value that is not valid UTF-8 fails. The JDK's {@code new String(bytes, UTF_8)}
   * (one allocation, intrinsified) replaces malformed input by U+FFFD; only when its result holds a
   * U+FFFD (malformed input, or a genuine U+FFFD) is the value decoded again by a reporting decoder,
   * which either fails or returns the same string. A {@code CharsetDecoder} on every value cost about
   * 300 bytes of garbage per decrypted string (JFR allocation samples of the Hibernate benchmark).
   */
  private static String decodeUtf8(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.indexOf('\uFFFD') < 0 ? s : decodeUtf8Strictly(b);
  }

  private static String decodeUtf8Strictly(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new ValueCodecException("A decrypted value is not valid UTF-8 text: the field's type changed"
          + " from a binary type after it was written");
    }
  }

  private static Boolean decodeBoolean(byte[] b) {
    if (b[0] != 0 && b[0] != 1) {
      throw new ValueCodecException("A decrypted boolean is neither 0 nor 1: the field's type changed");
    }
    return b[0] == 1;
  }

  private static BigInteger decodeBigInteger(byte[] b) {
    if (b.length == 0) {
      throw new ValueCodecException("A decrypted BigInteger is empty: the field's type changed");
    }
    return new BigInteger(b);
  }

  private static byte[] encodeBigDecimal(BigDecimal d) {
    byte[] unscaled = d.unscaledValue().toByteArray();
    return ByteBuffer.allocate(4 + unscaled.length).putInt(d.scale()).put(unscaled).array();
  }

  private static BigDecimal decodeBigDecimal(byte[] b) {
    if (b.length < 5) {
      throw new ValueCodecException("A decrypted BigDecimal has " + b.length + " bytes (at least 5 needed):"
          + " the field's type changed");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    int scale = buf.getInt();
    byte[] unscaled = new byte[b.length - 4];
    buf.get(unscaled);
    return new BigDecimal(new BigInteger(unscaled), scale);
  }

  private static final class Fixed<T> implements ValueCodec<T> {
    private final Class<T> type;
    private final int length;
    private final Function<T, byte[]> encoder;
    private final Function<byte[], T> decoder;

    Fixed(Class<T> type, int length, Function<T, byte[]> encoder, Function<byte[], T> decoder) {
      this.type = type;
      this.length = length;
      this.encoder = encoder;
      this.decoder = decoder;
    }

    @Override
    public Class<T> type() {
      return type;
    }

    @Override
    public byte[] encode(T value) {
      return encoder.apply(value);
    }

    @Override
    public T decode(byte[] bytes) {
      if (length >= 0 && bytes.length != length) {
        throw new ValueCodecException("A decrypted " + type.getSimpleName() + " has " + bytes.length
            + " bytes, not " + length + ": the field's Java type changed after the value was written");
      }
      try {
        return decoder.apply(bytes);
      } catch (java.time.DateTimeException | ArithmeticException e) {
        throw new ValueCodecException("A decrypted value is not a valid " + type.getSimpleName()
            + ": the field's Java type changed after the value was written");
      }
    }

    @Override
    public String toString() {
      return "ValueCodec{" + type.getSimpleName() + "}";
    }
  }
}
