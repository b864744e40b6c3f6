package dev.fieldvault.keys;

import dev.fieldvault.keys.internal.AssociatedData;
import java.util.Base64;

/**
 * The readable, authenticated header of a FieldVault ciphertext (docs/FORMAT.md):
 *
 * <pre>
 *   byte 0      format byte: high nibble = format version (1), bit 0 = deterministic, bit 1 = compressed,
 *               bits 2-3 reserved (0)
 *   byte 1      Tink output prefix marker 0x01
 *   bytes 2..5  Tink key id, big-endian
 *   bytes 6..   Tink raw ciphertext (nonce || ciphertext || tag for AES-GCM)
 * </pre>
 *
 * <p>Reading a header needs no key, so tools can tell which values are on an old key without
 * decrypting them. The header is covered by the associated data: changing any header byte makes
 * decryption fail.
 */
public final class CiphertextHeader {

  /** The only format version this library writes. */
  public static final int FORMAT_VERSION = 1;
  /** Length of the header in bytes. */
  public static final int LENGTH = 6;

  static final int FLAG_DETERMINISTIC = 0x01;
  static final int FLAG_COMPRESSED = 0x02;
  private static final int RESERVED_FLAGS = 0x0C;
  private static final byte TINK_PREFIX = 0x01;

  private final int formatVersion;
  private final boolean deterministic;
  private final boolean compressed;
  private final int keyId;

  private CiphertextHeader(int formatVersion, boolean deterministic, boolean compressed, int keyId) {
    this.formatVersion = formatVersion;
    this.deterministic = deterministic;
    this.compressed = compressed;
    this.keyId = keyId;
  }

  /**
   * Reads the header of a binary ciphertext.
   *
   * @throws MalformedCiphertextException if the value is not a FieldVault ciphertext
   */
  public static CiphertextHeader parse(byte[] ciphertext) {
    if (ciphertext == null || ciphertext.length < LENGTH + 1) {
      throw new MalformedCiphertextException("The stored value is too short to be a FieldVault ciphertext ("
          + (ciphertext == null ? "null" : ciphertext.length + " bytes")
          + "): it may be a plaintext value in an encrypted column; use the plaintext-migration policy"
          + " to read such rows while they are being migrated");
    }
    int b0 = ciphertext[0] & 0xFF;
    int version = b0 >>> 4;
    if (version != FORMAT_VERSION) {
      throw new MalformedCiphertextException("Unknown ciphertext format version " + version
          + " (this library reads version " + FORMAT_VERSION + "): the value was written by a newer"
          + " FieldVault, or it is not a FieldVault ciphertext");
    }
    if ((b0 & RESERVED_FLAGS) != 0) {
      throw new MalformedCiphertextException("The ciphertext header has reserved flag bits set"
          + " (format byte 0x" + Integer.toHexString(b0) + "): the value is corrupt or not a FieldVault ciphertext");
    }
    if (ciphertext[1] != TINK_PREFIX) {
      throw new MalformedCiphertextException("The ciphertext does not carry a Tink key id"
          + " (byte 1 is not 0x01): the value is corrupt or not a FieldVault ciphertext");
    }
    return new CiphertextHeader(version, (b0 & FLAG_DETERMINISTIC) != 0, (b0 & FLAG_COMPRESSED) != 0,
        AssociatedData.readInt(ciphertext, 2));
  }

  /**
   * Reads the header of a text (base64) ciphertext.
   *
   * @throws MalformedCiphertextException if the value is not base64 of a FieldVault ciphertext
   */
  public static CiphertextHeader parseText(String base64) {
    return parse(decodeText(base64));
  }

  /** Decodes the text storage form; a malformed value is a {@link MalformedCiphertextException}. */
  public static byte[] decodeText(String base64) {
    if (base64 == null) {
      throw new MalformedCiphertextException("The stored text value is null");
    }
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new MalformedCiphertextException("The stored text value is not base64: it may be a"
          + " plaintext value in an encrypted column; use the plaintext-migration policy while migrating");
    }
  }

  /** Whether a binary value starts like a FieldVault ciphertext (cheap, used by plaintext migration). */
  public static boolean looksLikeCiphertext(byte[] value) {
    return value != null && value.length > LENGTH && (value[0] & 0xFF) >>> 4 == FORMAT_VERSION
        && (value[0] & RESERVED_FLAGS) == 0 && value[1] == TINK_PREFIX;
  }

  /** The shortest randomized ciphertext: the header, a 12-byte nonce and a 16-byte tag (AES-GCM, AES-GCM-SIV). */
  public static final int MIN_RANDOMIZED_LENGTH = LENGTH + 12 + 16;
  /** The shortest deterministic ciphertext: the format byte, Tink's 5-byte prefix and a 16-byte SIV (AES-SIV). */
  public static final int MIN_DETERMINISTIC_LENGTH = 1 + 5 + 16;

  /**
   * Whether a stored binary value has the form of a FieldVault ciphertext: a header that parses, and
   * at least the length of the shortest ciphertext of the mode its header names. Needs no key.
   *
   * <p>This is the rule that tells a legacy plaintext from a ciphertext while a column is migrated
   * from plaintext (docs/FORMAT.md, "Legacy plaintext"): a value without this form can only be a
   * plaintext, and is read as one under a migrating policy. A value with it is read as a ciphertext
   * whatever its key id: if its key is unknown, disabled or destroyed, or it fails to authenticate,
   * that stays an error, so that a ciphertext FieldVault cannot read now (the wrong keyset loaded, a
   * renamed context) is never taken for a plaintext and overwritten by its re-encryption.
   */
  public static boolean hasCiphertextForm(byte[] value) {
    if (!looksLikeCiphertext(value)) {
      return false;
    }
    int min = (value[0] & FLAG_DETERMINISTIC) != 0 ? MIN_DETERMINISTIC_LENGTH : MIN_RANDOMIZED_LENGTH;
    return value.length >= min;
  }

  /**
   * {@link #hasCiphertextForm(byte[])} for the text storage form: base64 (RFC 4648, with padding) of
   * bytes that have the form of a ciphertext.
   */
  public static boolean hasCiphertextFormText(String value) {
    if (value == null) {
      return false;
    }
    try {
      return hasCiphertextForm(Base64.getDecoder().decode(value));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static byte headerByte(boolean deterministic, boolean compressed) {
    return (byte) ((FORMAT_VERSION << 4) | (deterministic ? FLAG_DETERMINISTIC : 0)
        | (compressed ? FLAG_COMPRESSED : 0));
  }

  public int formatVersion() {
    return formatVersion;
  }

  public EncryptionMode mode() {
    return deterministic ? EncryptionMode.DETERMINISTIC : EncryptionMode.RANDOMIZED;
  }

  public boolean compressed() {
    return compressed;
  }

  /** The Tink key id that encrypted the value (compare with {@link KeyInfo#keyId()}). */
  public int keyId() {
    return keyId;
  }

  @Override
  public String toString() {
    return "CiphertextHeader{v" + formatVersion + ", " + mode() + (compressed ? ", compressed" : "")
        + ", keyId=" + Integer.toUnsignedString(keyId) + "}";
  }
}
