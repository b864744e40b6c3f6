package dev.fieldvault.secrets;

import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link SecretsVault#rotateKeys(KeyRotation)} runs: which data keys it rewraps, in batches of
 * what size, under which rotation id. Immutable; each setting is validated when set.
 *
 * <pre>{@code
 * KeyRotationReport r = vault.rotateKeys(KeyRotation.builder()
 *     .fromKeyIds(retiredKeyId)        // only data keys wrapped by the key being retired (default: every old key)
 *     .batchSize(500)
 *     .rotationId("retire-2026-12")    // run again with the same id to resume or join it
 *     .build());
 * }</pre>
 */
public final class KeyRotation {

  /** Every data key off the primary key, batches of 500, the rewrapper's default rotation id. */
  public static final KeyRotation DEFAULT = builder().build();

  private final Set<Integer> fromKeyIds;
  private final int batchSize;
  private final String rotationId;
  private final String workerId;
  private final RotationListener listener;

  private KeyRotation(Builder b) {
    this.fromKeyIds = b.fromKeyIds;
    this.batchSize = b.batchSize;
    this.rotationId = b.rotationId;
    this.workerId = b.workerId;
    this.listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The key ids whose data keys are rewrapped, or null for every key but the primary. */
  public Set<Integer> fromKeyIds() {
    return fromKeyIds;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The rotation id, or null for the rewrapper's default (named after the primary keys and fromKeyIds). */
  public String rotationId() {
    return rotationId;
  }

  /** This worker's name in the rotation work tables, or null for a random one. */
  public String workerId() {
    return workerId;
  }

  /** The progress listener, or null. */
  public RotationListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "KeyRotation{from=" + (fromKeyIds == null ? "every old key" : fromKeyIds) + ", batch=" + batchSize
        + (rotationId == null ? "" : ", id=" + rotationId) + "}";
  }

  /** Builds a {@link KeyRotation}. */
  public static final class Builder {
    private Set<Integer> fromKeyIds;
    private int batchSize = 500;
    private String rotationId;
    private String workerId;
    private RotationListener listener;

    private Builder() {}

    /**
     * Rewraps only the data keys wrapped by these keys (their ids, as {@code AuditEvent.macKeyId()} and
     * the key inventory show them); data keys under other old keys are left for another rotation.
     */
    public Builder fromKeyIds(int... keyIds) {
      Objects.requireNonNull(keyIds, "keyIds");
      return fromKeyIds(Arrays.stream(keyIds).boxed().toList());
    }

    /** As {@link #fromKeyIds(int...)}. */
    public Builder fromKeyIds(Collection<Integer> keyIds) {
      if (keyIds == null || keyIds.isEmpty() || keyIds.stream().anyMatch(java.util.Objects::isNull)) {
        throw new VaultConfigurationException("fromKeyIds needs one or more key ids (the keys whose data keys to"
            + " rewrap); leave it unset to rewrap every data key off the primary key");
      }
      this.fromKeyIds = Set.copyOf(keyIds);
      return this;
    }

    /** Rows per batch and transaction: 1 to 10,000 (default 500). */
    public Builder batchSize(int rows) {
      if (rows < 1 || rows > 10_000) {
        throw new VaultConfigurationException("A batch size must be 1 to 10000, not " + rows);
      }
      this.batchSize = rows;
      return this;
    }

    /**
     * The rotation to run, resume or join, 1 to 160 characters: every instance running the same id
     * shares its key ranges, and a stopped run resumes from its last committed batch.
     */
    public Builder rotationId(String id) {
      if (id == null || id.isBlank() || id.length() > 160) {
        throw new VaultConfigurationException("A rotation id must be 1-160 characters");
      }
      this.rotationId = id;
      return this;
    }

    /**
     * This worker's name, 1 to 160 characters (default: random). A worker restarted under the same
     * name takes back the key ranges it held at once instead of waiting for their leases (60 s); never
     * give two running workers the same name.
     */
    public Builder workerId(String id) {
      if (id == null || id.isBlank() || id.length() > 160) {
        throw new VaultConfigurationException("A worker id must be 1-160 characters");
      }
      this.workerId = id;
      return this;
    }

    /** Hears the rewrapper's progress per table after each batch. */
    public Builder listener(RotationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public KeyRotation build() {
      return new KeyRotation(this);
    }
  }
}
