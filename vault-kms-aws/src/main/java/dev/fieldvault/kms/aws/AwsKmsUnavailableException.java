package dev.fieldvault.kms.aws;

/**
 * AWS KMS cannot be reached, or it kept throttling the calls after the configured retries:
 * a network failure, a timeout, or an HTTP 5xx, throttling or internal error. Keysets already loaded
 * keep working; loading or saving keysets fails until KMS answers again.
 */
public final class AwsKmsUnavailableException extends AwsKmsException {

  public AwsKmsUnavailableException(String keyUri, String message, Throwable cause) {
    super(keyUri, message, cause);
  }
}
