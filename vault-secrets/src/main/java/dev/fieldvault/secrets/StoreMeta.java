package dev.fieldvault.secrets;

import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.secrets.internal.Envelope;
import java.time.Duration;

/** A store's row: id, names and options (default TTL and version age in milliseconds, or null). */
record StoreMeta(long id, String namespace, String tenant, boolean sealed, int maxVersions, Long defaultTtlMs,
    Long versionMaxAgeMs) {

  static final String DOMAIN_PREFIX = "fieldvault.secrets:";

  StoreMeta(long id, String namespace, String tenant, boolean sealed, int maxVersions) {
    this(id, namespace, tenant, sealed, maxVersions, null, null);
  }

  /** The options the store was created with. */
  StoreOptions options() {
    return new StoreOptions(sealed, maxVersions, defaultTtlMs == null ? null : Duration.ofMillis(defaultTtlMs),
        versionMaxAgeMs == null ? null : Duration.ofMillis(versionMaxAgeMs));
  }

  /** Where one version of one entry is stored, for its envelope (docs/FORMAT.md, "Secrets vault envelope"). */
  Envelope.Slot slot(String nameKey, long version) {
    return new Envelope.Slot(namespace, tenant, nameKey, version);
  }

  /**
   * The context of one version of one entry written before the envelope (a legacy value, read and
   * migrated by the rewrap): namespace, tenant, name key and version are all bound.
   */
  EncryptionContext context(String nameKey, long version) {
    return EncryptionContext.of(DOMAIN_PREFIX + namespace, "value", tenant, nameKey + "@v" + version);
  }

  String describe() {
    return "store '" + namespace + "'" + (tenant == null ? "" : " of tenant '" + tenant + "'");
  }
}
