package dev.fieldvault.kms.aws;

/**
 * The KMS key (or alias) of the key URI does not exist in the account and region the client
 * reached: check the ARN, the region and the endpoint.
 */
public final class AwsKmsKeyNotFoundException extends AwsKmsException {

  public AwsKmsKeyNotFoundException(String keyUri, String message, Throwable cause) {
    super(keyUri, message, cause);
  }
}
