package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyset;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.TenantKeyrings;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.FieldVaultProperties;
import java.util.Optional;

/**
 * Per-tenant keyrings from the key store, by name pattern ({@code tenant-{tenant}-aead} ...). A tenant
 * with neither an AEAD nor a deterministic keyset has no keyring: its values cannot be read or written.
 */
final class StoredTenantKeyrings implements TenantKeyrings {

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
      return Optional.empty();
    }
    return Optional.of(Keyring.of(aead, daead, find(patterns.getPrf(), tenant)));
  }

  private VaultKeyset find(String pattern, String tenant) {
    if (pattern == null || pattern.isBlank()) {
      return null;
    }
    return store.find(pattern.replace("{tenant}", tenant)).map(StoredKeyset::keyset).orElse(null);
  }
}
