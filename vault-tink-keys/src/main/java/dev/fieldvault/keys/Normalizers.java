package dev.fieldvault.keys;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.function.Function;

/**
 * Normalisations applied to a value before its blind index is computed: two values that normalise
 * equally match each other in a blind-index search.
 */
public final class Normalizers {

  private Normalizers() {}

  /** The name {@link #name} gives {@link #exact}. */
  public static final String EXACT = "exact";
  /** The name {@link #name} gives {@link #caseInsensitive()} (and {@link #email()}). */
  public static final String CASE_INSENSITIVE = "case-insensitive";

  private static final Function<String, byte[]> CASE_INSENSITIVE_FUNCTION =
      s -> Normalizer.normalize(s, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT)
          .getBytes(StandardCharsets.UTF_8);

  /** The codec's exact bytes. */
  private record Exact<T>(ValueCodec<T> codec) implements Function<T, byte[]> {
    @Override
    public byte[] apply(T value) {
      return codec.encode(value);
    }
  }

  /** The codec's bytes: exact equality. */
  public static <T> Function<T, byte[]> exact(ValueCodec<T> codec) {
    return new Exact<>(java.util.Objects.requireNonNull(codec, "codec"));
  }

  /** Strings compared case- and width-insensitively: Unicode NFKC, trimmed, lower case (ROOT locale). */
  public static Function<String, byte[]> caseInsensitive() {
    return CASE_INSENSITIVE_FUNCTION;
  }

  /**
   * The name of one of these normalisers ({@link #EXACT}, {@link #CASE_INSENSITIVE}), or null for
   * a normaliser of the application's own (which a serialized column model cannot carry).
   */
  public static String name(Function<?, byte[]> normalizer) {
    if (normalizer instanceof Exact) {
      return EXACT;
    }
    return normalizer == CASE_INSENSITIVE_FUNCTION ? CASE_INSENSITIVE : null;
  }

  /** E-mail addresses: as {@link #caseInsensitive()} (the local part is case-insensitive in practice). */
  public static Function<String, byte[]> email() {
    return caseInsensitive();
  }
}
