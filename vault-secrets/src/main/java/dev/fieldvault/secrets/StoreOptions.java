package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * How a store is created: sealed or not, and how many versions of each entry are kept.
 *
 * @param sealed names kept only as keyed hashes and values encrypted under the caller's secret first
 * @param maxVersions versions kept per entry (the current one included), 1 to 10,000
 */
public record StoreOptions(boolean sealed, int maxVersions) {

  /** The default: not sealed, 10 versions kept. */
  public static final StoreOptions DEFAULT = new StoreOptions(false, 10);

  public StoreOptions {
    if (maxVersions < 1 || maxVersions > 10_000) {
      throw new VaultConfigurationException("maxVersions must be 1 to 10000, not " + maxVersions);
    }
  }

  /** A sealed store with the default version count. */
  public static StoreOptions sealedStore() {
    return new StoreOptions(true, DEFAULT.maxVersions);
  }

  public StoreOptions withMaxVersions(int max) {
    return new StoreOptions(sealed, max);
  }
}
