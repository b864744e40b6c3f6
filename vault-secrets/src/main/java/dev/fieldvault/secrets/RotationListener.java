package dev.fieldvault.secrets;

import java.time.Instant;

/**
 * Told of every value rotation that was written: {@link SecretStore#rotate(String, SecretValue)},
 * {@link SecretStore#rotate(String, RotationHandler)} and the rotation policies run by
 * {@link SecretsVault#runDueRotations()}. It receives where, which version and who, never the value
 * (read it through a store handle if needed). Register with {@link SecretsVault.Builder#rotationListener}.
 *
 * <p>Called on the rotating thread after the rotation committed. An exception it throws is logged
 * (its class name only) and does not undo the rotation or stop other listeners.
 */
@FunctionalInterface
public interface RotationListener {

  /** A rotation was committed. */
  void rotated(Rotation rotation);

  /**
   * One committed rotation.
   *
   * @param namespace the store's namespace
   * @param tenant the store's tenant, or null
   * @param name the entry's name as the caller gave it
   * @param version the new version
   * @param principal who rotated (the rotation policies: {@code fieldvault-rotation})
   * @param at when
   */
  record Rotation(String namespace, String tenant, String name, long version, String principal, Instant at) {}
}
