package dev.fieldvault.spring.boot.internal;

import com.google.crypto.tink.Aead;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.kms.aws.AwsKmsClient;
import java.net.URI;

/**
 * The AWS KMS KEK; loaded only when vault-kms-aws is on the class path. The KEK owns the SDK client
 * the starter made for it: closing the KEK (the keys bean does when the context closes, or when the
 * start-up fails after the client was made) closes the client and its HTTP connections.
 */
final class AwsKek implements KeyEncryptionKey, AutoCloseable {

  private final AwsKmsClient client;
  private final KeyEncryptionKey kek;

  private AwsKek(AwsKmsClient client, KeyEncryptionKey kek) {
    this.client = client;
    this.kek = kek;
  }

  static KeyEncryptionKey create(String uri, String region, String endpoint) {
    AwsKmsClient.Builder b = AwsKmsClient.builder();
    if (region != null && !region.isBlank()) {
      b.region(region);
    }
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint.trim()));
    }
    AwsKmsClient client = null;
    try {
      client = b.build();
      return new AwsKek(client, client.keyEncryptionKey(uri));
    } catch (RuntimeException e) {
      if (client != null) {
        client.close();
      }
      throw KekFactory.unreachable(uri, e);
    }
  }

  @Override
  public String id() {
    return kek.id();
  }

  @Override
  public Aead aead() {
    return kek.aead();
  }

  @Override
  public Aead aeadForKeyset(String keysetName) {
    return kek.aeadForKeyset(keysetName);
  }

  @Override
  public boolean opens(String storedKekId) {
    return kek.opens(storedKekId);
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return kek.toString();
  }
}
