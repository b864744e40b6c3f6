package dev.fieldvault.keys;

import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.AesGcmSivParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import java.security.GeneralSecurityException;

/** The key algorithms FieldVault generates, each a Tink key type with the TINK output prefix. */
public enum KeyAlgorithm {
  /** AES-256-GCM, 12-byte random nonce, 16-byte tag. The default for randomized fields. */
  AES256_GCM(KeyPurpose.AEAD),
  /**
   * AES-256-GCM-SIV: nonce-misuse resistant, for very high volumes per key. Needs a JCE provider
   * with AES-GCM-SIV (such as Conscrypt) on the class path.
   */
  AES256_GCM_SIV(KeyPurpose.AEAD),
  /** XChaCha20-Poly1305, 24-byte random nonce: safe for very high volumes per key. */
  XCHACHA20_POLY1305(KeyPurpose.AEAD),
  /** AES-256-SIV (RFC 5297): deterministic encryption for queryable fields. */
  AES256_SIV(KeyPurpose.DETERMINISTIC_AEAD),
  /** HMAC-SHA256 as a PRF, for blind indexes. */
  HMAC_SHA256_PRF(KeyPurpose.PRF);

  private final KeyPurpose purpose;

  KeyAlgorithm(KeyPurpose purpose) {
    this.purpose = purpose;
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  /** The default algorithm for a purpose. */
  public static KeyAlgorithm defaultFor(KeyPurpose purpose) {
    switch (purpose) {
      case AEAD:
        return AES256_GCM;
      case DETERMINISTIC_AEAD:
        return AES256_SIV;
      case PRF:
        return HMAC_SHA256_PRF;
      default:
        throw new IllegalArgumentException(String.valueOf(purpose));
    }
  }

  /**
   * Checks that this JVM can use the algorithm.
   *
   * @throws VaultConfigurationException if it cannot, saying what to add
   */
  public void requireAvailable() {
    if (this != AES256_GCM_SIV) {
      return;
    }
    try {
      javax.crypto.Cipher.getInstance("AES/GCM-SIV/NoPadding");
    } catch (java.security.GeneralSecurityException e) {
      throw new VaultConfigurationException("AES256_GCM_SIV (AES-GCM-SIV) needs a JCE provider that implements"
          + " it, and this JVM has none: add org.conscrypt:conscrypt-openjdk-uber and call"
          + " Security.addProvider(Conscrypt.newProvider()) at start-up, or choose AES256_GCM or"
          + " XCHACHA20_POLY1305");
    }
  }

  Parameters tinkParameters() {
    try {
      switch (this) {
        case AES256_GCM:
          return PredefinedAeadParameters.AES256_GCM;
        case AES256_GCM_SIV:
          return AesGcmSivParameters.builder()
              .setKeySizeBytes(32)
              .setVariant(AesGcmSivParameters.Variant.TINK)
              .build();
        case XCHACHA20_POLY1305:
          return PredefinedAeadParameters.XCHACHA20_POLY1305;
        case AES256_SIV:
          return PredefinedDeterministicAeadParameters.AES256_SIV;
        case HMAC_SHA256_PRF:
          return PredefinedPrfParameters.HMAC_SHA256_PRF;
        default:
          throw new IllegalStateException(name());
      }
    } catch (GeneralSecurityException e) {
      throw new VaultConfigurationException("Cannot build Tink parameters for " + name(), e);
    }
  }

  static KeyAlgorithm of(Parameters parameters) {
    for (KeyAlgorithm a : values()) {
      if (a.tinkParameters().equals(parameters)) {
        return a;
      }
    }
    throw new VaultConfigurationException("The keyset holds a key type FieldVault does not support ("
        + parameters + "): supported are AES256_GCM, AES256_GCM_SIV, XCHACHA20_POLY1305, AES256_SIV"
        + " and HMAC_SHA256_PRF, all with the TINK output prefix (PRF: no prefix)");
  }
}
