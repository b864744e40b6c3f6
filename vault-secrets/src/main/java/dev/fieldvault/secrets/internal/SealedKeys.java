package dev.fieldvault.secrets.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.LengthPrefixed;
import dev.fieldvault.keys.WeakSecretException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of a sealed store, derived from a caller-held secret. How is the store's {@link SealedKdf}
 * (its "generation", recorded in the store row): generation 1 derives them with HKDF-SHA256 straight
 * from the secret; generation 2 first stretches the secret with PBKDF2-HMAC-SHA256 (600,000
 * iterations, a random salt per store), then uses HKDF-SHA256 from that root. The slow part runs once,
 * in the constructor: one instance per handle. The salt binds the store (tenant and namespace); the
 * info string separates the name-hash key from the per-name value keys. Nothing derived here is ever
 * stored. Instances hold key material: keep them short-lived.
 */
public final class SealedKeys {

  /** Shortest accepted caller secret, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  private static final java.util.concurrent.atomic.AtomicLong PBKDF2_RUNS = new java.util.concurrent.atomic.AtomicLong();

  private final SealedKdf kdf;
  /** The HKDF input key: the secret (generation 1) or its PBKDF2 root (generation 2). */
  private final byte[] root;
  private final byte[] salt;
  private final byte[] nameKey;

  /** Generation 1 keys (HKDF-SHA256 from the secret), as stores created before generation 2 use. */
  public SealedKeys(byte[] callerSecret, String tenant, String namespace) {
    this(callerSecret, tenant, namespace, SealedKdf.LEGACY);
  }

  /** The keys of a store whose derivation is {@code kdf}; generation 2 runs PBKDF2 here, once. */
  public SealedKeys(byte[] callerSecret, String tenant, String namespace, SealedKdf kdf) {
    if (callerSecret == null || callerSecret.length < MIN_SECRET_BYTES) {
      throw new WeakSecretException("A sealed store needs a caller secret of at least " + MIN_SECRET_BYTES
          + " bytes (use 32 random bytes)");
    }
    this.kdf = kdf;
    String t = tenant == null ? "" : tenant;
    if (kdf.generation() == 1) {
      this.root = callerSecret.clone();
      this.salt = encode("fieldvault-secrets-sealed-v1", t, namespace);
    } else {
      byte[] pbkdf2Salt = LengthPrefixed.encode("fieldvault-secrets-sealed-v2", t, namespace,
          Base64.getUrlEncoder().withoutPadding().encodeToString(kdf.salt()));
      this.root = pbkdf2HmacSha256(callerSecret, pbkdf2Salt, kdf.iterations());
      this.salt = encode("fieldvault-secrets-sealed-v2", t, namespace);
    }
    this.nameKey = hkdf(encode("name-hash"));
  }

  /** How many PBKDF2 derivations this JVM has run (each handle of a generation 2 store runs one). */
  public static long pbkdf2Runs() {
    return PBKDF2_RUNS.get();
  }

  /** The derivation these keys come from. */
  public SealedKdf kdf() {
    return kdf;
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
      return Hkdf.computeHkdf("HMACSHA256", root, salt, info, 32);
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("HKDF-SHA256 is unavailable in this JVM", e);
    }
  }

  /**
   * PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) with a 32-byte output (one block), over the secret's
   * bytes as they are (the JDK's PBKDF2 takes characters, which arbitrary secret bytes are not).
   */
  static byte[] pbkdf2HmacSha256(byte[] secret, byte[] salt, int iterations) {
    PBKDF2_RUNS.incrementAndGet();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(salt);
      byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
      byte[] out = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = mac.doFinal(u);
        for (int k = 0; k < out.length; k++) {
          out[k] ^= u[k];
        }
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("HMAC-SHA256 is unavailable in this JVM", e);
    }
  }

  /** Length-prefixed UTF-8 parts: unambiguous, never plain concatenation (the core's one encoding). */
  static byte[] encode(String... parts) {
    return LengthPrefixed.encode(parts);
  }

  @Override
  public String toString() {
    return "SealedKeys{" + kdf.generation() + ", <redacted>}";
  }
}
