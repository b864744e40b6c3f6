package dev.fieldvault.keys;

import java.util.Optional;

/**
 * Per-tenant keyrings: when a {@link FieldCipher} has them, every value whose context names a tenant
 * is encrypted and decrypted with that tenant's keyring. Deleting a tenant's keysets (and calling
 * {@link FieldCipher#forgetTenant}) makes its data unreadable: crypto-shredding for erasure requests.
 *
 * <p>The cipher caches each tenant's unwrapped keys after the first look-up: until
 * {@link FieldCipher#forgetTenant}, or for at most the interval given to
 * {@link FieldCipher#create(Keyring, TenantKeyrings, java.time.Duration)}, after which it asks again
 * (so that every instance stops using a deleted tenant's keys within that interval). Implementations
 * may be slow (a database or KMS call) but must be thread-safe; returning the same {@link Keyring}
 * object while a tenant's keysets are unchanged lets the cipher keep its unwrapped keys
 * ({@code dev.fieldvault.jdbc.keystore.StoredTenantKeyrings} does: keysets in the key store table).
 */
@FunctionalInterface
public interface TenantKeyrings {

  /** The tenant's keyring, or empty when the tenant has none (not provisioned, or erased). */
  Optional<Keyring> keyringFor(String tenant);
}
