package dev.fieldvault.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * How wide a column must be to hold the ciphertexts of its values (docs/FORMAT.md §1): the sizing
 * rule shared by the Hibernate integration (which widens {@code @Encrypted} columns at start-up) and
 * the plaintext migration plan ({@code MigrationPlan}, which says which legacy columns to widen).
 *
 * <p>A ciphertext is the encoded plaintext plus at most {@value #OVERHEAD} bytes with the default
 * algorithms (header 6, AES-GCM nonce 12, tag 16; AES-SIV needs 22, XChaCha20-Poly1305 46: pass the
 * overhead when it differs); TEXT storage holds its base64 form, {@code 4·⌈n/3⌉} characters.
 */
public final class CiphertextSizes {

  /** Bytes a ciphertext adds to its encoded plaintext with AES-256-GCM (the default) or AES-256-GCM-SIV. */
  public static final int OVERHEAD = 34;

  private static final Map<Class<?>, Integer> FIXED = Map.ofEntries(
      Map.entry(Boolean.class, 1), Map.entry(Byte.class, 1), Map.entry(Short.class, 2),
      Map.entry(Integer.class, 4), Map.entry(Long.class, 8), Map.entry(Float.class, 4),
      Map.entry(Double.class, 8), Map.entry(LocalDate.class, 8), Map.entry(LocalTime.class, 8),
      Map.entry(LocalDateTime.class, 16), Map.entry(Instant.class, 12), Map.entry(OffsetDateTime.class, 20),
      Map.entry(UUID.class, 16),
      Map.entry(boolean.class, 1), Map.entry(byte.class, 1), Map.entry(short.class, 2), Map.entry(int.class, 4),
      Map.entry(long.class, 8), Map.entry(float.class, 4), Map.entry(double.class, 8));

  private CiphertextSizes() {}

  /**
   * The largest encoded plaintext, in bytes, of a value of {@code type} whose declared length is
   * {@code declaredLength} (characters for strings, digits for numbers, bytes for {@code byte[]};
   * ignored by fixed-size types).
   */
  public static long plaintextBytes(Class<?> type, long declaredLength) {
    Integer fixed = FIXED.get(type);
    if (fixed != null) {
      return fixed;
    }
    if (type.isEnum()) {
      int max = 1;
      for (Object c : type.getEnumConstants()) {
        max = Math.max(max, ((Enum<?>) c).name().getBytes(StandardCharsets.UTF_8).length);
      }
      return max;
    }
    if (type == String.class) {
      return declaredLength * 3; // UTF-8: at most 3 bytes per Java char
    }
    if (type == BigDecimal.class) {
      return 4 + declaredLength;
    }
    if (type == BigInteger.class || type == byte[].class) {
      return declaredLength;
    }
    return declaredLength;
  }

  /** Whether the plaintext size of {@code type} does not depend on a declared length. */
  public static boolean isFixed(Class<?> type) {
    return FIXED.containsKey(type) || type.isEnum();
  }

  /** The stored length of a ciphertext of {@code ciphertextBytes} bytes: itself (BINARY) or its base64 length (TEXT). */
  public static long storedLength(long ciphertextBytes, ColumnStorage storage) {
    return storage == ColumnStorage.TEXT ? 4 * ((ciphertextBytes + 2) / 3) : ciphertextBytes;
  }

  /** The column length that holds any ciphertext of such a plaintext in the given storage, with {@link #OVERHEAD}. */
  public static long columnLength(Class<?> type, long declaredLength, ColumnStorage storage) {
    return columnLength(type, declaredLength, storage, OVERHEAD);
  }

  /** As {@link #columnLength(Class, long, ColumnStorage)} with another ciphertext overhead (at least {@link #OVERHEAD} is used). */
  public static long columnLength(Class<?> type, long declaredLength, ColumnStorage storage, int overhead) {
    return storedLength(plaintextBytes(type, declaredLength) + Math.max(OVERHEAD, overhead), storage);
  }

  /** The stored length of a blind index of {@code length} bytes (its 5-byte prefix included). */
  public static long blindIndexLength(int length, ColumnStorage storage) {
    return storedLength(FieldCipher.BLIND_INDEX_HEADER + (long) length, storage);
  }
}
