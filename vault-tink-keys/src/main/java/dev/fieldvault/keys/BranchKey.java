package dev.fieldvault.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.internal.AssociatedData;
import dev.fieldvault.keys.internal.TinkSetup;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A branch key: an intermediate key-encryption key for many keysets (the "hierarchical" mode, as
 * in the AWS Database Encryption SDK's hierarchical keyring). It is a Tink AES-256-GCM keyset kept
 * in memory; it wraps data keysets locally, and is itself stored wrapped by another KEK (a KMS key,
 * a master secret or a local master keyset): loading it is <b>one</b> call to that KEK, whatever the
 * number of keysets.
 *
 * <ul>
 *   <li>Rotating the KMS key rewraps only the branch key ({@link #toWrappedJson} with the new KEK):
 *       no keyset and no data row is touched.
 *   <li>Rotating the branch key ({@link #rotate()}) adds a new primary version; the keysets are then
 *       rewrapped locally (no KMS call per keyset) and the retired versions dropped
 *       ({@link #withoutRetiredVersions()}) once nothing uses them.
 * </ul>
 *
 * <p>Each keyset it wraps is bound to the keyset's name and to the keyset document's own associated
 * data, so a wrapped keyset moved to another name does not open. Its {@link #id()} is
 * {@code branch:<name>:<primary version id>}; it {@linkplain #opens opens} keysets wrapped by any of
 * its versions. Immutable and thread-safe. See {@code docs/FORMAT.md} §6.1.
 */
public final class BranchKey implements KeyEncryptionKey {

  static final String DOCUMENT_FORMAT = "fieldvault-branch-key/1";
  private static final String WRAP_AD_LABEL = "fieldvault-branch-wrap/1";

  private final String name;
  private final KeysetHandle handle;
  private final Aead aead;

  private BranchKey(String name, KeysetHandle handle) {
    this.name = name;
    this.handle = handle;
    try {
      this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the AEAD of branch key '" + name + "'", e);
    }
  }

  /** A new branch key with one random AES-256-GCM version. */
  public static BranchKey generate(String name) {
    requireName(name);
    TinkSetup.ensureRegistered();
    try {
      return new BranchKey(name, KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an AES256_GCM keyset", e);
    }
  }

  /** The branch key's name (stored beside it and bound into its wrapping). */
  public String name() {
    return name;
  }

  /** {@code branch:<name>:<primary version id>}: stored beside every keyset this branch key wraps. */
  @Override
  public String id() {
    return idOf(handle.getPrimary().getId());
  }

  /** Whether a keyset stored under KEK id {@code storedKekId} was wrapped by a version of this branch key. */
  @Override
  public boolean opens(String storedKekId) {
    for (int i = 0; i < handle.size(); i++) {
      if (idOf(handle.getAt(i).getId()).equals(storedKekId)) {
        return true;
      }
    }
    return false;
  }

  /** How many versions it holds (1 after {@link #generate} and {@link #withoutRetiredVersions}). */
  public int versions() {
    return handle.size();
  }

  /** The AEAD bound to no keyset name; keyset documents use {@link #aeadForKeyset}. */
  @Override
  public Aead aead() {
    return aeadForKeyset("");
  }

  /**
   * The AEAD for one keyset: the branch key's Tink AEAD with associated data
   * {@code lp("fieldvault-branch-wrap/1") || lp(keysetName) || lp(ad)}, so the wrapped keyset
   * is bound to its name and to its document's own associated data.
   */
  @Override
  public Aead aeadForKeyset(String keysetName) {
    Objects.requireNonNull(keysetName, "keysetName");
    return new Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return aead.encrypt(plaintext, wrapAd(keysetName, associatedData));
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, wrapAd(keysetName, associatedData));
      }
    };
  }

  /**
   * A new branch key of the same name with a new random primary version; the earlier versions are
   * kept so that keysets not yet rewrapped still open. Store it (wrapped) before rewrapping keysets.
   */
  public BranchKey rotate() {
    try {
      KeysetHandle next = KeysetHandle.newBuilder(handle)
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
              .withRandomId().makePrimary())
          .build();
      return new BranchKey(name, next);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot rotate branch key '" + name + "'", e);
    }
  }

  /** This branch key with only its primary version: once every keyset is rewrapped by it. */
  public BranchKey withoutRetiredVersions() {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(handle);
      for (int i = handle.size() - 1; i >= 0; i--) {
        if (!handle.getAt(i).isPrimary()) {
          b.deleteAt(i);
        }
      }
      return new BranchKey(name, b.build());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot drop the retired versions of branch key '" + name + "'", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Stored form

  /**
   * The branch key as a JSON document wrapped by {@code wrappingKek}: one call to it (one KMS
   * Encrypt for a KMS key, with the branch key's name as encryption context).
   */
  public String toWrappedJson(KeyEncryptionKey wrappingKek) {
    if (wrappingKek instanceof BranchKey) {
      throw new VaultConfigurationException("A branch key is wrapped by a KMS key, a master secret or a local"
          + " master keyset, not by another branch key");
    }
    try {
      String tink = TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, wrappingKek.aeadForKeyset(name),
          documentAssociatedData(name));
      JsonObject doc = new JsonObject();
      doc.addProperty("format", DOCUMENT_FORMAT);
      doc.addProperty("name", name);
      doc.addProperty("kek", wrappingKek.id());
      doc.add("keyset", JsonParser.parseString(tink));
      return doc.toString();
    } catch (FieldVaultException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException("Could not wrap branch key '" + name + "' under KEK '" + wrappingKek.id()
          + "': check that the KEK (KMS key, master keyset) is reachable and allows encryption", e);
    }
  }

  /**
   * Loads a document written by {@link #toWrappedJson}: one call to {@code wrappingKek}.
   *
   * @throws WrongKeyEncryptionKeyException if it was wrapped by another KEK, or was modified
   * @throws KeyUnavailableException (or a KMS-specific subclass) if the KEK cannot be used
   */
  public static BranchKey fromWrappedJson(String json, KeyEncryptionKey wrappingKek) {
    TinkSetup.ensureRegistered();
    JsonObject doc;
    try {
      doc = JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new VaultConfigurationException("Not a FieldVault branch key document (invalid JSON)");
    }
    if (!doc.has("format") || !DOCUMENT_FORMAT.equals(doc.get("format").getAsString())) {
      throw new VaultConfigurationException("Not a FieldVault branch key document (expected format '"
          + DOCUMENT_FORMAT + "')");
    }
    String name = text(doc, "name");
    String storedKek = text(doc, "kek");
    if (!wrappingKek.opens(storedKek)) {
      throw new WrongKeyEncryptionKeyException("Branch key '" + name + "' is wrapped by KEK '" + storedKek
          + "' but the configured KEK is '" + wrappingKek.id() + "': configure the KMS key, master secret or"
          + " master keyset it was saved with");
    }
    if (!doc.has("keyset") || !doc.get("keyset").isJsonObject()) {
      throw new VaultConfigurationException("Branch key document '" + name + "' lacks 'keyset'");
    }
    try {
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(doc.get("keyset").toString(),
          wrappingKek.aeadForKeyset(name), documentAssociatedData(name));
      return new BranchKey(name, handle);
    } catch (FieldVaultException e) {
      throw e;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new WrongKeyEncryptionKeyException("Branch key '" + name + "' could not be unwrapped with KEK '"
          + wrappingKek.id() + "': the KEK is not the one it was saved with, or the document was modified", e);
    }
  }

  /** The id of the KEK that wraps a stored branch key document (read without unwrapping it). */
  public static String wrappingKekId(String json) {
    try {
      return text(JsonParser.parseString(json).getAsJsonObject(), "kek");
    } catch (JsonParseException | IllegalStateException e) {
      throw new VaultConfigurationException("Not a FieldVault branch key document (invalid JSON)");
    }
  }

  /** Loads a branch key file written by {@link #saveFile}: one call to {@code wrappingKek}. */
  public static BranchKey loadFile(Path file, KeyEncryptionKey wrappingKek) {
    if (!Files.exists(file)) {
      throw new VaultConfigurationException("No branch key file " + file + ": create one with"
          + " BranchKey.generate(name).saveFile(...) or the CLI's `keys rotate-kek --new-branch-key`");
    }
    return fromWrappedJson(KeysetSources.read(file), wrappingKek);
  }

  /** Writes the branch key, wrapped by {@code wrappingKek}, to a file atomically. */
  public void saveFile(Path file, KeyEncryptionKey wrappingKek) {
    KeysetSources.writeAtomically(file, toWrappedJson(wrappingKek));
  }

  static byte[] documentAssociatedData(String name) {
    return AssociatedData.lengthPrefixed(DOCUMENT_FORMAT, name);
  }

  private static byte[] wrapAd(String keysetName, byte[] associatedData) {
    byte[] label = AssociatedData.lengthPrefixed(WRAP_AD_LABEL, keysetName);
    byte[] ad = associatedData == null ? new byte[0] : associatedData;
    ByteArrayOutputStream out = new ByteArrayOutputStream(label.length + 4 + ad.length);
    out.writeBytes(label);
    byte[] len = new byte[4];
    AssociatedData.writeInt(len, 0, ad.length);
    out.writeBytes(len);
    out.writeBytes(ad);
    return out.toByteArray();
  }

  private String idOf(int versionId) {
    return "branch:" + name + ":" + Integer.toUnsignedString(versionId);
  }

  private static String text(JsonObject doc, String field) {
    if (!doc.has(field) || !doc.get(field).isJsonPrimitive()) {
      throw new VaultConfigurationException("Branch key document lacks '" + field + "'");
    }
    return doc.get(field).getAsString();
  }

  private static void requireName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")) {
      throw new VaultConfigurationException("A branch key name must be 1-100 characters of letters, digits"
          + " and . _ : / - (starting with a letter or digit), got "
          + (name == null ? "null" : "'" + name + "'"));
    }
  }

  @Override
  public String toString() {
    return "BranchKey{" + id() + ", versions=" + handle.size() + "}";
  }
}
