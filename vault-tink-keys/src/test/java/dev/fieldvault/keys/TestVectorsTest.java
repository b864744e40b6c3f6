package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stored vectors of ciphertext format 1 (generated once by {@link TestVectorGenerator}) must
 * decrypt in every build, forever: a failure here means the format, the context encoding or a value
 * encoding changed, which would make stored data unreadable.
 */
class TestVectorsTest {

  /** An enum used by the vectors; its constants' names are part of the vectors. */
  enum Tier { BRONZE, SILVER, GOLD }

  static JsonObject root;
  static final Map<String, VaultKeyset> KEYSETS = new HashMap<>();

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = TestVectorsTest.class.getResourceAsStream("/vectors/format-v1.json")) {
      root = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("keysets").entrySet()) {
      KEYSETS.put(e.getKey(), VaultKeyset.fromInsecurePlaintextJson(e.getValue().toString()));
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void everyStoredCiphertext_decryptsToItsValue_andDeterministicOnesReencryptIdentically() throws Exception {
    int count = 0;
    for (JsonElement el : root.getAsJsonArray("ciphertexts")) {
      JsonObject c = el.getAsJsonObject();
      VaultKeyset ks = KEYSETS.get(c.get("keyset").getAsString());
      EncryptionMode mode = EncryptionMode.valueOf(c.get("mode").getAsString());
      FieldCipher cipher = FieldCipher.create(mode == EncryptionMode.DETERMINISTIC
          ? Keyring.of(null, ks, null) : Keyring.of(ks, null, null));
      EncryptionContext ctx = EncryptionContext.of(c.get("domain").getAsString(), c.get("field").getAsString(),
          str(c, "tenant"), str(c, "rowId"));
      byte[] ct = b64(c.get("ciphertextB64").getAsString());
      byte[] expectedPlain = b64(c.get("plaintextB64").getAsString());
      String where = c.get("keyset").getAsString() + " " + c.get("type").getAsString();

      assertThat(cipher.decrypt(ct, ctx)).as(where).isEqualTo(expectedPlain);
      assertThat(CiphertextHeader.parse(ct).mode()).isEqualTo(mode);
      assertThat(ks.byKeyId(CiphertextHeader.parse(ct).keyId())).as(where).isPresent();

      Class type = Class.forName(c.get("type").getAsString());
      ValueCodec codec = ValueCodecs.forType(type);
      Object value = codec.decode(expectedPlain);
      String shown = value instanceof byte[] ? Base64.getEncoder().encodeToString((byte[]) value) : value.toString();
      assertThat(shown).as("value encoding of " + where).isEqualTo(c.get("value").getAsString());
      assertThat(codec.encode(value)).as("value encoding of " + where).isEqualTo(expectedPlain);

      if (mode == EncryptionMode.DETERMINISTIC && ks.primary().keyId() == CiphertextHeader.parse(ct).keyId()) {
        assertThat(cipher.encrypt(expectedPlain, ctx, mode, c.get("compressAbove").getAsInt()))
            .as("deterministic re-encryption of " + where).isEqualTo(ct);
      }
      count++;
    }
    assertThat(count).isGreaterThanOrEqualTo(100);
  }

  @Test
  void everyStoredBlindIndex_isRecomputedIdentically() {
    int count = 0;
    for (JsonElement el : root.getAsJsonArray("blindIndexes")) {
      JsonObject c = el.getAsJsonObject();
      VaultKeyset prf = KEYSETS.get(c.get("keyset").getAsString());
      FieldCipher cipher = FieldCipher.create(Keyring.of(KEYSETS.get("tv-aes256-gcm"), null, prf));
      EncryptionContext ctx = EncryptionContext.of(c.get("domain").getAsString(), c.get("field").getAsString(),
          str(c, "tenant"), null);
      assertThat(cipher.blindIndex(b64(c.get("normalizedB64").getAsString()), ctx, c.get("length").getAsInt()))
          .isEqualTo(b64(c.get("blindIndexB64").getAsString()));
      count++;
    }
    assertThat(count).isEqualTo(18);
  }

  @Test
  void storedEncryptedKeysetDocument_loadsWithItsMasterSecret_only() {
    String doc = root.get("encryptedKeysetDocument").toString();
    VaultKeyset loaded = VaultKeyset.fromEncryptedJson(doc,
        KeyEncryptionKeys.fromMasterSecret(root.get("masterSecret").getAsString()));
    assertThat(loaded.keys()).isEqualTo(KEYSETS.get("tv-aes256-gcm").keys());
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(doc,
        KeyEncryptionKeys.fromMasterSecret("another-master-secret-0123456789abcdefXYZ")))
        .isInstanceOf(WrongKeyEncryptionKeyException.class);
  }

  private static String str(JsonObject o, String k) {
    return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : null;
  }

  private static byte[] b64(String s) {
    return Base64.getDecoder().decode(s);
  }
}
