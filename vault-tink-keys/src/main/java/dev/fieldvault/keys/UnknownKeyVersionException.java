package dev.fieldvault.keys;

/**
 * A ciphertext names a key id that the loaded keyset does not hold. The message says which id is
 * missing from which keyset; the usual causes are a keyset loaded from the wrong source, another
 * tenant's keyset, or a key that was destroyed.
 */
public final class UnknownKeyVersionException extends KeyUnavailableException {

  private final int keyId;

  public UnknownKeyVersionException(int keyId, String message) {
    super(message);
    this.keyId = keyId;
  }

  /** The key id the ciphertext carries (Tink key id, shown unsigned in messages). */
  public int keyId() {
    return keyId;
  }
}
