package dev.fieldvault.secrets;

/**
 * What a maintenance run did: entries visited, changed (deleted, rotated or re-encrypted) and skipped
 * (changed concurrently or failed; a later run picks them up).
 */
public record MaintenanceReport(long scanned, long changed, long skipped) {}
