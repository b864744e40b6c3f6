package dev.fieldvault.keys;

import java.util.Optional;

/**
 * Per-tenant keyrings: when a {@link FieldCipher} has them, every value whose context names a tenant
 * is encrypted and decrypted with that tenant's keyring. Deleting a tenant's keysets (and calling
 * {@link FieldCipher#forgetTenant}) makes its data unreadable: crypto-shredding for erasure requests.
 *
 * <p>The cipher caches each tenant's unwrapped keys after the first look-up; implementations may be
 * slow (a database or KMS call) but must be thread-safe.
 */
@FunctionalInterface
public interface TenantKeyrings {

  /** The tenant's keyring, or empty when the tenant has none (not provisioned, or erased). */
  Optional<Keyring> keyringFor(String tenant);
}
