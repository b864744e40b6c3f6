package dev.fieldvault.keys.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM (12-byte nonce, 16-byte tag) for one key, producing exactly Tink's ciphertext layout
 * ({@code outputPrefix || nonce || ciphertext || tag}) after FieldVault's header byte.
 *
 * <p>Why not Tink's own primitive: Tink keeps one {@link Cipher} per thread for <i>all</i> AES-GCM keys,
 * and the JDK caches the expanded key inside the Cipher, so alternating keys on a thread (per-tenant
 * keys, several key versions during a rotation) re-expands the key on every call. This class keeps
 * one Cipher per key per thread, and writes into the final buffer, so no bytes are copied. Its output
 * is byte-compatible with Tink's (tested both ways).
 */
public final class PerKeyAesGcm implements HeaderedAead {

  private static final int IV = 12;
  private static final int TAG = 16;
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private final SecretKeySpec key;
  private final byte[] prefix;
  private final ThreadLocal<Cipher> cipher;

  /**
   * @param keyBytes the raw AES key (16 or 32 bytes); copied into the key spec
   * @param outputPrefix Tink's output prefix of the key (5 bytes for TINK keys)
   */
  public PerKeyAesGcm(byte[] keyBytes, byte[] outputPrefix) {
    this.key = new SecretKeySpec(keyBytes, "AES");
    this.prefix = outputPrefix.clone();
    this.cipher = ThreadLocal.withInitial(() -> {
      try {
        return Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
      }
    });
  }

  @Override
  public byte[] encrypt(byte header, byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    int start = 1 + prefix.length;
    byte[] out = new byte[start + IV + plaintext.length + TAG];
    out[0] = header;
    System.arraycopy(prefix, 0, out, 1, prefix.length);
    byte[] iv = new byte[IV];
    RANDOM.get().nextBytes(iv);
    System.arraycopy(iv, 0, out, start, IV);
    Cipher c = cipher.get();
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, iv));
    if (associatedData != null && associatedData.length > 0) {
      c.updateAAD(associatedData);
    }
    int written = c.doFinal(plaintext, 0, plaintext.length, out, start + IV);
    if (written != plaintext.length + TAG) {
      throw new GeneralSecurityException("unexpected AES-GCM output length");
    }
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    int start = 1 + prefix.length;
    if (ciphertext.length < start + IV + TAG) {
      throw new GeneralSecurityException("ciphertext too short");
    }
    for (int i = 0; i < prefix.length; i++) {
      if (ciphertext[1 + i] != prefix[i]) {
        throw new GeneralSecurityException("wrong output prefix");
      }
    }
    Cipher c = cipher.get();
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, ciphertext, start, IV));
    if (associatedData != null && associatedData.length > 0) {
      c.updateAAD(associatedData);
    }
    return c.doFinal(ciphertext, start + IV, ciphertext.length - start - IV);
  }
}
