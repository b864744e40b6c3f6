package dev.fieldvault.secrets;

/**
 * The result of an export or an import: entries and versions handled, ciphertexts verified to decrypt
 * with the loaded keys (the outer layer, for sealed stores), and failures. A dry run writes nothing.
 */
public record BackupReport(long entries, long versions, long verified, long failed, boolean dryRun) {}
