package dev.fieldvault.jdbc.rotation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link Rewrapper#run()}: of a key rotation, or of a plaintext migration
 * ({@link Rewrapper.Builder#migratePlaintext}), which also counts the values still plaintext.
 *
 * <p>A run ends with an inventory of the declared columns. If it still counts values off the
 * primary keys after every range was scanned (written meanwhile by an instance that has not
 * reloaded its keyring, skipped because the application changed them, or not decryptable), the run
 * is not {@code complete}: the tables holding them are re-opened, so running the same rotation
 * again scans them again. {@link #describeRemaining()} says what is left and what to run.
 *
 * @param rotationId the rotation
 * @param complete whether every range of every table is done (by this or another worker) and the
 *     final inventory counts no value off the primary keys; without a final inventory
 *     ({@link Rewrapper.Builder#finalInventory}), only whether every range is done
 * @param stopped whether {@link Rewrapper#stop()} ended the run early
 * @param tables this worker's final progress per table
 * @param inventory values per key version per column after the run (null if it was not taken)
 * @param valuesOffPrimary values (and blind indexes) in the inventory not under a primary key
 * @param valuesOffPrimaryByColumn those values per {@code table.column} (only columns that have some)
 * @param reopenedTables the tables this run re-opened for another pass (the next run of the same
 *     rotation scans them again)
 * @param migration whether this was a plaintext migration (then {@code complete} also needs
 *     {@code plaintextValues == 0})
 * @param plaintextValues in a migration's final inventory, the values still plaintext and the values
 *     without their blind index (0 in a rotation, which does not count them); header-like plaintext is
 *     counted here, not in {@code valuesOffPrimary}
 * @param plaintextByColumn those per {@code table.column} (a blind-index column: values without their
 *     blind index); only columns that have some
 */
public record RotationResult(String rotationId, boolean complete, boolean stopped, List<RotationProgress> tables,
    KeyInventory inventory, long valuesOffPrimary, Map<String, Long> valuesOffPrimaryByColumn,
    List<String> reopenedTables, boolean migration, long plaintextValues, Map<String, Long> plaintextByColumn) {

  public RotationResult {
    tables = List.copyOf(tables);
    valuesOffPrimaryByColumn = Collections.unmodifiableMap(new LinkedHashMap<>(valuesOffPrimaryByColumn));
    reopenedTables = List.copyOf(reopenedTables);
    plaintextByColumn = Collections.unmodifiableMap(new LinkedHashMap<>(plaintextByColumn));
  }

  /** The result of a key rotation (no plaintext counted). */
  public RotationResult(String rotationId, boolean complete, boolean stopped, List<RotationProgress> tables,
      KeyInventory inventory, long valuesOffPrimary, Map<String, Long> valuesOffPrimaryByColumn,
      List<String> reopenedTables) {
    this(rotationId, complete, stopped, tables, inventory, valuesOffPrimary, valuesOffPrimaryByColumn, reopenedTables,
        false, 0, Map.of());
  }

  /** Legacy plaintext values this worker encrypted (in a dry run: that it would encrypt). */
  public long plaintextEncrypted() {
    return tables.stream().mapToLong(RotationProgress::plaintextEncrypted).sum();
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

  /**
   * What the final inventory still counts off the primary keys and what to do about it, e.g.
   * {@code "Rotation to-1-2-3: 3969 values are still not under the primary keys (customer.email: 3969);
   * re-opened customer: run the same rotation again ..."}; "nothing left" when there is none.
   */
  public String describeRemaining() {
    if (valuesOffPrimaryByColumn.isEmpty() && plaintextByColumn.isEmpty()) {
      return inventory == null ? "Rotation " + rotationId + ": no final inventory was taken"
          : "Rotation " + rotationId + ": every value is under the primary keys"
              + (migration ? " and no plaintext is left" : "");
    }
    StringBuilder sb = new StringBuilder("Rotation ").append(rotationId).append(": ");
    if (!plaintextByColumn.isEmpty()) {
      sb.append(plaintextValues).append(" values are still plaintext or lack their blind index (");
      plaintextByColumn.forEach((column, n) -> sb.append(column).append(": ").append(n).append(", "));
      sb.setLength(sb.length() - 2);
      sb.append(')').append(valuesOffPrimaryByColumn.isEmpty() ? "" : "; ");
    }
    if (!valuesOffPrimaryByColumn.isEmpty()) {
      sb.append(valuesOffPrimary).append(" values are still not under the primary keys (");
      valuesOffPrimaryByColumn.forEach((column, n) -> sb.append(column).append(": ").append(n).append(", "));
      sb.setLength(sb.length() - 2);
      sb.append(')');
    }
    if (!reopenedTables.isEmpty()) {
      sb.append("; re-opened ").append(String.join(", ", reopenedTables)).append(" for another pass: run the same"
          + (migration ? " migration again (after every application instance writes encrypted values, if one still"
              + " writes plaintext)" : " rotation again (after every application instance has reloaded its keyring,"
              + " if one still writes under an old key)"));
    } else if (stopped || !tables.isEmpty() && tables.get(0).dryRun()) {
      sb.append(": run the rotation (again) to move them");
    } else {
      sb.append(": run the same rotation again once the other workers have finished their ranges");
    }
    long failed = tables.stream().mapToLong(RotationProgress::rowsFailed).sum();
    if (failed > 0) {
      sb.append("; ").append(failed).append(migration
          ? " row(s) hold a value that cannot be migrated (named in the log: not a text form of the column's type,"
              + " longer than its column, or under a key that cannot decrypt): fix, widen or clear them, then run again"
          : " row(s) hold a value that does not decrypt: another pass cannot move those, fix or clear them");
    }
    return sb.toString();
  }
}
