package dev.fieldvault.kms.aws;

/**
 * AWS KMS refused the call: the credentials in use lack {@code kms:Encrypt}, {@code kms:Decrypt}
 * or {@code kms:DescribeKey} on the key (IAM or key policy), or they are unknown or expired.
 */
public final class AwsKmsAccessDeniedException extends AwsKmsException {

  public AwsKmsAccessDeniedException(String keyUri, String message, Throwable cause) {
    super(keyUri, message, cause);
  }
}
