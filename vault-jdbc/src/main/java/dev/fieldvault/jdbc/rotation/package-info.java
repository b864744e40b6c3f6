/**
 * The batch rewrapper: {@link dev.fieldvault.jdbc.rotation.Rewrapper} moves every value of the
 * declared {@link dev.fieldvault.jdbc.rotation.EncryptedTable}s to the primary keys, in place, with
 * compare-and-set writes, per-batch checkpoints and range claiming across workers. See
 * {@code vault-jdbc/README-rotation.md}.
 */
package dev.fieldvault.jdbc.rotation;
