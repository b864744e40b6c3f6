package dev.fieldvault.secrets.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.WeakSecretException;
import dev.fieldvault.keys.LengthPrefixed;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of a sealed store, derived from a caller-held secret with HKDF-SHA256. The salt binds the
 * store (tenant and namespace); the info string separates the name-hash key from the per-name value
 * keys. Nothing derived here is ever stored. Instances hold key material: keep them short-lived.
 */
public final class SealedKeys {

  /** Shortest accepted caller secret, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  private final byte[] secret;
  private final byte[] salt;
  private final byte[] nameKey;

  public SealedKeys(byte[] callerSecret, String tenant, String namespace) {
    if (callerSecret == null || callerSecret.length < MIN_SECRET_BYTES) {
      throw new WeakSecretException("A sealed store needs a caller secret of at least " + MIN_SECRET_BYTES
          + " bytes (use 32 random bytes)");
    }
    this.secret = callerSecret.clone();
    this.salt = encode("fieldvault-secrets-sealed-v1", tenant == null ? "" : tenant, namespace);
    this.nameKey = hkdf(encode("name-hash"));
  }

  /** The stored form of a name: base64url of HMAC-SHA256 under the name key (43 characters). */
  public String nameHash(String name) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(nameKey, "HmacSHA256"));
      byte[] h = mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("HMAC-SHA256 is unavailable in this JVM", e);
    }
  }

  /** Encrypts under the key derived for this name (the inner layer of a sealed value). */
  public byte[] seal(String name, byte[] plaintext) {
    try {
      return valueAead(name).encrypt(plaintext, encode("sealed-value", name));
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("Sealed encryption failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Decrypts the inner layer; a wrong secret fails like tampering, revealing nothing. */
  public byte[] open(String name, byte[] sealed) {
    try {
      return valueAead(name).decrypt(sealed, encode("sealed-value", name));
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailedException("Decryption of a sealed value failed: the caller's secret is not the"
          + " one it was written with, or the value was modified");
    }
  }

  private Aead valueAead(String name) throws GeneralSecurityException {
    byte[] key = hkdf(encode("value", name));
    try {
      return new AesGcmJce(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] hkdf(byte[] info) {
    try {
      return Hkdf.computeHkdf("HMACSHA256", secret, salt, info, 32);
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("HKDF-SHA256 is unavailable in this JVM", e);
    }
  }

  /** Length-prefixed UTF-8 parts: unambiguous, never plain concatenation (the core's one encoding). */
  static byte[] encode(String... parts) {
    return LengthPrefixed.encode(parts);
  }

  @Override
  public String toString() {
    return "SealedKeys{<redacted>}";
  }
}
