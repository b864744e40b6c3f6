package dev.fieldvault.secrets.internal;

import com.google.crypto.tink.subtle.AesGcmJce;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.LengthPrefixed;
import dev.fieldvault.keys.MalformedCiphertextException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The vault's outer layer (docs/FORMAT.md, "Secrets vault envelope"): each stored value is encrypted
 * under its own random 256-bit data key (AES-256-GCM through Tink), and the data key is wrapped by the
 * keyring's current AEAD key ({@link FieldCipher}, randomized) in a context of its own. Both are bound
 * to the store (namespace, tenant), the name key, the version and the data key version, so a value or
 * a wrapped key moved to another row fails to decrypt. A key rotation rewraps the wrapped key only.
 */
public final class Envelope {

  /** The only data key version so far: a 32-byte AES-256-GCM key, value = Tink's nonce ‖ ciphertext ‖ tag. */
  public static final int DATA_KEY_VERSION = 1;
  /** The field of a wrapped data key's context. */
  public static final String DATA_KEY_FIELD = "data-key";
  private static final String VALUE_AD_LABEL = "fieldvault.secrets.value/1";
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A stored envelope: the value encrypted under the data key, and the wrapped data key. */
  public record Sealed(byte[] valueCt, byte[] wrappedKey, int dataKeyVersion) {}

  /** Where a value is stored: its store's namespace and tenant (null: none), its name key and version. */
  public record Slot(String namespace, String tenant, String nameKey, long version) {

    /** The context the data key is wrapped in (domain of the vault's values, field {@code data-key}). */
    public EncryptionContext dataKeyContext(String domainPrefix, int dataKeyVersion) {
      return EncryptionContext.of(domainPrefix + namespace, DATA_KEY_FIELD, tenant,
          nameKey + "@v" + version + "#k" + dataKeyVersion);
    }

    byte[] valueAd(int dataKeyVersion) {
      return LengthPrefixed.encode(VALUE_AD_LABEL, namespace, tenant == null ? "" : tenant, nameKey,
          Long.toString(version), Integer.toString(dataKeyVersion));
    }
  }

  private final FieldCipher cipher;
  private final String domainPrefix;

  public Envelope(FieldCipher cipher, String domainPrefix) {
    this.cipher = cipher;
    this.domainPrefix = domainPrefix;
  }

  /** Encrypts {@code plaintext} under a fresh data key, wrapped by the keyring's primary AEAD key. */
  public Sealed seal(Slot slot, byte[] plaintext) {
    byte[] dataKey = new byte[KEY_BYTES];
    RANDOM.nextBytes(dataKey);
    try {
      byte[] valueCt = new AesGcmJce(dataKey).encrypt(plaintext, slot.valueAd(DATA_KEY_VERSION));
      byte[] wrapped = cipher.encrypt(dataKey, slot.dataKeyContext(domainPrefix, DATA_KEY_VERSION),
          EncryptionMode.RANDOMIZED);
      return new Sealed(valueCt, wrapped, DATA_KEY_VERSION);
    } catch (GeneralSecurityException e) {
      throw new FieldVaultException("AES-256-GCM is unavailable in this JVM: " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * Unwraps the data key and decrypts the value.
   *
   * @throws DecryptionFailedException if either does not authenticate in this slot (moved, modified)
   * @throws dev.fieldvault.keys.KeyUnavailableException if the wrapping key is disabled or not loaded
   * @throws MalformedCiphertextException for an unknown data key version
   */
  public byte[] open(Slot slot, byte[] valueCt, byte[] wrappedKey, int dataKeyVersion) {
    if (dataKeyVersion != DATA_KEY_VERSION) {
      throw new MalformedCiphertextException("Unknown data key version " + dataKeyVersion + " of a stored secret:"
          + " it was written by a newer FieldVault; upgrade this application");
    }
    byte[] dataKey = cipher.decrypt(wrappedKey, slot.dataKeyContext(domainPrefix, dataKeyVersion),
        EncryptionMode.RANDOMIZED);
    try {
      if (dataKey.length != KEY_BYTES) {
        throw new DecryptionFailedException("Decryption of a stored secret failed: its data key is malformed");
      }
      return new AesGcmJce(dataKey).decrypt(valueCt, slot.valueAd(dataKeyVersion));
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailedException("Decryption of a stored secret failed: the value was modified or moved"
          + " to another name, version or store");
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }
}
