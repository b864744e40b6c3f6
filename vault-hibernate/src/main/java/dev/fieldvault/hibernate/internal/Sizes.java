package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
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

/** Column widths that fit a ciphertext (docs/FORMAT.md: at most 34 bytes of overhead). */
final class Sizes {

  /** Header (6) + AES-GCM nonce (12) + tag (16); AES-SIV needs less (16). */
  static final int OVERHEAD = 34;
  /** The plaintext length assumed when a column declares none (Hibernate's default). */
  static final long DEFAULT_LENGTH = 255;

  private static final Map<Class<?>, Integer> FIXED = Map.ofEntries(
      Map.entry(Boolean.class, 1), Map.entry(Byte.class, 1), Map.entry(Short.class, 2),
      Map.entry(Integer.class, 4), Map.entry(Long.class, 8), Map.entry(Float.class, 4),
      Map.entry(Double.class, 8), Map.entry(LocalDate.class, 8), Map.entry(LocalTime.class, 8),
      Map.entry(LocalDateTime.class, 16), Map.entry(Instant.class, 12), Map.entry(OffsetDateTime.class, 20),
      Map.entry(UUID.class, 16));

  private Sizes() {}

  /** The largest encoded plaintext, in bytes, for a declared length (characters or bytes). */
  static long plaintextBytes(Class<?> type, long declaredLength) {
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

  /** Whether the plaintext size depends on the declared length. */
  static boolean isFixed(Class<?> type) {
    return FIXED.containsKey(type) || type.isEnum();
  }

  /** The column length that holds any ciphertext of such a plaintext in the given storage. */
  static long columnLength(Class<?> type, long declaredLength, ColumnStorage storage) {
    long binary = plaintextBytes(type, declaredLength) + OVERHEAD;
    return storage == ColumnStorage.TEXT ? 4 * ((binary + 2) / 3) : binary;
  }
}
