package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.kms.aws.AwsKmsClient;
import java.net.URI;

/** The AWS KMS KEK; loaded only when vault-kms-aws is on the class path. */
final class AwsKek {

  private AwsKek() {}

  static KeyEncryptionKey create(String uri, String region, String endpoint) {
    AwsKmsClient.Builder b = AwsKmsClient.builder();
    if (region != null && !region.isBlank()) {
      b.region(region);
    }
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint.trim()));
    }
    try {
      return b.build().keyEncryptionKey(uri);
    } catch (RuntimeException e) {
      throw KekFactory.unreachable(uri, e);
    }
  }
}
