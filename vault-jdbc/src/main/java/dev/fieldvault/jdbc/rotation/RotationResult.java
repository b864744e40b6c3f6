package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.KeyInventory;
import java.util.List;

/**
 * The outcome of {@link Rewrapper#run()}.
 *
 * @param rotationId the rotation
 * @param complete whether every range of every table is done (by this or another worker)
 * @param stopped whether {@link Rewrapper#stop()} ended the run early
 * @param tables this worker's final progress per table
 * @param inventory values per key version per column after the run (null if it was not taken)
 * @param valuesOffPrimary values (and blind indexes) in the inventory not under a primary key
 */
public record RotationResult(String rotationId, boolean complete, boolean stopped, List<RotationProgress> tables,
    KeyInventory inventory, long valuesOffPrimary) {

  public RotationResult {
    tables = List.copyOf(tables);
  }

  /** Rows this worker re-encrypted (in a dry run: rows that need it). */
  public long rowsRewrapped() {
    return tables.stream().mapToLong(RotationProgress::rowsRewrapped).sum();
  }

  public long rowsScanned() {
    return tables.stream().mapToLong(RotationProgress::rowsScanned).sum();
  }

  public long rowsConflicted() {
    return tables.stream().mapToLong(RotationProgress::rowsConflicted).sum();
  }
}
