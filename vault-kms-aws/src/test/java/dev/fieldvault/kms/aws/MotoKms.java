package dev.fieldvault.kms.aws;

import dev.fieldvault.testsupport.MotoServer;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** A moto server with an SDK admin client to create and disable keys, and FieldVault clients on it. */
final class MotoKms implements AutoCloseable {

  static final String REGION = "us-east-1";
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  final MotoServer server;
  private final KmsClient admin;

  private MotoKms(MotoServer server) {
    this.server = server;
    this.admin = KmsClient.builder().endpointOverride(server.endpoint()).region(Region.of(REGION))
        .credentialsProvider(CREDENTIALS).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  static MotoKms start() {
    return new MotoKms(MotoServer.start());
  }

  /** A new symmetric key; its {@code aws-kms://} URI. */
  String createKey() {
    return "aws-kms://" + admin.createKey(r -> r.description("fieldvault test").keyUsage("ENCRYPT_DECRYPT")).keyMetadata().arn();
  }

  /** A new key whose key policy denies kms:DescribeKey to everyone (moto enforces that much policy). */
  String createKeyDenyingDescribe() {
    String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
        + "\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}";
    return "aws-kms://" + admin.createKey(r -> r.policy(policy).keyUsage("ENCRYPT_DECRYPT")).keyMetadata().arn();
  }

  void disable(String keyUri) {
    admin.disableKey(r -> r.keyId(keyUri.substring(keyUri.lastIndexOf("key/") + 4)));
  }

  /** The SDK client behind the scenes, for checks that bypass FieldVault. */
  KmsClient admin() {
    return admin;
  }

  /**
   * A FieldVault client on this server with fast retries (the tests stop the server) and a generous
   * call timeout (a loaded machine makes moto slow).
   */
  AwsKmsClient client() {
    return client(server.endpoint());
  }

  static AwsKmsClient client(URI endpoint) {
    return AwsKmsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
        .maxAttempts(3).backoff(Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(200))
        .timeouts(Duration.ofSeconds(1), Duration.ofSeconds(60)).build();
  }

  @Override
  public void close() {
    admin.close();
    server.close();
  }
}
