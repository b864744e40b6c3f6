package dev.fieldvault.keys;

/**
 * Observes what a {@link FieldCipher} does, for metrics (Micrometer, JMX, logs of counts): how many
 * values were encrypted and decrypted in each mode, how long that took, and why decryptions failed.
 * Install one with {@link FieldCipher#setMetrics}; the Spring Boot starter does it for Micrometer.
 *
 * <p>It receives no value, no context and no key material: only the mode, a duration and a
 * {@link Failure} reason, so nothing it records can leak what was encrypted. Its methods are called
 * on the thread that encrypts or decrypts, for every value: they must be fast and thread-safe, and
 * must not throw (an exception thrown here propagates to the caller).
 */
public interface CipherMetrics {

  /** Why a decryption failed, as {@link #decryptionFailed} reports it. */
  enum Failure {
    /** The value does not authenticate: modified, moved to another field, row or tenant, or another mode. */
    TAMPERED,
    /** The value's key id is not in the keyset (another keyset, tenant or environment, or a removed key). */
    UNKNOWN_KEY,
    /** The value's key is disabled, destroyed or below the keyset's minimum decryption ordinal. */
    KEY_DISABLED,
    /** The stored value is not a FieldVault ciphertext at all (plaintext, truncated, not base64). */
    MALFORMED
  }

  /** A value was encrypted in {@code mode}, taking {@code nanos}. */
  void encrypted(EncryptionMode mode, long nanos);

  /** A value was decrypted in {@code mode}, taking {@code nanos}. */
  void decrypted(EncryptionMode mode, long nanos);

  /** A decryption failed for {@code reason}; its exception is thrown to the caller after this returns. */
  void decryptionFailed(Failure reason);

  /** The reason a cipher reports for one of its exceptions. */
  static Failure reasonOf(FieldVaultException e) {
    if (e instanceof MalformedCiphertextException) {
      return Failure.MALFORMED;
    }
    if (e instanceof UnknownKeyVersionException) {
      return Failure.UNKNOWN_KEY;
    }
    if (e instanceof KeyUnavailableException) {
      return Failure.KEY_DISABLED;
    }
    return Failure.TAMPERED;
  }
}
