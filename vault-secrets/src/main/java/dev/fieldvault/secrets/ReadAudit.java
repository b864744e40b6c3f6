package dev.fieldvault.secrets;

/** How successful reads are audited (refusals and decryption failures are always audited at once). */
public enum ReadAudit {
  /**
   * A read's result is returned only after its event is committed; concurrent reads share one audit
   * transaction. The read is one select; its event goes to the vault's audit thread, which appends
   * every event waiting at that moment in one transaction (one lock of the audit head row, one commit)
   * while the next events queue up. A failed or unconfirmed append throws {@link SecretsAuditException}
   * instead of returning the result. The default.
   */
  SYNC,
  /**
   * Queued in memory and appended in batches by the audit thread (after at most 50 ms, up to 1,000
   * events per transaction; a full queue makes the reader append synchronously; a failed batch is
   * retried). Reads cost one select; read events not yet appended are lost if the process dies.
   * {@link SecretsVault#flushAudit()} and {@link SecretsVault#close()} append them.
   */
  BATCHED,
  /** Successful reads are not audited; reads that return no value still are. */
  OFF
}
