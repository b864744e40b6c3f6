package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of a write: plaintext metadata, an expiry (a TTL or an instant), and an expected version
 * for compare-and-set. Immutable; built with {@link #builder()}.
 *
 * <p>For {@code put}, unset metadata means none and an unset expiry means the value never expires.
 * For {@code update}, unset parts are kept as they are.
 */
public final class PutOptions {

  /** Expected version meaning "the name must not exist yet". */
  public static final long MUST_NOT_EXIST = 0;

  private static final PutOptions NONE = builder().build();

  private final Map<String, String> metadata;
  private final Duration ttl;
  private final Instant expiresAt;
  private final boolean clearExpiry;
  private final Long expectedVersion;

  private PutOptions(Builder b) {
    this.metadata = b.metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.ttl = b.ttl;
    this.expiresAt = b.expiresAt;
    this.clearExpiry = b.clearExpiry;
    this.expectedVersion = b.expectedVersion;
  }

  /** No metadata, no expiry, no expected version. */
  public static PutOptions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The metadata, or null when not set. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The absolute expiry at {@code now}, or null when none is set. */
  public Instant expiryAt(Instant now) {
    return ttl != null ? now.plus(ttl) : expiresAt;
  }

  /** Whether an expiry (or its removal) was set. */
  public boolean expirySet() {
    return ttl != null || expiresAt != null || clearExpiry;
  }

  /** The expected current version for compare-and-set, or null. */
  public Long expectedVersion() {
    return expectedVersion;
  }

  /** Builds {@link PutOptions}; each setter validates its argument. */
  public static final class Builder {
    private Map<String, String> metadata;
    private Duration ttl;
    private Instant expiresAt;
    private boolean clearExpiry;
    private Long expectedVersion;

    private Builder() {}

    /**
     * Plaintext metadata, stored and listed as it is: never put a secret here.
     *
     * @throws VaultConfigurationException for a null key or value, or one holding an unpaired UTF-16
     *     surrogate (not text: a database would store {@code ?} instead); the message never repeats a value
     */
    public Builder metadata(Map<String, String> metadata) {
      Objects.requireNonNull(metadata, "metadata");
      metadata.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new VaultConfigurationException("Metadata keys and values must not be null");
        }
      });
      String problem = Names.metadataProblem(metadata);
      if (problem != null) {
        throw new VaultConfigurationException("Metadata must be valid Unicode text, but " + problem
            + ": fix the text (metadata is stored and filtered exactly as given)");
      }
      this.metadata = metadata;
      return this;
    }

    /** Expires this long after the write; must be positive. */
    public Builder ttl(Duration ttl) {
      if (ttl == null || ttl.isZero() || ttl.isNegative()) {
        throw new VaultConfigurationException("A TTL must be a positive duration, not " + ttl);
      }
      this.ttl = ttl;
      this.expiresAt = null;
      this.clearExpiry = false;
      return this;
    }

    /** Expires at this instant. */
    public Builder expiresAt(Instant at) {
      this.expiresAt = Objects.requireNonNull(at, "at");
      this.ttl = null;
      this.clearExpiry = false;
      return this;
    }

    /** Removes any expiry (meaningful for {@code update}). */
    public Builder noExpiry() {
      this.clearExpiry = true;
      this.ttl = null;
      this.expiresAt = null;
      return this;
    }

    /** Compare-and-set: write only if the current version is this one ({@link #MUST_NOT_EXIST}: absent). */
    public Builder expectedVersion(long version) {
      if (version < 0) {
        throw new VaultConfigurationException("An expected version is 0 (must not exist) or positive, not " + version);
      }
      this.expectedVersion = version;
      return this;
    }

    public PutOptions build() {
      return new PutOptions(this);
    }
  }

  @Override
  public String toString() {
    return "PutOptions{metadataKeys=" + (metadata == null ? null : metadata.keySet()) + ", ttl=" + ttl
        + ", expiresAt=" + expiresAt + ", clearExpiry=" + clearExpiry + ", expectedVersion=" + expectedVersion + "}";
  }
}
