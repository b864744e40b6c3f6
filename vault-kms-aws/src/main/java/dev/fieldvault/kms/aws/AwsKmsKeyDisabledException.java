package dev.fieldvault.kms.aws;

/**
 * The KMS key is not in a usable state: disabled, pending deletion or pending import. Enable it
 * (or cancel its deletion) and retry.
 */
public final class AwsKmsKeyDisabledException extends AwsKmsException {

  public AwsKmsKeyDisabledException(String keyUri, String message, Throwable cause) {
    super(keyUri, message, cause);
  }
}
