/**
 * Data keysets stored in a database table under a KEK: {@link dev.fieldvault.jdbc.keystore.KeyStore}
 * (optimistic versioning, KEK rotation, key retirement),
 * {@link dev.fieldvault.jdbc.keystore.StoredKeyring} (the cached keyring of an instance, reloaded
 * explicitly or periodically), {@link dev.fieldvault.jdbc.keystore.KeyUsage} (what key retirement
 * checks; the rotation package's {@code KeyInventory} counts it from the headers) and {@link dev.fieldvault.jdbc.keystore.VaultTables} (the
 * table names and the shipped schema). Uses no other FieldVault JDBC package. See {@code vault-jdbc/README-rotation.md}.
 */
package dev.fieldvault.jdbc.keystore;
