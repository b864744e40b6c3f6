package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.TenantKeyrings;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-tenant keyrings kept in the key store table: tenant {@code t} has the keysets
 * {@code <prefix>t-aead}, {@code <prefix>t-daead} and {@code <prefix>t-prf} (those it uses). Give it
 * to a cipher with a refresh interval, so that every instance stops using a shredded tenant's keys
 * within that interval:
 *
 * <pre>{@code
 * StoredTenantKeyrings tenants = StoredTenantKeyrings.of(store, "tenant-");
 * FieldCipher cipher = FieldCipher.create(defaultKeyring, tenants, Duration.ofSeconds(30));
 * tenants.provision("acme");               // once, when the tenant is created
 * tenants.shred("acme");                   // erasure: its keysets are deleted, its data unreadable
 * cipher.forgetTenant("acme");             // at once on this instance; the others within 30 s
 * }</pre>
 *
 * <p>{@link #keyringFor} costs one query of the tenant's keysets' versions and encrypted documents
 * (digested, not decrypted) while they are unchanged and then returns the same {@link Keyring} object,
 * so the cipher keeps its unwrapped keys; the KEK is used only when a keyset changed — a new version, or
 * deleted and provisioned again (the new keysets start again at version 1: their documents tell them from
 * the shredded ones). It keeps the keyrings of at most
 * {@link #DEFAULT_MAX_CACHED} tenants (or as given to {@link #of(KeyStore, String, int)}), dropping the
 * least recently used beyond: a dropped tenant's keysets are read and unwrapped again at its next
 * look-up. Keyrings are loaded lazily, at a tenant's first look-up. Thread-safe.
 */
public final class StoredTenantKeyrings implements TenantKeyrings {

  private final KeyStore store;
  private final String prefix;
  private final Map<String, Cached> cache;

  /** How many tenants' keyrings {@link #of(KeyStore, String)} keeps: the cipher's default too. */
  public static final int DEFAULT_MAX_CACHED = dev.fieldvault.keys.FieldCipher.DEFAULT_MAX_TENANTS;

  private record Cached(Map<String, KeyStore.Stamp> versions, Keyring keyring) {}

  private StoredTenantKeyrings(KeyStore store, String prefix, int maxCached) {
    this.store = Objects.requireNonNull(store, "store");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (maxCached < 1 || maxCached > 10_000_000) {
      throw new VaultConfigurationException("The number of tenant keyrings kept must be between 1 and 10,000,000, not "
          + maxCached);
    }
    // least recently used first; a look-up costs a query, so one lock around the map is no contention
    this.cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > maxCached;
      }
    });
  }

  /**
   * The tenant keyrings of {@code store}, whose keysets are named {@code prefix + tenant + "-aead"}
   * (and {@code -daead}, {@code -prf}); a keyset name is 1-128 letters, digits and {@code . _ : / -},
   * so tenants whose identifiers have other characters cannot be served by this class.
   */
  public static StoredTenantKeyrings of(KeyStore store, String prefix) {
    return new StoredTenantKeyrings(store, prefix, DEFAULT_MAX_CACHED);
  }

  /**
   * As {@link #of(KeyStore, String)}, keeping the keyrings of at most {@code maxCached} tenants (1 to
   * 10,000,000; the least recently used beyond are dropped). Give the cipher the same bound
   * ({@code FieldCipher.create(defaults, tenants, refresh, maxCached)}): a keyring this class still
   * holds spares the cipher's look-up the KEK, not the query.
   */
  public static StoredTenantKeyrings of(KeyStore store, String prefix, int maxCached) {
    return new StoredTenantKeyrings(store, prefix, maxCached);
  }

  /** How many tenants' keyrings are held now (at most the configured bound). */
  public int cachedTenants() {
    return cache.size();
  }

  /** The names of a tenant's keysets: AEAD, deterministic AEAD, PRF. */
  public List<String> keysetNames(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    String base = prefix + tenant;
    if (!base.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,121}")) {
      throw new VaultConfigurationException("Tenant '" + tenant + "' cannot name a keyset (" + base + "-aead): tenant"
          + " identifiers must be letters, digits and . _ : / - (with the prefix, at most 122 characters)");
    }
    return List.of(base + "-aead", base + "-daead", base + "-prf");
  }

  /**
   * The tenant's keyring from its stored keysets, or empty when it has neither an AEAD nor a
   * deterministic AEAD keyset (never provisioned, or shredded).
   */
  @Override
  public Optional<Keyring> keyringFor(String tenant) {
    List<String> names = keysetNames(tenant);
    Map<String, KeyStore.Stamp> versions = store.stamps(names);
    Cached cached = cache.get(tenant);
    if (cached != null && cached.versions().equals(versions)) {
      return Optional.of(cached.keyring());
    }
    VaultKeyset aead = load(names.get(0), versions);
    VaultKeyset daead = load(names.get(1), versions);
    if (aead == null && daead == null) {
      cache.remove(tenant);
      return Optional.empty();
    }
    Keyring keyring = Keyring.of(aead, daead, load(names.get(2), versions));
    cache.put(tenant, new Cached(versions, keyring));
    return Optional.of(keyring);
  }

  private VaultKeyset load(String name, Map<String, KeyStore.Stamp> versions) {
    if (!versions.containsKey(name)) {
      return null;
    }
    return store.find(name).map(StoredKeyset::keyset).orElse(null); // deleted in between: absent
  }

  /**
   * Creates the tenant's keysets (AEAD, deterministic AEAD and PRF; those already stored are kept)
   * and returns its keyring.
   */
  public Keyring provision(String tenant) {
    List<String> names = keysetNames(tenant);
    KeyPurpose[] purposes = {KeyPurpose.AEAD, KeyPurpose.DETERMINISTIC_AEAD, KeyPurpose.PRF};
    Map<String, Long> stored = store.versions(names);
    for (int i = 0; i < names.size(); i++) {
      if (!stored.containsKey(names.get(i))) {
        store.insert(VaultKeyset.generate(names.get(i), purposes[i]));
      }
    }
    return keyringFor(tenant).orElseThrow();
  }

  /**
   * Crypto-shredding: deletes the tenant's keysets ({@link KeyStore#delete}, one transaction, logged):
   * its values can no longer be decrypted by anyone. Call {@code cipher.forgetTenant(tenant)} on this
   * instance; the others stop within their cipher's tenant refresh interval.
   *
   * @return the number of keysets deleted (0 if the tenant had none)
   */
  public int shred(String tenant) {
    int n = store.delete(keysetNames(tenant));
    cache.remove(tenant);
    return n;
  }

  @Override
  public String toString() {
    return "StoredTenantKeyrings{" + store.tables().keyset() + ", prefix '" + prefix + "'}";
  }
}
