package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyset;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.TenantKeyrings;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.FieldVaultProperties;
import dev.fieldvault.keys.KeyPurpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant keyrings from the key store, by name pattern ({@code tenant-{tenant}-aead} ...). A tenant
 * with neither an AEAD nor a deterministic keyset has no keyring: its values cannot be read or written.
 */
final class StoredTenantKeyrings implements TenantKeyrings {

  private static final Logger LOG = LoggerFactory.getLogger(StoredTenantKeyrings.class);

  private final KeyStore store;
  private final FieldVaultProperties.Tenants patterns;

  StoredTenantKeyrings(KeyStore store, FieldVaultProperties.Tenants patterns) {
    this.store = store;
    this.patterns = patterns;
  }

  @Override
  public Optional<Keyring> keyringFor(String tenant) {
    VaultKeyset aead = find(patterns.getAead(), tenant);
    VaultKeyset daead = find(patterns.getDeterministic(), tenant);
    if (aead == null && daead == null) {
      if (!patterns.isCreateIfMissing()) {
        return Optional.empty();
      }
      create(tenant);
      aead = find(patterns.getAead(), tenant);
      daead = find(patterns.getDeterministic(), tenant);
    }
    return Optional.of(Keyring.of(aead, daead, find(patterns.getPrf(), tenant)));
  }

  /** fieldvault.tenants.create-if-missing: the tenant's keysets generated on first use (development). */
  private synchronized void create(String tenant) {
    List<String> made = new ArrayList<>();
    create(patterns.getAead(), tenant, KeyPurpose.AEAD, made);
    create(patterns.getDeterministic(), tenant, KeyPurpose.DETERMINISTIC_AEAD, made);
    create(patterns.getPrf(), tenant, KeyPurpose.PRF, made);
    if (!made.isEmpty()) {
      LOG.warn("fieldvault.tenants.create-if-missing: generated the keysets {} of tenant '{}' in {} on its first use"
          + " (development only: in production provision each tenant once, e.g. `fieldvault keys generate --name {}"
          + " --purpose AEAD --jdbc-url ...`)", made, tenant, store.tables().keyset(),
          patterns.getAead().replace("{tenant}", tenant));
    }
  }

  private void create(String pattern, String tenant, KeyPurpose purpose, List<String> made) {
    if (pattern == null || pattern.isBlank()) {
      return;
    }
    String name = pattern.replace("{tenant}", tenant);
    if (store.find(name).isPresent()) {
      return;
    }
    try {
      store.insert(VaultKeyset.generate(name, purpose));
      made.add(name);
    } catch (RuntimeException e) {
      if (store.find(name).isEmpty()) { // another instance inserting the same keyset at once is fine
        throw e;
      }
    }
  }

  private VaultKeyset find(String pattern, String tenant) {
    if (pattern == null || pattern.isBlank()) {
      return null;
    }
    return store.find(pattern.replace("{tenant}", tenant)).map(StoredKeyset::keyset).orElse(null);
  }
}
