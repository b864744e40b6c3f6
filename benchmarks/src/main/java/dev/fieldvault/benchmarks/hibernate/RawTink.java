package dev.fieldvault.benchmarks.hibernate;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Raw Tink primitives in the modes {@code @Encrypted} uses for the benchmark entity: AES-256-GCM for the
 * randomized fields (name, phone), AES-256-SIV for the deterministic one (email). Shared by the
 * hand-written converters (what a careful team writes) and the AES floor (plain + the same number of
 * raw Tink operations).
 */
final class RawTink {

  static final Aead AEAD;
  static final DeterministicAead DAEAD;
  /** Associated data of about the length FieldVault binds (context name and version). */
  static final byte[] AD = "Customer.name#v1-associated-data".getBytes(StandardCharsets.UTF_8);

  static {
    try {
      AeadConfig.register();
      DeterministicAeadConfig.register();
      AEAD = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
      DAEAD = KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV)
          .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private RawTink() {}

  static byte[] encrypt(String value) {
    try {
      return AEAD.encrypt(value.getBytes(StandardCharsets.UTF_8), AD);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  static String decrypt(byte[] ct) {
    try {
      return new String(AEAD.decrypt(ct, AD), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
  }

  static byte[] encryptDeterministically(String value) {
    try {
      return DAEAD.encryptDeterministically(value.getBytes(StandardCharsets.UTF_8), AD);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  static String decryptDeterministically(byte[] ct) {
    try {
      return new String(DAEAD.decryptDeterministically(ct, AD), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
  }
}
