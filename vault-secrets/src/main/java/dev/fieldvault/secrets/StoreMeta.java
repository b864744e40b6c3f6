package dev.fieldvault.secrets;

import dev.fieldvault.keys.EncryptionContext;

/** A store's row: id, names and options. */
record StoreMeta(long id, String namespace, String tenant, boolean sealed, int maxVersions) {

  static final String DOMAIN_PREFIX = "fieldvault.secrets:";

  /** The context of one version of one entry: namespace, tenant, name key and version are all bound. */
  EncryptionContext context(String nameKey, long version) {
    return EncryptionContext.of(DOMAIN_PREFIX + namespace, "value", tenant, nameKey + "@v" + version);
  }

  String describe() {
    return "store '" + namespace + "'" + (tenant == null ? "" : " of tenant '" + tenant + "'");
  }
}
