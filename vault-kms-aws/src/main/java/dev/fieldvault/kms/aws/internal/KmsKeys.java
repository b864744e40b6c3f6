package dev.fieldvault.kms.aws.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.kms.aws.AwsKmsAccessDeniedException;
import dev.fieldvault.kms.aws.AwsKmsException;
import dev.fieldvault.kms.aws.AwsKmsKeyDisabledException;
import dev.fieldvault.kms.aws.AwsKmsKeyNotFoundException;
import dev.fieldvault.kms.aws.AwsKmsUnavailableException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptionAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The SDK clients (one per region) of an {@code AwsKmsClient}, the calls, the one-time key check,
 * and the translation of SDK failures into FieldVault's typed exceptions.
 */
public final class KmsKeys implements AutoCloseable {

  /** An {@code AwsKmsClient}'s settings, validated by its builder. */
  public record Settings(String region, URI endpoint, AwsCredentialsProvider credentials, int maxAttempts,
      Duration baseDelay, Duration throttlingBaseDelay, Duration maxBackoff, Duration connectTimeout,
      Duration callTimeout, boolean verifyKeys) {}

  private final Settings settings;
  private final Map<String, KmsClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public KmsKeys(Settings settings) {
    this.settings = settings;
  }

  /** The same settings with other credentials (new SDK clients). */
  public KmsKeys withCredentials(AwsCredentialsProvider credentials) {
    Settings s = settings;
    return new KmsKeys(new Settings(s.region(), s.endpoint(), credentials, s.maxAttempts(), s.baseDelay(),
        s.throttlingBaseDelay(), s.maxBackoff(), s.connectTimeout(), s.callTimeout(), s.verifyKeys()));
  }

  byte[] encrypt(KeyUri key, byte[] plaintext, Map<String, String> context) throws GeneralSecurityException {
    verify(key);
    return call(key, "Encrypt", () -> client(key).encrypt(r -> r.keyId(key.keyId())
        .plaintext(SdkBytes.fromByteArray(plaintext)).encryptionContext(context))
        .ciphertextBlob().asByteArray());
  }

