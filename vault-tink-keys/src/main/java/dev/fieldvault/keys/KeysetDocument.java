package dev.fieldvault.keys;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.internal.AssociatedData;
import dev.fieldvault.keys.internal.TinkSetup;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON document of a {@link VaultKeyset} (format {@value #FORMAT}, see {@code docs/FORMAT.md}):
 * the keyset's name, purpose, KEK id, metadata (ordinals, creation times, algorithms, minimum
 * decryption ordinal) and its Tink keyset, encrypted under the KEK with the rest as associated data.
 * Kept apart from the key lifecycle in {@link VaultKeyset}, as Tink keeps {@code KeysetHandle}
 * apart from {@code TinkJsonProtoKeysetFormat}.
 */
final class KeysetDocument {

  static final String FORMAT = "fieldvault-keyset/1";
  static final String INSECURE_KEK_ID = "INSECURE-PLAINTEXT";

  private KeysetDocument() {}


  /** The keyset as a JSON document whose key material is encrypted under {@code kek}. */
  static String toEncryptedJson(VaultKeyset ks, KeyEncryptionKey kek) {
    String name = ks.name();
    KeyPurpose purpose = ks.purpose();
    String metadata = metadataJson(ks);
    try {
      String tink = TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(ks.handle(), kek.aeadForKeyset(name),
          associatedData(name, purpose, metadata));
      return document(ks, kek.id(), metadata, tink);
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException("Could not encrypt keyset '" + name + "' under KEK '" + kek.id()
          + "': check that the KEK (KMS key, master keyset) is reachable and allows encryption", e);
    }
  }

  /**
   * Loads a document written by {@link #toEncryptedJson}.
   *
   * @throws WrongKeyEncryptionKeyException if it was encrypted under another KEK
   * @throws KeyUnavailableException if the document does not decrypt (modified or corrupt)
   */
  static VaultKeyset fromEncryptedJson(String json, KeyEncryptionKey kek) {
    TinkSetup.ensureRegistered();
    JsonObject doc = parseDocument(json);
    String name = string(doc, "name");
    String storedKek = string(doc, "kek");
    if (INSECURE_KEK_ID.equals(storedKek)) {
      throw new VaultConfigurationException("Keyset '" + name + "' is stored as insecure plaintext;"
          + " load it with KeysetSources.insecurePlaintextFile (development only) and save it encrypted");
    }
    if (!kek.opens(storedKek)) {
      throw new WrongKeyEncryptionKeyException("Keyset '" + name + "' was encrypted under KEK '" + storedKek
          + "' but the configured KEK is '" + kek.id() + "': configure the master secret, master keyset"
          + " or KMS key it was saved with (or rotate the KEK with the old one first)");
    }
    KeyPurpose purpose = purpose(doc, name);
    String metadata = string(doc, "metadata");
    KeysetHandle handle;
    try {
      handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(doc.get("keyset").toString(), kek.aeadForKeyset(name),
          associatedData(name, purpose, metadata));
    } catch (FieldVaultException e) {
      // a typed failure of the KEK itself (a KMS that is unreachable, denies access, has the key
      // disabled): it says more than "wrong KEK", so it reaches the caller as it is
      throw e;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new WrongKeyEncryptionKeyException("Keyset '" + name + "' could not be decrypted with KEK '"
          + kek.id() + "': the KEK is not the one it was saved with, or the document was modified", e);
    }
    return fromParts(name, purpose, handle, metadata);
  }

  /** The keyset as a plaintext JSON document: for {@link KeysetSources#insecurePlaintextFile} only. */
  static String toInsecurePlaintextJson(VaultKeyset ks) {
    try {
      return document(ks, INSECURE_KEK_ID, metadataJson(ks),
          TinkJsonProtoKeysetFormat.serializeKeyset(ks.handle(), InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize keyset '" + ks.name() + "'", e);
    }
  }

  static VaultKeyset fromInsecurePlaintextJson(String json) {
    TinkSetup.ensureRegistered();
    JsonObject doc = parseDocument(json);
    String name = string(doc, "name");
    if (!INSECURE_KEK_ID.equals(string(doc, "kek"))) {
      throw new VaultConfigurationException("Keyset '" + name + "' is encrypted under KEK '"
          + string(doc, "kek") + "': load it with an encrypted keyset source and that KEK");
    }
    KeyPurpose purpose = purpose(doc, name);
    try {
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(doc.get("keyset").toString(),
          InsecureSecretKeyAccess.get());
      return fromParts(name, purpose, handle, string(doc, "metadata"));
    } catch (GeneralSecurityException e) {
      throw new VaultConfigurationException("Keyset document '" + name + "' holds no valid Tink keyset", e);
    }
  }

  private static VaultKeyset fromParts(String name, KeyPurpose purpose, KeysetHandle handle, String metadata) {
    JsonObject meta;
    try {
      meta = JsonParser.parseString(metadata).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new VaultConfigurationException("Keyset document '" + name + "' has invalid metadata", e);
    }
    int min = meta.get("minimumDecryptOrdinal").getAsInt();
    List<KeyInfo> keys = new ArrayList<>();
    for (var el : meta.getAsJsonArray("keys")) {
      JsonObject k = el.getAsJsonObject();
      int id = (int) k.get("id").getAsLong();
      KeyStatus status = KeyStatus.DESTROYED;
      boolean primary = false;
      for (int i = 0; i < handle.size(); i++) {
        if (handle.getAt(i).getId() == id) {
          status = handle.getAt(i).getStatus() == com.google.crypto.tink.KeyStatus.ENABLED
              ? KeyStatus.ENABLED : KeyStatus.DISABLED;
          primary = handle.getAt(i).isPrimary();
        }
      }
      keys.add(new KeyInfo(id, k.get("ordinal").getAsInt(), status, primary,
          Instant.parse(k.get("created").getAsString()), KeyAlgorithm.valueOf(k.get("algorithm").getAsString())));
    }
    if (keys.stream().noneMatch(KeyInfo::primary)) {
      throw new VaultConfigurationException("Keyset document '" + name + "' names no primary key");
    }
    return VaultKeyset.restore(name, purpose, handle, keys, min);
  }

  private static String metadataJson(VaultKeyset ks) {
    JsonObject meta = new JsonObject();
    meta.addProperty("minimumDecryptOrdinal", ks.minimumDecryptOrdinal());
    JsonArray arr = new JsonArray();
    for (KeyInfo k : ks.keys()) {
      JsonObject o = new JsonObject();
      o.addProperty("id", Integer.toUnsignedLong(k.keyId()));
      o.addProperty("ordinal", k.ordinal());
      o.addProperty("created", k.created().toString());
      o.addProperty("algorithm", k.algorithm().name());
      arr.add(o);
    }
    meta.add("keys", arr);
    return meta.toString();
  }

  private static String document(VaultKeyset ks, String kekId, String metadata, String tinkJson) {
    JsonObject doc = new JsonObject();
    doc.addProperty("format", FORMAT);
    doc.addProperty("name", ks.name());
    doc.addProperty("purpose", ks.purpose().name());
    doc.addProperty("kek", kekId);
    doc.addProperty("metadata", metadata);
    doc.add("keyset", JsonParser.parseString(tinkJson));
    return doc.toString();
  }

  static byte[] associatedData(String name, KeyPurpose purpose, String metadata) {
    return AssociatedData.lengthPrefixed(FORMAT, name, purpose.name(), metadata);
  }

  private static JsonObject parseDocument(String json) {
    JsonObject doc;
    try {
      doc = JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new VaultConfigurationException("Not a FieldVault keyset document (invalid JSON)");
    }
    if (!doc.has("format") || !FORMAT.equals(doc.get("format").getAsString())) {
      throw new VaultConfigurationException("Not a FieldVault keyset document (expected format '"
          + FORMAT + "')");
    }
    return doc;
  }

  private static String string(JsonObject doc, String field) {
    if (!doc.has(field) || !doc.get(field).isJsonPrimitive()) {
      throw new VaultConfigurationException("Keyset document lacks '" + field + "'");
    }
    return doc.get(field).getAsString();
  }

  private static KeyPurpose purpose(JsonObject doc, String name) {
    try {
      return KeyPurpose.valueOf(string(doc, "purpose"));
    } catch (IllegalArgumentException e) {
      throw new VaultConfigurationException("Keyset document '" + name + "' has an unknown purpose");
    }
  }
}
