/**
 * AWS KMS key-encryption keys on the AWS SDK for Java v2: {@link dev.fieldvault.kms.aws.AwsKmsClient}
 * (also a Tink {@code KmsClient} for {@code aws-kms://} key URIs) and the typed failures
 * ({@link dev.fieldvault.kms.aws.AwsKmsException} and its subclasses). See the module's README.
 */
package dev.fieldvault.kms.aws;
