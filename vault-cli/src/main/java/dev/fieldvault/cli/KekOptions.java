package dev.fieldvault.cli;

import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.kms.aws.AwsKmsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** How a command finds the key-encryption key. Secrets come from the environment or a file, never argv. */
final class KekOptions {

  @Option(names = "--master-secret-env", paramLabel = "VAR", defaultValue = "FIELDVAULT_MASTER_SECRET",
      description = "Environment variable holding the master secret (default: ${DEFAULT-VALUE}).")
  String masterSecretEnv = "FIELDVAULT_MASTER_SECRET";

  @Option(names = "--master-secret-file", paramLabel = "FILE",
      description = "File holding the master secret (instead of the environment variable).")
  Path masterSecretFile;

  @Option(names = "--master-keyset", paramLabel = "FILE",
      description = "A Tink AEAD keyset file (plaintext JSON) used as the KEK instead of a master secret.")
  Path masterKeyset;

  @Option(names = {"--kek", "--kms-uri"}, paramLabel = "URI",
      description = "A KMS key as the KEK: aws-kms://arn:aws:kms:<region>:<account>:key/<id> (AWS KMS, credentials"
          + " from the AWS environment variables or the SDK's default chain), or a URI of a Tink KmsClient"
          + " registered in this JVM.")
  String kmsUri;

  @Option(names = "--kms-endpoint", paramLabel = "URL",
      description = "AWS KMS endpoint override (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, else AWS's own).")
  String kmsEndpoint;

  @Option(names = "--kms-region", paramLabel = "REGION",
      description = "AWS region for key URIs that are not ARNs (default: AWS_REGION, AWS_DEFAULT_REGION).")
  String kmsRegion;

  private AwsKmsClient awsKms;

  /** The KEK of a command's group of these options; picocli leaves the group null when none is given: the defaults. */
  static KeyEncryptionKey resolve(KekOptions group, Function<String, String> env) {
    return (group == null ? new KekOptions() : group).resolve(env);
  }

  KeyEncryptionKey resolve(Function<String, String> env) {
    if (masterKeyset != null) {
      return KeyEncryptionKeys.fromLocalKeysetFile(masterKeyset);
    }
    if (kmsUri != null) {
      return kms(kmsUri, env);
    }
    if (masterSecretFile != null) {
      try {
        return KeyEncryptionKeys.fromMasterSecret(Files.readString(masterSecretFile, StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        throw new CliException("cannot read the master secret file " + masterSecretFile + ": " + e.getMessage());
      }
    }
    String secret = env.apply(masterSecretEnv);
    if (secret == null || secret.isBlank()) {
      throw new CliException("no key-encryption key: set " + masterSecretEnv + " to the master secret (make one"
          + " with `openssl rand -base64 48`), or pass --master-secret-file, --master-keyset or --kek aws-kms://…");
    }
    return KeyEncryptionKeys.fromMasterSecret(secret);
  }

  /** A KMS KEK: AWS KMS for aws-kms:// URIs (with this command's endpoint and region), else Tink's registry. */
  KeyEncryptionKey kms(String uri, Function<String, String> env) {
    if (!uri.toLowerCase(Locale.ROOT).startsWith(AwsKmsClient.PREFIX)) {
      return KeyEncryptionKeys.fromKms(uri);
    }
    if (awsKms == null) {
      awsKms = awsKmsClient(env);
    }
    return awsKms.keyEncryptionKey(uri);
  }

  private AwsKmsClient awsKmsClient(Function<String, String> env) {
    AwsKmsClient.Builder b = AwsKmsClient.builder();
    String endpoint = firstSet(kmsEndpoint, env.apply("AWS_ENDPOINT_URL_KMS"), env.apply("AWS_ENDPOINT_URL"));
    if (endpoint != null) {
      try {
        b.endpointOverride(URI.create(endpoint));
      } catch (IllegalArgumentException e) {
        throw new CliException("--kms-endpoint '" + endpoint + "' is not a URL such as https://kms.eu-west-1.amazonaws.com");
      }
    }
    String region = firstSet(kmsRegion, env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"));
    if (region != null) {
      b.region(region);
    }
    String accessKey = env.apply("AWS_ACCESS_KEY_ID");
    String secretKey = env.apply("AWS_SECRET_ACCESS_KEY");
    if (accessKey != null && !accessKey.isBlank() && secretKey != null && !secretKey.isBlank()) {
      String token = env.apply("AWS_SESSION_TOKEN");
      b.credentialsProvider(StaticCredentialsProvider.create(token == null || token.isBlank()
          ? AwsBasicCredentials.create(accessKey, secretKey)
          : AwsSessionCredentials.create(accessKey, secretKey, token)));
    }
    return b.build();
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
