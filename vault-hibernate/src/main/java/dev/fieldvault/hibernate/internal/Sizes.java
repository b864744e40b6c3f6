package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.CiphertextSizes;
import dev.fieldvault.keys.ColumnStorage;

/** Column widths that fit a ciphertext: the core's {@link CiphertextSizes}, with Hibernate's default length. */
final class Sizes {

  /** The plaintext length assumed when a column declares none (Hibernate's default). */
  static final long DEFAULT_LENGTH = 255;

  private Sizes() {}

  /** The column length that holds any ciphertext of such a plaintext in the given storage. */
  static long columnLength(Class<?> type, long declaredLength, ColumnStorage storage) {
    return CiphertextSizes.columnLength(type, declaredLength, storage);
  }
}
