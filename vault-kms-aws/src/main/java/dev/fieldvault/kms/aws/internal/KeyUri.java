package dev.fieldvault.kms.aws.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Locale;

/** A parsed {@code aws-kms://} key URI: the KMS key id (ARN, key id or alias) and the ARN's region. */
public final class KeyUri {

  public static final String PREFIX = "aws-kms://";

  private final String uri;
  private final String keyId;
  private final String region;

  private KeyUri(String uri, String keyId, String region) {
    this.uri = uri;
    this.keyId = keyId;
    this.region = region;
  }

  public static KeyUri parse(String uri) {
    if (uri == null || !uri.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
      throw invalid(uri);
    }
    String keyId = uri.substring(PREFIX.length());
    if (keyId.isBlank() || keyId.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(uri);
    }
    String region = null;
    if (keyId.startsWith("arn:")) {
      String[] parts = keyId.split(":", 6);
      if (parts.length != 6 || !"kms".equals(parts[2]) || parts[3].isEmpty()
          || !(parts[5].startsWith("key/") || parts[5].startsWith("alias/"))) {
        throw invalid(uri);
      }
      region = parts[3];
    }
    return new KeyUri(PREFIX + keyId, keyId, region);
  }

  private static VaultConfigurationException invalid(String uri) {
    return new VaultConfigurationException("'" + uri + "' is not an AWS KMS key URI: use"
        + " aws-kms://arn:aws:kms:<region>:<account>:key/<key id> (or :alias/<name>)");
  }

  /** The whole URI, {@code aws-kms://…}. */
  public String uri() {
    return uri;
  }

  /** What KMS takes as {@code KeyId}. */
  public String keyId() {
    return keyId;
  }

  /** The region of an ARN, or null for a bare key id or alias. */
  public String region() {
    return region;
  }

  @Override
  public String toString() {
    return uri;
  }
}
