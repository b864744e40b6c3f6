package dev.fieldvault.secrets;

import java.time.Instant;
import java.util.Map;

/**
 * The answer to a read: either {@link Status#OK} with the value, its metadata, version, expiry and
 * update time, or the reason there is no value ({@link Status#NOT_FOUND}, {@link Status#EXPIRED},
 * {@link Status#KEY_UNAVAILABLE}, {@link Status#ACCESS_DENIED}). {@code toString} never shows the value.
 */
public final class SecretResult {

  private final Status status;
  private final SecretValue value;
  private final Map<String, String> metadata;
  private final long version;
  private final Instant expiresAt;
  private final Instant updatedAt;

  SecretResult(Status status, SecretValue value, Map<String, String> metadata, long version, Instant expiresAt,
      Instant updatedAt) {
    this.status = status;
    this.value = value;
    this.metadata = metadata == null ? Map.of() : metadata;
    this.version = version;
    this.expiresAt = expiresAt;
    this.updatedAt = updatedAt;
  }

  static SecretResult of(Status status) {
    return new SecretResult(status, null, null, 0, null, null);
  }

  public Status status() {
    return status;
  }

  public boolean isFound() {
    return status == Status.OK;
  }

  /** The value; throws {@link IllegalStateException} naming the reason when there is none. */
  public SecretValue value() {
    if (value == null) {
      throw new IllegalStateException("No secret value: " + status);
    }
    return value;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** The version read (0 when there is none). */
  public long version() {
    return version;
  }

  /** The expiry, or null when the value never expires. */
  public Instant expiresAt() {
    return expiresAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /**
   * The value's kind ({@link SecretValue#kind()}).
   *
   * @throws IllegalStateException when there is no value (naming the status)
   */
  public SecretKind kind() {
    return value().kind();
  }

  /** {@link SecretValue#asApiKey()} of the value ({@link IllegalStateException} when there is none). */
  public Secrets.ApiKey asApiKey() {
    return value().asApiKey();
  }

  /** {@link SecretValue#asDatabaseCredentials()} of the value ({@link IllegalStateException} when there is none). */
  public Secrets.DatabaseCredentials asDatabaseCredentials() {
    return value().asDatabaseCredentials();
  }

  /** {@link SecretValue#asCertificate()} of the value ({@link IllegalStateException} when there is none). */
  public Secrets.Certificate asCertificate() {
    return value().asCertificate();
  }

  /** {@link SecretValue#asSigningKey()} of the value ({@link IllegalStateException} when there is none). */
  public Secrets.SigningKey asSigningKey() {
    return value().asSigningKey();
  }

  /** {@link SecretValue#asOAuthToken()} of the value ({@link IllegalStateException} when there is none). */
  public Secrets.OAuthToken asOAuthToken() {
    return value().asOAuthToken();
  }

  /** {@link SecretValue#asConfig()} of the value ({@link IllegalStateException} when there is none). */
  public Map<String, String> asConfig() {
    return value().asConfig();
  }

  @Override
  public String toString() {
    return "SecretResult{" + status + (status == Status.OK ? ", version=" + version + ", " + value : "") + "}";
  }
}
