package dev.fieldvault.keys;

import com.google.crypto.tink.Aead;

/**
 * A key-encryption key (KEK): the key data keysets are stored under. Obtain one from
 * {@link KeyEncryptionKeys}: a KMS key through any Tink {@code KmsClient}, a local master keyset,
 * or a master secret stretched with HKDF.
 *
 * <p>The KEK is used when a keyset is loaded or saved, never per field value.
 */
public interface KeyEncryptionKey {

  /**
   * A stable, non-secret identifier, stored beside each keyset it encrypts so that loading a keyset
   * with another KEK fails with a clear message: for example {@code master-secret:1a2b3c4d5e6f7a8b}
   * (a fingerprint derived with HKDF), {@code local-keyset:123456} or {@code kms:<key uri>}.
   */
  String id();

  /** The AEAD that encrypts and decrypts keysets. */
  Aead aead();

  /**
   * The AEAD that encrypts and decrypts the keyset named {@code keysetName}; keyset documents are
   * always written and read through this method. The default is {@link #aead()}; a KMS KEK may bind
   * the name into the KMS request (an AWS KMS encryption context, for example), so that the KMS's
   * audit log and its key policies see which keyset is unwrapped. A KEK that binds the name must
   * bind it the same way on every call, or documents it wrote no longer open.
   */
  default Aead aeadForKeyset(String keysetName) {
    return aead();
  }

  /**
   * Whether a document stored under the KEK id {@code storedKekId} is opened by this KEK. The default
   * is {@code id().equals(storedKekId)}; a {@link BranchKey} also opens what its earlier versions wrapped.
   */
  default boolean opens(String storedKekId) {
    return id().equals(storedKekId);
  }
}
