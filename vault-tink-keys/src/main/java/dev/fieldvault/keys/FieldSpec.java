package dev.fieldvault.keys;

import java.util.Objects;
import java.util.function.Function;

/**
 * How one field is encrypted: its context names, Java type, mode, row binding, compression and blind
 * index. Immutable; validated when built, so a bad combination fails at start-up.
 *
 * <pre>{@code
 * FieldSpec<String> email = FieldSpec.builder("Customer", "email", ValueCodecs.STRING)
 *     .mode(EncryptionMode.DETERMINISTIC)
 *     .build();
 * }</pre>
 *
 * @param <T> the field's Java type
 */
public final class FieldSpec<T> {

  /** The blind index length used when none is given, in bytes of PRF output. */
  public static final int DEFAULT_BLIND_INDEX_LENGTH = 16;

  private final String domain;
  private final String field;
  private final ValueCodec<T> codec;
  private final EncryptionMode mode;
  private final boolean rowBound;
  private final int compressAbove;
  private final int blindIndexLength;
  private final Function<T, byte[]> normalizer;

  private FieldSpec(Builder<T> b) {
    this.domain = b.domain;
    this.field = b.field;
    this.codec = b.codec;
    this.mode = b.mode;
    this.rowBound = b.rowBound;
    this.compressAbove = b.compressAbove;
    this.blindIndexLength = b.blindIndexLength;
    this.normalizer = b.normalizer;
  }

  /** A builder for a field in {@code domain} (entity or table) named {@code field} (attribute or column). */
  public static <T> Builder<T> builder(String domain, String field, ValueCodec<T> codec) {
    return new Builder<>(domain, field, codec);
  }

  /** A builder for a field of a type {@link ValueCodecs#forType} knows. */
  public static <T> Builder<T> builder(String domain, String field, Class<T> type) {
    return new Builder<>(domain, field, ValueCodecs.forType(type));
  }

  public String domain() {
    return domain;
  }

  public String field() {
    return field;
  }

  public ValueCodec<T> codec() {
    return codec;
  }

  public EncryptionMode mode() {
    return mode;
  }

  /** Whether ciphertexts are bound to their row's id. */
  public boolean rowBound() {
    return rowBound;
  }

  /** Plaintexts of at least this many bytes are compressed when that helps; negative: never. */
  public int compressAbove() {
    return compressAbove;
  }

  /** Blind index length in bytes of PRF output, or 0 when the field has no blind index. */
  public int blindIndexLength() {
    return blindIndexLength;
  }

  Function<T, byte[]> normalizer() {
    return normalizer;
  }

  String describe() {
    return domain + "." + field;
  }

  @Override
  public String toString() {
    return "FieldSpec{" + describe() + ", " + codec.type().getSimpleName() + ", " + mode
        + (rowBound ? ", row-bound" : "") + (compressAbove >= 0 ? ", compress>=" + compressAbove : "")
        + (blindIndexLength > 0 ? ", blind index " + blindIndexLength : "") + "}";
  }

  /** Builds a {@link FieldSpec}. */
  public static final class Builder<T> {
    private final String domain;
    private final String field;
    private final ValueCodec<T> codec;
    private EncryptionMode mode = EncryptionMode.RANDOMIZED;
    private boolean rowBound;
    private int compressAbove = -1;
    private int blindIndexLength;
    private Function<T, byte[]> normalizer;

    private Builder(String domain, String field, ValueCodec<T> codec) {
      EncryptionContext.of(domain, field); // validates the names
      this.domain = domain;
      this.field = field;
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** Randomized (default) or deterministic. */
    public Builder<T> mode(EncryptionMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Binds each ciphertext to its row's id (randomized fields only). */
    public Builder<T> rowBound(boolean rowBound) {
      this.rowBound = rowBound;
      return this;
    }

    /** Compresses plaintexts of at least {@code bytes} bytes when that makes them smaller. */
    public Builder<T> compressAbove(int bytes) {
      if (bytes < 0) {
        throw new VaultConfigurationException("compressAbove must be >= 0 bytes, not " + bytes);
      }
      this.compressAbove = bytes;
      return this;
    }

    /** Adds a blind index of the codec's exact bytes, {@value #DEFAULT_BLIND_INDEX_LENGTH_TEXT} bytes long. */
    public Builder<T> blindIndex() {
      return blindIndex(DEFAULT_BLIND_INDEX_LENGTH, Normalizers.exact(codec));
    }

    /**
     * Adds a blind index of {@code length} bytes (4 to 32) over {@code normalizer(value)}. Shorter
     * indexes make more unrelated values collide (queries then filter the extra rows after
     * decryption) and reveal less about equal values.
     */
    public Builder<T> blindIndex(int length, Function<T, byte[]> normalizer) {
      if (length < FieldCipher.MIN_BLIND_INDEX_LENGTH || length > FieldCipher.MAX_BLIND_INDEX_LENGTH) {
        throw new VaultConfigurationException("Field " + domain + "." + field + ": a blind index length must"
            + " be " + FieldCipher.MIN_BLIND_INDEX_LENGTH + " to " + FieldCipher.MAX_BLIND_INDEX_LENGTH
            + " bytes, not " + length);
      }
      this.blindIndexLength = length;
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      return this;
    }

    /** Validates and builds. */
    public FieldSpec<T> build() {
      if (mode == EncryptionMode.DETERMINISTIC && rowBound) {
        throw new VaultConfigurationException("Field " + domain + "." + field + " is deterministic and"
            + " row-bound: a deterministic field must give equal ciphertexts for equal values across rows,"
            + " so it cannot be bound to its row; make it randomized (with a blind index for searches)"
            + " or drop the row binding");
      }
      return new FieldSpec<>(this);
    }

    private static final String DEFAULT_BLIND_INDEX_LENGTH_TEXT = "16";
  }
}
