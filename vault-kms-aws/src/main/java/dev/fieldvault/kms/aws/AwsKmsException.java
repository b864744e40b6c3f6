package dev.fieldvault.kms.aws;

import dev.fieldvault.keys.KeyUnavailableException;

/**
 * AWS KMS could not wrap or unwrap a keyset with a key-encryption key. The subclasses say why:
 * {@link AwsKmsUnavailableException} (unreachable, or still throttled after the retries),
 * {@link AwsKmsAccessDeniedException}, {@link AwsKmsKeyDisabledException} and
 * {@link AwsKmsKeyNotFoundException}. Messages name the key URI and the KMS operation, never a key
 * or a plaintext.
 */
public class AwsKmsException extends KeyUnavailableException {

  private final String keyUri;

  public AwsKmsException(String keyUri, String message, Throwable cause) {
    super(message, cause);
    this.keyUri = keyUri;
  }

  /** The {@code aws-kms://} URI of the key the failed call used. */
  public String keyUri() {
    return keyUri;
  }
}
