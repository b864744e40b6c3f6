package dev.fieldvault.keys;

import java.time.Instant;

/**
 * What is known about one key of a keyset, without its material.
 *
 * @param keyId the Tink key id: the key version a ciphertext carries in its header
 * @param ordinal a human-friendly version, 1 for the first key, growing by one per added key
 * @param status enabled, disabled or destroyed
 * @param primary whether this key writes new values
 * @param created when the key was generated
 * @param algorithm the key's algorithm
 */
public record KeyInfo(int keyId, int ordinal, KeyStatus status, boolean primary, Instant created,
    KeyAlgorithm algorithm) {

  /** The key id as FieldVault prints it (unsigned decimal). */
  public String keyIdText() {
    return Integer.toUnsignedString(keyId);
  }

  /** Names the key id unsigned, as every FieldVault message and listing does. */
  @Override
  public String toString() {
    return "KeyInfo[keyId=" + keyIdText() + ", ordinal=" + ordinal + ", status=" + status + ", primary=" + primary
        + ", created=" + created + ", algorithm=" + algorithm + "]";
  }
}
