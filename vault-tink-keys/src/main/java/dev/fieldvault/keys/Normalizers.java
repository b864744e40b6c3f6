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

  /** The codec's bytes: exact equality. */
  public static <T> Function<T, byte[]> exact(ValueCodec<T> codec) {
    return codec::encode;
  }

  /** Strings compared case- and width-insensitively: Unicode NFKC, trimmed, lower case (ROOT locale). */
  public static Function<String, byte[]> caseInsensitive() {
    return s -> Normalizer.normalize(s, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** E-mail addresses: as {@link #caseInsensitive()} (the local part is case-insensitive in practice). */
  public static Function<String, byte[]> email() {
    return caseInsensitive();
  }
}
