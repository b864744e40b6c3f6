package dev.fieldvault.keys.internal;

import java.security.GeneralSecurityException;

/**
 * An AEAD for one key that reads and writes FieldVault ciphertexts directly: the caller's one-byte
 * header, then the Tink output (prefix, nonce, ciphertext, tag). Lets fast paths avoid copying.
 */
public interface HeaderedAead {

  /** {@code header || tinkCiphertext(plaintext, ad)}. */
  byte[] encrypt(byte header, byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

  /** Decrypts {@code ciphertext[1..]} (the Tink part) with {@code associatedData}. */
  byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException;
}
