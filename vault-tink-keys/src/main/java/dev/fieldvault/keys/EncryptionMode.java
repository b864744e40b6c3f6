package dev.fieldvault.keys;

/** How a field is encrypted. */
public enum EncryptionMode {
  /**
   * Randomized AEAD (AES-256-GCM by default): the same value encrypts to a different ciphertext each
   * time. The default, and the right choice unless the field must be queried by equality.
   */
  RANDOMIZED,
  /**
   * Deterministic AEAD (AES-256-SIV): the same value in the same context always gives the same
   * ciphertext, so equality queries work on the ciphertext.
   *
   * <p><b>Warning:</b> deterministic encryption reveals which rows hold equal values. Use it only for
   * fields that must be searched by equality, and prefer a blind index on a randomized field when
   * the field's values are few (booleans, countries, statuses).
   */
  DETERMINISTIC
}
