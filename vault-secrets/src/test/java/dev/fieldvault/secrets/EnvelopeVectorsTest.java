package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.secrets.internal.Envelope;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stored vectors of the secrets vault envelope (docs/FORMAT.md section 9, generated once by
 * {@link EnvelopeVectorGenerator}) must open in every build, forever: a failure here means the
 * envelope, its associated data or the wrapped key's context changed, which would make stored
 * secrets unreadable.
 */
class EnvelopeVectorsTest {

  static JsonObject root;
  static FieldCipher cipher;
  static VaultKeyset keyset;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = EnvelopeVectorsTest.class.getResourceAsStream("/vectors/secrets-envelope-v1.json")) {
      root = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    keyset = VaultKeyset.fromEncryptedJson(root.get("keyset").toString(),
        KeyEncryptionKeys.fromMasterSecret(root.get("masterSecret").getAsString()));
    cipher = FieldCipher.create(Keyring.of(keyset, null, null));
  }

  @Test
  void everyStoredEnvelope_opensToItsValue_withTheWrappingKeyNamedInItsHeader() {
    Envelope envelope = new Envelope(cipher, StoreMeta.DOMAIN_PREFIX);
    Set<Integer> wrappingKeys = new HashSet<>();
    int count = 0;
    for (JsonElement el : root.getAsJsonArray("envelopes")) {
      JsonObject c = el.getAsJsonObject();
      byte[] wrapped = b64(c, "wrappedKeyB64");
      byte[] plain = envelope.open(slot(c), b64(c, "valueCtB64"), wrapped, c.get("dataKeyVersion").getAsInt());

      assertThat(plain).as(c.toString()).isEqualTo(b64(c, "plaintextB64"));
      assertThat(SecretValue.decode(plain).type().name()).isEqualTo(c.get("type").getAsString());
      int keyId = CiphertextHeader.parse(wrapped).keyId();
      assertThat(Integer.toUnsignedString(keyId)).isEqualTo(c.get("wrappingKeyId").getAsString());
      assertThat(CiphertextHeader.parse(wrapped).mode()).isEqualTo(EncryptionMode.RANDOMIZED);
      // the value is AES-256-GCM under the data key: 12-byte nonce, ciphertext, 16-byte tag
      assertThat(b64(c, "valueCtB64")).hasSize(plain.length + 28);
      wrappingKeys.add(keyId);
      count++;
    }
    assertThat(count).isEqualTo(8);
    assertThat(wrappingKeys).hasSize(2); // wrapped by the old key and by the new one
  }

  @Test
  void aStoredEnvelope_movedToAnyOtherSlot_failsToOpen() {
    Envelope envelope = new Envelope(cipher, StoreMeta.DOMAIN_PREFIX);
    List<JsonObject> cases = new ArrayList<>();
    root.getAsJsonArray("envelopes").forEach(e -> cases.add(e.getAsJsonObject()));
    JsonObject c = cases.get(0);
    Envelope.Slot s = slot(c);
    List<Envelope.Slot> others = List.of(
        new Envelope.Slot(s.namespace() + "x", s.tenant(), s.nameKey(), s.version()),
        new Envelope.Slot(s.namespace(), null, s.nameKey(), s.version()),
        new Envelope.Slot(s.namespace(), s.tenant(), s.nameKey() + "x", s.version()),
        new Envelope.Slot(s.namespace(), s.tenant(), s.nameKey(), s.version() + 1));
    for (Envelope.Slot other : others) {
      assertThatThrownBy(() -> envelope.open(other, b64(c, "valueCtB64"), b64(c, "wrappedKeyB64"), 1))
          .as(other.toString()).isInstanceOf(DecryptionFailedException.class);
    }
    // another row's value under this row's data key, and this value under another data key version
    JsonObject d = cases.get(1);
    assertThatThrownBy(() -> envelope.open(s, b64(d, "valueCtB64"), b64(c, "wrappedKeyB64"), 1))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> envelope.open(s, b64(c, "valueCtB64"), b64(c, "wrappedKeyB64"), 2))
        .isInstanceOf(DecryptionFailedException.class).hasMessageContaining("data key version 2");
  }

  @Test
  void theStoredLegacyValue_decryptsInItsLegacyContext() {
    for (JsonElement el : root.getAsJsonArray("legacy")) {
      JsonObject c = el.getAsJsonObject();
      StoreMeta m = new StoreMeta(0, c.get("namespace").getAsString(), str(c, "tenant"), false, 10);
      byte[] plain = cipher.decrypt(b64(c, "valueCtB64"), m.context(c.get("nameKey").getAsString(),
          c.get("version").getAsLong()), EncryptionMode.RANDOMIZED);
      assertThat(plain).isEqualTo(b64(c, "plaintextB64"));
    }
  }

  private static Envelope.Slot slot(JsonObject c) {
    return new Envelope.Slot(c.get("namespace").getAsString(), str(c, "tenant"), c.get("nameKey").getAsString(),
        c.get("version").getAsLong());
  }

  private static String str(JsonObject o, String k) {
    return o.get(k) == null || o.get(k).isJsonNull() ? null : o.get(k).getAsString();
  }

  private static byte[] b64(JsonObject o, String k) {
    return Base64.getDecoder().decode(o.get(k).getAsString());
  }
}
