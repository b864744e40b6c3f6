package dev.fieldvault.keys;

import com.google.crypto.tink.KeysetHandle;
import dev.fieldvault.keys.internal.TinkSetup;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A named, versioned Tink keyset of one {@link KeyPurpose}, with the metadata FieldVault keeps beside
 * each key (ordinal, status, creation time).
 *
 * <p>The rules: the primary key writes; every enabled key at or above the
 * {@linkplain #minimumDecryptOrdinal() minimum decryption ordinal} reads; disabled keys do neither
 * and can be enabled again; destroyed keys are gone for good. Every change returns a new instance:
 * a {@code VaultKeyset} is immutable and thread-safe.
 *
 * <p>Keysets are saved as a JSON document whose key material is a Tink encrypted keyset under a
 * {@link KeyEncryptionKey}; the metadata is bound to it as associated data, so editing either part
 * makes the document fail to load. See {@code docs/FORMAT.md}.
 */
public final class VaultKeyset {

  static final String DOCUMENT_FORMAT = KeysetDocument.FORMAT;
  static final String INSECURE_KEK_ID = KeysetDocument.INSECURE_KEK_ID;

  private final String name;
  private final KeyPurpose purpose;
  private final KeysetHandle handle;
  private final List<KeyInfo> keys;
  private final int minimumDecryptOrdinal;

  private VaultKeyset(String name, KeyPurpose purpose, KeysetHandle handle, List<KeyInfo> keys,
      int minimumDecryptOrdinal) {
    this.name = name;
    this.purpose = purpose;
    this.handle = handle;
    this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
    this.minimumDecryptOrdinal = minimumDecryptOrdinal;
  }

  /** A new keyset with one primary key of the purpose's default algorithm. */
  public static VaultKeyset generate(String name, KeyPurpose purpose) {
    return generate(name, KeyAlgorithm.defaultFor(purpose));
  }

  /** A new keyset with one primary key of the given algorithm. */
  public static VaultKeyset generate(String name, KeyAlgorithm algorithm) {
    requireName(name);
    algorithm.requireAvailable();
    TinkSetup.ensureRegistered();
    try {
      KeysetHandle handle = KeysetHandle.newBuilder()
          .addEntry(KeysetHandle.generateEntryFromParameters(algorithm.tinkParameters())
              .withRandomId().makePrimary())
          .build();
      KeyInfo first = new KeyInfo(handle.getAt(0).getId(), 1, KeyStatus.ENABLED, true, now(), algorithm);
      return new VaultKeyset(name, algorithm.purpose(), handle, List.of(first), 0);
    } catch (GeneralSecurityException e) {
      throw unsupported(algorithm, e);
    }
  }

  public String name() {
    return name;
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  /** Every key ever added, in ordinal order, destroyed ones included. */
  public List<KeyInfo> keys() {
    return keys;
  }

  /** The key that writes. */
  public KeyInfo primary() {
    for (KeyInfo k : keys) {
      if (k.primary()) {
        return k;
      }
    }
    throw new IllegalStateException("keyset '" + name + "' has no primary key");
  }

  /** Keys with an ordinal below this cannot decrypt (0: no minimum). */
  public int minimumDecryptOrdinal() {
    return minimumDecryptOrdinal;
  }

  /** The key with this Tink key id, if the keyset knows it (destroyed keys included). */
  public Optional<KeyInfo> byKeyId(int keyId) {
    for (KeyInfo k : keys) {
      if (k.keyId() == keyId) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The key with this ordinal. */
  public KeyInfo byOrdinal(int ordinal) {
    for (KeyInfo k : keys) {
      if (k.ordinal() == ordinal) {
        return k;
      }
    }
    throw new VaultConfigurationException("Keyset '" + name + "' has no key with ordinal " + ordinal
        + " (ordinals 1.." + keys.size() + ")");
  }

  /** Whether a key can decrypt: enabled and at or above the minimum decryption ordinal. */
  public boolean canDecrypt(KeyInfo key) {
    return key.status() == KeyStatus.ENABLED && key.ordinal() >= minimumDecryptOrdinal;
  }

  /** Adds a new enabled (not primary) key of the primary's algorithm. */
  public VaultKeyset addKey() {
    return addKey(primary().algorithm());
  }

  /** Adds a new enabled (not primary) key of the given algorithm, which must fit the purpose. */
  public VaultKeyset addKey(KeyAlgorithm algorithm) {
    if (algorithm.purpose() != purpose) {
      throw new VaultConfigurationException("Cannot add a " + algorithm + " key to keyset '" + name
          + "', whose purpose is " + purpose);
    }
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      b.addEntry(KeysetHandle.generateEntryFromParameters(algorithm.tinkParameters()).withRandomId());
      KeysetHandle next = b.build();
      int newId = next.getAt(next.size() - 1).getId();
      List<KeyInfo> nextKeys = new ArrayList<>(keys);
      nextKeys.add(new KeyInfo(newId, keys.size() + 1, KeyStatus.ENABLED, false, now(), algorithm));
      return new VaultKeyset(name, purpose, next, nextKeys, minimumDecryptOrdinal);
    } catch (GeneralSecurityException e) {
      throw unsupported(algorithm, e);
    }
  }

  /** Adds a key and makes it primary in one step: what a routine data-key rotation does. */
  public VaultKeyset rotate() {
    VaultKeyset added = addKey();
    return added.promote(added.keys.size());
  }

  /** Makes an enabled key the primary: new values are written with it. */
  public VaultKeyset promote(int ordinal) {
    KeyInfo key = byOrdinal(ordinal);
    if (key.status() != KeyStatus.ENABLED) {
      throw new VaultConfigurationException("Cannot promote key " + ordinal + " of keyset '" + name
          + "': it is " + key.status() + "; only an enabled key can become primary");
    }
    if (key.ordinal() < minimumDecryptOrdinal) {
      throw new VaultConfigurationException("Cannot promote key " + ordinal + " of keyset '" + name
          + "': it is below the minimum decryption ordinal " + minimumDecryptOrdinal);
    }
    return change(key, b -> b.getAt(indexOf(key.keyId())).makePrimary(), key.status(), true);
  }

  /**
   * Disables a key: it no longer reads. The primary cannot be disabled (promote another first).
   * Tools that know the stored data (the key store in {@code vault-jdbc}) refuse to disable a key
   * that values still use.
   */
  public VaultKeyset disable(int ordinal) {
    KeyInfo key = byOrdinal(ordinal);
    if (key.primary()) {
      throw new VaultConfigurationException("Cannot disable key " + ordinal + " of keyset '" + name
          + "': it is the primary; promote another key first");
    }
    if (key.status() == KeyStatus.DESTROYED) {
      throw new VaultConfigurationException("Key " + ordinal + " of keyset '" + name + "' is destroyed");
    }
    return change(key, b -> b.getAt(indexOf(key.keyId())).setStatus(com.google.crypto.tink.KeyStatus.DISABLED),
        KeyStatus.DISABLED, false);
  }

  /** Enables a disabled key again. */
  public VaultKeyset enable(int ordinal) {
    KeyInfo key = byOrdinal(ordinal);
    if (key.status() == KeyStatus.DESTROYED) {
      throw new VaultConfigurationException("Cannot enable key " + ordinal + " of keyset '" + name
          + "': it was destroyed and its material is gone");
    }
    return change(key, b -> b.getAt(indexOf(key.keyId())).setStatus(com.google.crypto.tink.KeyStatus.ENABLED),
        KeyStatus.ENABLED, key.primary());
  }

  /**
   * Destroys a disabled key: its material is deleted and values under it can never be read again.
   * Only its metadata remains, so that tools can still say which key an old value needed.
   */
  public VaultKeyset destroy(int ordinal) {
    KeyInfo key = byOrdinal(ordinal);
    if (key.status() != KeyStatus.DISABLED) {
      throw new VaultConfigurationException("Cannot destroy key " + ordinal + " of keyset '" + name
          + "': it is " + key.status() + "; disable it first (and make sure no value still uses it)");
    }
    return change(key, b -> b.deleteAt(indexOf(key.keyId())), KeyStatus.DESTROYED, false);
  }

  /**
   * Sets the minimum ordinal that may decrypt: values under older keys are then rejected even if
   * those keys are still enabled. It cannot exceed the primary's ordinal.
   */
  public VaultKeyset withMinimumDecryptOrdinal(int ordinal) {
    if (ordinal < 0 || ordinal > primary().ordinal()) {
      throw new VaultConfigurationException("The minimum decryption ordinal of keyset '" + name
          + "' must be between 0 and the primary's ordinal " + primary().ordinal() + ", not " + ordinal);
    }
    return new VaultKeyset(name, purpose, handle, keys, ordinal);
  }

  /** The Tink keyset handle (enabled and disabled keys). Internal to FieldVault's modules. */
  KeysetHandle handle() {
    return handle;
  }

  // ---------------------------------------------------------------------------------------------
  // Serialization: the JSON document is KeysetDocument's; these are its public entry points.

  /** The keyset as a JSON document whose key material is encrypted under {@code kek}. */
  public String toEncryptedJson(KeyEncryptionKey kek) {
    return KeysetDocument.toEncryptedJson(this, kek);
  }

  /**
   * Loads a document written by {@link #toEncryptedJson}.
   *
   * @throws WrongKeyEncryptionKeyException if it was encrypted under another KEK
   * @throws KeyUnavailableException if the document does not decrypt (modified or corrupt)
   */
  public static VaultKeyset fromEncryptedJson(String json, KeyEncryptionKey kek) {
    return KeysetDocument.fromEncryptedJson(json, kek);
  }

  /** The keyset as a plaintext JSON document: for {@link KeysetSources#insecurePlaintextFile} only. */
  String toInsecurePlaintextJson() {
    return KeysetDocument.toInsecurePlaintextJson(this);
  }

  static VaultKeyset fromInsecurePlaintextJson(String json) {
    return KeysetDocument.fromInsecurePlaintextJson(json);
  }

  /** A keyset from its parts, as a document holds them. */
  static VaultKeyset restore(String name, KeyPurpose purpose, KeysetHandle handle, List<KeyInfo> keys,
      int minimumDecryptOrdinal) {
    return new VaultKeyset(name, purpose, handle, keys, minimumDecryptOrdinal);
  }

  static byte[] documentAssociatedData(String name, KeyPurpose purpose, String metadata) {
    return KeysetDocument.associatedData(name, purpose, metadata);
  }

  // ---------------------------------------------------------------------------------------------

  private interface BuilderChange {
    void apply(KeysetHandle.Builder b) throws GeneralSecurityException;
  }

  private VaultKeyset change(KeyInfo target, BuilderChange c, KeyStatus newStatus, boolean makePrimary) {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      c.apply(b);
      KeysetHandle next = b.build();
      List<KeyInfo> nextKeys = new ArrayList<>(keys.size());
      for (KeyInfo k : keys) {
        if (k.keyId() == target.keyId()) {
          nextKeys.add(new KeyInfo(k.keyId(), k.ordinal(), newStatus, makePrimary, k.created(), k.algorithm()));
        } else {
          nextKeys.add(new KeyInfo(k.keyId(), k.ordinal(), k.status(), makePrimary ? false : k.primary(),
              k.created(), k.algorithm()));
        }
      }
      return new VaultKeyset(name, purpose, next, nextKeys, minimumDecryptOrdinal);
    } catch (GeneralSecurityException e) {
      throw new VaultConfigurationException("Cannot change key " + target.ordinal() + " of keyset '" + name
          + "': " + e.getMessage(), e);
    }
  }

  private int indexOf(int keyId) {
    for (int i = 0; i < handle.size(); i++) {
      if (handle.getAt(i).getId() == keyId) {
        return i;
      }
    }
    throw new IllegalStateException("key " + Integer.toUnsignedString(keyId) + " not in keyset '" + name + "'");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  private static void requireName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")) {
      throw new VaultConfigurationException("A keyset name must be 1-128 characters of letters, digits"
          + " and . _ : / - (starting with a letter or digit), got "
          + (name == null ? "null" : "'" + name + "'"));
    }
  }

  private static VaultConfigurationException unsupported(KeyAlgorithm algorithm, GeneralSecurityException e) {
    return new VaultConfigurationException("Cannot generate a " + algorithm + " key"
        + (algorithm == KeyAlgorithm.AES256_GCM_SIV
            ? ": AES-GCM-SIV needs a JCE provider that implements it (add Conscrypt to the class path)"
            : ": " + e.getMessage()), e);
  }

  @Override
  public String toString() {
    return "VaultKeyset{name='" + name + "', purpose=" + purpose + ", primary=" + primary().ordinal()
        + ", keys=" + keys.size() + "}";
  }
}
