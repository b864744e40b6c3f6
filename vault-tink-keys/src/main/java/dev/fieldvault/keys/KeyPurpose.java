package dev.fieldvault.keys;

/** What a keyset's keys are for. A keyset holds keys of one purpose only. */
public enum KeyPurpose {
  /** Randomized authenticated encryption (Tink {@code Aead}). */
  AEAD,
  /** Deterministic authenticated encryption (Tink {@code DeterministicAead}). */
  DETERMINISTIC_AEAD,
  /** Pseudo-random functions for blind indexes (Tink {@code PrfSet}). */
  PRF
}
