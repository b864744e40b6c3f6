package dev.fieldvault.kms.aws;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.KmsClients;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.kms.aws.internal.KeyUri;
import dev.fieldvault.kms.aws.internal.KmsAead;
import dev.fieldvault.kms.aws.internal.KmsKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * AWS KMS on the AWS SDK for Java v2, as FieldVault {@link KeyEncryptionKey}s and as a Tink
 * {@link KmsClient} for key URIs {@code aws-kms://arn:aws:kms:<region>:<account>:key/<key id>}
 * (or {@code …:alias/<name>}, or a bare key id or {@code alias/<name>} in the client's region).
 *
 * <pre>{@code
 * AwsKmsClient kms = AwsKmsClient.builder().build();       // default credential and region chain
 * KeyEncryptionKey kek = kms.keyEncryptionKey("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/…");
 * KeyStore store = KeyStore.create(dataSource, kek);
 * }</pre>
 *
 * <p>KMS is called when a keyset is loaded or saved, never per field value: keysets are cached
 * unwrapped by whoever loaded them ({@code StoredKeyring}, {@code FieldCipher}). A keyset is bound to
 * its KMS ciphertext through the encryption context {@code fieldvault:keyset} (the keyset's name,
 * visible in CloudTrail and usable in key policy conditions) and {@code fieldvault:ad} (a SHA-256 of
 * the document's metadata). The first use of a key checks it with {@code DescribeKey} (enabled, a
 * symmetric encryption key). Throttling and transient errors are retried with exponential backoff;
 * failures are typed ({@link AwsKmsException} and its subclasses) and name the key URI.
 *
 * <p>Thread-safe. {@link #close()} releases the SDK clients.
 */
public final class AwsKmsClient implements KmsClient, AutoCloseable {

  /** The key URI prefix this client supports. */
  public static final String PREFIX = KeyUri.PREFIX;

  private final KmsKeys keys;
  private final String boundKeyUri;

  private AwsKmsClient(KmsKeys keys, String boundKeyUri) {
    this.keys = keys;
    this.boundKeyUri = boundKeyUri;
  }

  /** A builder with the SDK's default credential and region chains and FieldVault's retry policy. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The key-encryption key for an {@code aws-kms://} key URI. Its {@link KeyEncryptionKey#id() id}
   * is {@code kms:<key uri>}, stored beside every keyset it wraps. Nothing is sent to KMS until a
   * keyset is loaded or saved.
   *
   * @throws VaultConfigurationException if the URI is not an {@code aws-kms://} key URI
   */
  public KeyEncryptionKey keyEncryptionKey(String keyUri) {
    KeyUri uri = parse(keyUri);
    return new KeyEncryptionKey() {
      @Override
      public String id() {
        return "kms:" + uri.uri();
      }

      @Override
      public Aead aead() {
        return new KmsAead(keys, uri, null);
      }

      @Override
      public Aead aeadForKeyset(String keysetName) {
        return new KmsAead(keys, uri, Objects.requireNonNull(keysetName, "keysetName"));
      }

      @Override
      public String toString() {
        return "KeyEncryptionKey{kms:" + uri.uri() + "}";
      }
    };
  }

  /** Registers this client with Tink's {@link KmsClients}, so {@code KeyEncryptionKeys.fromKms(uri)} finds it. */
  public AwsKmsClient register() {
    KmsClients.add(this);
    return this;
  }

  @Override
  public boolean doesSupport(String keyUri) {
    if (keyUri == null || !keyUri.toLowerCase(Locale.ROOT).startsWith(PREFIX)
        || keyUri.length() == PREFIX.length()) {
      return false;
    }
    return boundKeyUri == null || boundKeyUri.equals(keyUri);
  }

  /**
   * A client with the credentials of the default profile in an AWS shared credentials file
   * ({@code ~/.aws/credentials} format); the rest of the configuration is kept.
   */
  @Override
  public KmsClient withCredentials(String credentialPath) {
    ProfileFile file = ProfileFile.builder().content(Path.of(credentialPath))
        .type(ProfileFile.Type.CREDENTIALS).build();
    return new AwsKmsClient(keys.withCredentials(
        ProfileCredentialsProvider.builder().profileFile(file).build()), boundKeyUri);
  }

  /** A client with the SDK's default credential chain (environment, profile, container, instance role). */
  @Override
  public KmsClient withDefaultCredentials() {
    return new AwsKmsClient(keys.withCredentials(DefaultCredentialsProvider.builder().build()), boundKeyUri);
  }

  /**
   * Tink's AEAD for a key URI. It binds only {@code fieldvault:ad} (a digest of the associated data)
   * as encryption context: for FieldVault keysets use {@link #keyEncryptionKey}, which also binds the
   * keyset's name.
   */
  @Override
  public Aead getAead(String keyUri) {
    if (!doesSupport(keyUri)) {
      throw new VaultConfigurationException("This AwsKmsClient does not support key URI '" + keyUri
          + "': it takes aws-kms://arn:aws:kms:<region>:<account>:key/<id>"
          + (boundKeyUri == null ? "" : " and is bound to " + boundKeyUri));
    }
    return new KmsAead(keys, parse(keyUri), null);
  }

  @Override
  public void close() {
    keys.close();
  }

  @Override
  public String toString() {
    return "AwsKmsClient{" + keys + (boundKeyUri == null ? "" : ", key=" + boundKeyUri) + "}";
  }

  private static KeyUri parse(String keyUri) {
    return KeyUri.parse(keyUri);
  }

  /** Settings of an {@link AwsKmsClient}; every one is optional. */
  public static final class Builder {
    private String region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    private String boundKeyUri;
    private int maxAttempts = 5;
    private Duration baseDelay = Duration.ofMillis(100);
    private Duration throttlingBaseDelay = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration callTimeout = Duration.ofSeconds(30);
    private boolean verifyKeys = true;

    private Builder() {}

    /**
     * The region for key URIs that are not ARNs (an ARN names its own region). Default: the SDK's
     * region chain ({@code AWS_REGION}, the profile, the instance metadata).
     */
    public Builder region(String region) {
      this.region = requireText(region, "region");
      return this;
    }

    /**
     * Sends every call to this endpoint instead of AWS's (a VPC endpoint, a FIPS endpoint, a local
     * KMS-compatible server). The SDK also reads {@code AWS_ENDPOINT_URL_KMS} when this is not set.
     */
    public Builder endpointOverride(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new VaultConfigurationException("The KMS endpoint must be an absolute http(s) URI such as"
            + " https://kms.eu-west-1.amazonaws.com, not '" + endpoint + "'");
      }
      this.endpoint = endpoint;
      return this;
    }

    /** The credentials. Default: the SDK's default credential chain. */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Restricts the client to one key URI (Tink's "bound" client): {@link #doesSupport} is false for others. */
    public Builder boundTo(String keyUri) {
      this.boundKeyUri = KeyUri.parse(keyUri).uri();
      return this;
    }

    /**
     * Attempts per call, the first included (1 to 20; default 5). Throttling (HTTP 400
     * {@code ThrottlingException}), HTTP 5xx and network errors are retried.
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new VaultConfigurationException("maxAttempts must be between 1 and 20, not " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The exponential backoff with full jitter between attempts: {@code base} doubles per attempt up
     * to {@code max}; after a throttling error it starts from {@code throttlingBase}. Defaults: 100 ms,
     * 500 ms, 10 s.
     */
    public Builder backoff(Duration base, Duration throttlingBase, Duration max) {
      this.baseDelay = positive(base, "base");
      this.throttlingBaseDelay = positive(throttlingBase, "throttlingBase");
      this.maxBackoff = positive(max, "max");
      if (max.compareTo(base) < 0 || max.compareTo(throttlingBase) < 0) {
        throw new VaultConfigurationException("The maximum backoff " + max + " must not be below the base delays");
      }
      return this;
    }

    /** TCP connect timeout (default 2 s) and the timeout of a whole call with its retries (default 30 s). */
    public Builder timeouts(Duration connect, Duration call) {
      this.connectTimeout = positive(connect, "connect");
      this.callTimeout = positive(call, "call");
      return this;
    }

    /**
     * Whether the first use of a key calls {@code DescribeKey} to check that it is enabled and a
     * symmetric encryption key (default true; needs {@code kms:DescribeKey}). Without it, a disabled
     * key is still reported by the Encrypt or Decrypt call.
     */
    public Builder verifyKeys(boolean verifyKeys) {
      this.verifyKeys = verifyKeys;
      return this;
    }

    public AwsKmsClient build() {
      return new AwsKmsClient(new KmsKeys(new KmsKeys.Settings(region, endpoint,
          credentials == null ? DefaultCredentialsProvider.builder().build() : credentials,
          maxAttempts, baseDelay, throttlingBaseDelay, maxBackoff, connectTimeout, callTimeout, verifyKeys)),
          boundKeyUri);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new VaultConfigurationException("The " + what + " duration must be positive, not " + d);
      }
      return d;
    }

    private static String requireText(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new VaultConfigurationException("The " + what + " must not be blank");
      }
      return s.trim();
    }
  }
}
