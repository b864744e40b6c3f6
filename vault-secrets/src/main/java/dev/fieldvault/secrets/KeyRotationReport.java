package dev.fieldvault.secrets;

import dev.fieldvault.jdbc.rotation.RotationResult;
import java.util.List;

/**
 * The outcome of {@link SecretsVault#rotateKeys(KeyRotation)}.
 *
 * @param rotationId the rotation (pass it to {@link KeyRotation.Builder#rotationId} to resume or join it)
 * @param complete whether every key range is done and no selected data key is left on an old key
 * @param dataKeysScanned rows this worker scanned
 * @param dataKeysRewrapped data keys this worker rewrapped (the values were not rewritten)
 * @param valuesMigrated values written before the envelope that this run moved to it (new data keys)
 * @param failed values that could not be rewrapped or migrated (left as they are; logged by row)
 * @param stores per store that had data keys to rewrap or values to migrate
 * @param rotation the shared rewrapper's own result (progress per table)
 */
public record KeyRotationReport(String rotationId, boolean complete, long dataKeysScanned, long dataKeysRewrapped,
    long valuesMigrated, long failed, List<Store> stores, RotationResult rotation) {

  public KeyRotationReport {
    stores = List.copyOf(stores);
  }

  /**
   * One store's counts. {@code before} and {@code left} are the selected data keys (wrapped by the
   * keys being rotated away from) found before and after the run, whoever rewrapped them (several
   * instances may run one rotation); {@code rewrapped()} is their difference.
   *
   * @param namespace the store's namespace
   * @param tenant its tenant, or null
   * @param before selected data keys when the run started
   * @param left selected data keys when it ended (0 when the store is done)
   * @param migrated values of this store this run moved to the envelope
   */
  public record Store(String namespace, String tenant, long before, long left, long migrated) {

    /** Data keys rewrapped during the run: {@code before - left} (never negative). */
    public long rewrapped() {
      return Math.max(0, before - left);
    }
  }
}
