package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.time.Duration;

/**
 * How a store is created, kept with the store: sealed or not, its default TTL, and how long and how
 * many versions of each entry are kept. Immutable; validated when built.
 *
 * @param sealed names kept only as keyed hashes and values encrypted under the caller's secret first
 * @param maxVersions versions kept per entry (the current one included), 1 to 10,000
 * @param defaultTtl the expiry of a {@code put} that sets none (null: such values never expire);
 *     {@link PutOptions.Builder#noExpiry()} opts a write out. 1 second to 100 years
 * @param versionMaxAge older versions are deleted once this old (since written), on the next write of
 *     the entry and by {@link SecretsVault#pruneVersions()}; the current version is always kept
 *     (null: by count only). 1 second to 100 years
 */
public record StoreOptions(boolean sealed, int maxVersions, Duration defaultTtl, Duration versionMaxAge) {

  private static final Duration MAX = Duration.ofDays(36_525);

  /** The default: not sealed, 10 versions kept, no default TTL, versions kept regardless of age. */
  public static final StoreOptions DEFAULT = new StoreOptions(false, 10);

  public StoreOptions {
    if (maxVersions < 1 || maxVersions > 10_000) {
      throw new VaultConfigurationException("maxVersions must be 1 to 10000, not " + maxVersions);
    }
    check("defaultTtl", defaultTtl);
    check("versionMaxAge", versionMaxAge);
  }

  /** Options without a default TTL and without a version age limit. */
  public StoreOptions(boolean sealed, int maxVersions) {
    this(sealed, maxVersions, null, null);
  }

  /** A sealed store with the default version count. */
  public static StoreOptions sealedStore() {
    return new StoreOptions(true, DEFAULT.maxVersions);
  }

  public StoreOptions withMaxVersions(int max) {
    return new StoreOptions(sealed, max, defaultTtl, versionMaxAge);
  }

  /** Values written without an expiry expire after {@code ttl} (null: never). */
  public StoreOptions withDefaultTtl(Duration ttl) {
    return new StoreOptions(sealed, maxVersions, ttl, versionMaxAge);
  }

  /** Versions other than the current one are deleted once older than {@code age} (null: no limit). */
  public StoreOptions withVersionMaxAge(Duration age) {
    return new StoreOptions(sealed, maxVersions, defaultTtl, age);
  }

  private static void check(String what, Duration d) {
    if (d != null && (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX) > 0)) {
      throw new VaultConfigurationException(what + " must be 1 second to 100 years, or null for none, not " + d);
    }
  }
}