  byte[] decrypt(KeyUri key, byte[] ciphertext, Map<String, String> context) throws GeneralSecurityException {
    verify(key);
    return call(key, "Decrypt", () -> client(key).decrypt(r -> r.keyId(key.keyId())
        .ciphertextBlob(SdkBytes.fromByteArray(ciphertext)).encryptionContext(context)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT))
        .plaintext().asByteArray());
  }

  /** Once per key and client: the key exists, is enabled, and is a symmetric encryption key. */
  private void verify(KeyUri key) throws GeneralSecurityException {
    if (!settings.verifyKeys() || verified.containsKey(key.keyId())) {
      return;
    }
    KeyMetadata meta = call(key, "DescribeKey",
        () -> client(key).describeKey(r -> r.keyId(key.keyId())).keyMetadata());
    if (meta.keyState() != KeyState.ENABLED) {
      throw new AwsKmsKeyDisabledException(key.uri(), "The AWS KMS key " + key.uri() + " is "
          + meta.keyStateAsString() + ", not Enabled: enable it (or cancel its deletion) to load or save"
          + " the keysets it protects", null);
    }
    // a field the server leaves out is not held against the key: Encrypt would refuse a wrong key anyway
    boolean usageOk = meta.keyUsageAsString() == null || meta.keyUsage() == KeyUsageType.ENCRYPT_DECRYPT;
    boolean specOk = meta.keySpecAsString() == null || "SYMMETRIC_DEFAULT".equals(meta.keySpecAsString());
    if (!usageOk || !specOk) {
      throw new VaultConfigurationException("The AWS KMS key " + key.uri() + " is a " + meta.keySpecAsString()
          + " key for " + meta.keyUsageAsString() + ": a key-encryption key must be a symmetric encryption"
          + " key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)");
    }
    verified.put(key.keyId(), Boolean.TRUE);
  }

  private <T> T call(KeyUri key, String operation, Supplier<T> call) throws GeneralSecurityException {
    try {
      return call.get();
    } catch (InvalidCiphertextException | IncorrectKeyException e) {
      // the ciphertext, its context or its key do not match: the caller reports "wrong KEK or modified"
      throw new GeneralSecurityException("decryption failed");
    } catch (SdkException e) {
      if (e instanceof DisabledException) {
        verified.remove(key.keyId());
      }
      throw translate(key, operation, e);
    }
  }

  static AwsKmsException translate(KeyUri key, String operation, SdkException e) {
    String where = "AWS KMS " + operation + " with key " + key.uri();
    if (e instanceof DisabledException || e instanceof KmsInvalidStateException) {
      return new AwsKmsKeyDisabledException(key.uri(), where + " failed: the key is disabled or not in a"
          + " usable state (" + errorCode(e) + "); enable it (or cancel its deletion) and retry", e);
    }
    if (e instanceof NotFoundException) {
      return new AwsKmsKeyNotFoundException(key.uri(), where + " failed: no such key or alias in this account"
          + " and region (" + errorCode(e) + "); check the ARN, the region and the endpoint", e);
    }
    if (e instanceof AwsServiceException) {
      AwsServiceException s = (AwsServiceException) e;
      String code = errorCode(e);
      if (s.statusCode() == 403 || code.contains("AccessDenied") || code.equals("UnrecognizedClientException")
          || code.equals("InvalidSignatureException") || code.contains("ExpiredToken")
          || code.contains("NotAuthorized")) {
        return new AwsKmsAccessDeniedException(key.uri(), where + " was denied (" + code + "): grant the"
            + " credentials in use kms:Encrypt, kms:Decrypt and kms:DescribeKey on this key (IAM policy and key"
            + " policy), and check that they are valid and not expired"
            + ("DescribeKey".equals(operation) ? " (or turn the key check off: AwsKmsClient.Builder.verifyKeys(false))"
                : ""), e);
      }
      if (s.isThrottlingException() || s.statusCode() >= 500 || s.retryable()) {
        return new AwsKmsUnavailableException(key.uri(), where + " failed after the configured retries ("
            + code + ", HTTP " + s.statusCode() + "): KMS is throttling or failing; keys already loaded keep"
            + " working; retry later or raise the account's KMS request quota", e);
      }
      return new AwsKmsException(key.uri(), where + " failed (" + code + ", HTTP " + s.statusCode() + ")", e);
    }
    return new AwsKmsUnavailableException(key.uri(), where + " could not be completed: " + e.getMessage()
        + "; check the network, the endpoint, the region and the credentials (keys already loaded keep"
        + " working)", e);
  }

  private static String errorCode(SdkException e) {
    if (e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null
        && ((AwsServiceException) e).awsErrorDetails().errorCode() != null) {
      return ((AwsServiceException) e).awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }

  private KmsClient client(KeyUri key) {
    if (closed) {
      throw new VaultConfigurationException("This AwsKmsClient is closed: build a new one to load or save keysets");
    }
    String region = key.region() != null ? key.region() : settings.region();
    return clients.computeIfAbsent(region == null ? "" : region, r -> build(key, r));
  }

  private KmsClient build(KeyUri key, String region) {
    KmsClientBuilder b = KmsClient.builder()
        .credentialsProvider(settings.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.connectTimeout())
            .socketTimeout(settings.callTimeout()))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxBackoff()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.throttlingBaseDelay(),
                    settings.maxBackoff()))
                .build())
            .apiCallTimeout(settings.callTimeout())
            .build());
    if (!region.isEmpty()) {
      b.region(Region.of(region));
    }
    if (settings.endpoint() != null) {
      b.endpointOverride(settings.endpoint());
    }
    try {
      return b.build();
    } catch (SdkException e) {
      throw new VaultConfigurationException("Cannot set up the AWS KMS client for " + key.uri() + ": "
          + e.getMessage() + " (use a key ARN, which names its region, or set AWS_REGION)", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    clients.values().forEach(KmsClient::close);
    clients.clear();
  }

  @Override
  public String toString() {
    return "region=" + (settings.region() == null ? "(from the key ARN or the SDK chain)" : settings.region())
        + (settings.endpoint() == null ? "" : ", endpoint=" + settings.endpoint());
  }
}
