package dev.fieldvault.secrets.internal;

import dev.fieldvault.keys.VaultConfigurationException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * How a sealed store derives its keys from the caller's secret, as recorded in the store row
 * ({@code sealed_kdf}): generation 1 ({@code NULL} in the row, stores created before generation 2)
 * is HKDF-SHA256 straight from the secret; generation 2 ({@code pbkdf2-sha256:<iterations>:<salt>},
 * salt base64url) stretches the secret with PBKDF2-HMAC-SHA256 first.
 *
 * @param generation 1 or 2
 * @param iterations PBKDF2 iterations (generation 2), 0 for generation 1
 * @param salt the store's random PBKDF2 salt (generation 2), empty for generation 1
 */
public record SealedKdf(int generation, int iterations, byte[] salt) {

  /** PBKDF2 iterations of new generation 2 stores (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
  public static final int ITERATIONS = 600_000;
  /** Generation 1: HKDF-SHA256 from the secret. */
  public static final SealedKdf LEGACY = new SealedKdf(1, 0, new byte[0]);
  private static final String PREFIX = "pbkdf2-sha256:";
  private static final String LEGACY_FORM = "hkdf-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();

  public SealedKdf {
    salt = salt.clone();
  }

  /** A fresh generation 2 derivation for a new (or upgraded) store: 600,000 iterations, 16 random salt bytes. */
  public static SealedKdf newest() {
    byte[] s = new byte[16];
    RANDOM.nextBytes(s);
    return new SealedKdf(2, ITERATIONS, s);
  }

  /** The stored form: {@code hkdf-sha256} for generation 1 (a store row's NULL means it too). */
  public String stored() {
    return generation == 1 ? LEGACY_FORM
        : PREFIX + iterations + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(salt);
  }

  /** Reads a stored form (null and {@code hkdf-sha256}: generation 1). */
  public static SealedKdf parse(String stored) {
    if (stored == null || stored.equals(LEGACY_FORM)) {
      return LEGACY;
    }
    String[] parts = stored.split(":");
    try {
      if (parts.length == 3 && stored.startsWith(PREFIX)) {
        int it = Integer.parseInt(parts[1]);
        byte[] s = Base64.getUrlDecoder().decode(parts[2]);
        if (it >= 100_000 && s.length >= 16) {
          return new SealedKdf(2, it, s);
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new VaultConfigurationException("A sealed store's key derivation is not one this version knows"
        + " (column sealed_kdf): it was written by a newer FieldVault, or modified; upgrade this application");
  }

  @Override
  public String toString() {
    return generation == 1 ? "hkdf-sha256 (generation 1)" : "pbkdf2-sha256, " + iterations + " iterations (generation 2)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealedKdf k && k.generation == generation && k.iterations == iterations
        && java.util.Arrays.equals(k.salt, salt);
  }

  @Override
  public int hashCode() {
    return 31 * generation + java.util.Arrays.hashCode(salt);
  }
}
