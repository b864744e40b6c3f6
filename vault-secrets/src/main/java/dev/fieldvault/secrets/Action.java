package dev.fieldvault.secrets;

/**
 * What a caller asks to do, as seen by an {@link AccessPolicy}. {@link #READ}, {@link #WRITE} and
 * {@link #DELETE} are asked by a {@link SecretStore}'s operations on entries; {@link #ADMIN} by the
 * store-level and vault-wide operations of a {@link VaultAdmin} handle (create a store, export,
 * import, key rotation, maintenance, audit). ADMIN does not include the other three, nor they it.
 */
public enum Action {
  /** Read a value, its versions, metadata, listing, counts or events. */
  READ,
  /** Write a value or change its metadata and expiry (put, rotate, rollback, update, issue). */
  WRITE,
  /** Remove an entry and its versions. */
  DELETE,
  /**
   * Administer a store or the vault through {@link SecretsVault#admin(String)}: create stores, export
   * and import, key rotation and sealed key derivation upgrades, cleanup, pruning, due rotations, audit
   * queries, verification and purge.
   */
  ADMIN
}
