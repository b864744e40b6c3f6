/** Internals of {@code vault-kms-aws}: not an API, may change in any release. */
package dev.fieldvault.kms.aws.internal;
