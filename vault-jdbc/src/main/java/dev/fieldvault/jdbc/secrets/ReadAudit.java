package dev.fieldvault.jdbc.secrets;

/** How successful reads are audited (refusals and decryption failures are always audited at once). */
public enum ReadAudit {
  /** In the read's own transaction: a read is a write; audited reads serialize on the audit head row. */
  SYNC,
  /**
   * Queued in memory and appended in batches by a background thread (every 50 ms, up to 1,000 events
   * per transaction; a full queue makes the reader append synchronously). Reads cost one select; read
   * events not yet flushed are lost if the process dies. {@link SecretsVault#close()} flushes.
   */
  BATCHED,
  /** Successful reads are not audited; reads that return no value still are. */
  OFF
}
