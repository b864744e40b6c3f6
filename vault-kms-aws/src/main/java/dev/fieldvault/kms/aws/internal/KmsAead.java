package dev.fieldvault.kms.aws.internal;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Tink {@link Aead} whose key lives in AWS KMS: {@code encrypt} is one KMS Encrypt call, {@code
 * decrypt} one Decrypt call. The associated data travels as encryption context: {@code fieldvault:ad}
 * is its SHA-256 (base64url), and {@code fieldvault:keyset} the keyset's name when one is given.
 */
public final class KmsAead implements Aead {

  static final String CONTEXT_KEYSET = "fieldvault:keyset";
  static final String CONTEXT_AD = "fieldvault:ad";

  private final KmsKeys keys;
  private final KeyUri key;
  private final String keysetName;

  public KmsAead(KmsKeys keys, KeyUri key, String keysetName) {
    this.keys = keys;
    this.key = key;
    this.keysetName = keysetName;
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    return keys.encrypt(key, plaintext, context(associatedData));
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    return keys.decrypt(key, ciphertext, context(associatedData));
  }

  Map<String, String> context(byte[] associatedData) {
    Map<String, String> context = new TreeMap<>();
    if (keysetName != null) {
      context.put(CONTEXT_KEYSET, keysetName);
    }
    if (associatedData != null && associatedData.length > 0) {
      context.put(CONTEXT_AD, Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(associatedData)));
    }
    return context;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "KmsAead{" + key + (keysetName == null ? "" : ", keyset=" + keysetName) + "}";
  }

}
