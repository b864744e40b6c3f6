package dev.fieldvault.keys;

import dev.fieldvault.keys.internal.AssociatedData;

/**
 * The one unambiguous encoding of a list of strings FieldVault binds into associated data and
 * derivation inputs: {@code lp(s) = uint32_be(byte length of utf8(s)) || utf8(s)}, concatenated
 * (docs/FORMAT.md). Public so that the modules built on this one (the secrets vault's sealed
 * namespaces) derive their inputs with the same encoding instead of a copy of it.
 */
public final class LengthPrefixed {

  private LengthPrefixed() {}

  /** {@code lp(part1) || lp(part2) || ...}; never plain concatenation. */
  public static byte[] encode(String... parts) {
    return AssociatedData.lengthPrefixed(parts);
  }
}
