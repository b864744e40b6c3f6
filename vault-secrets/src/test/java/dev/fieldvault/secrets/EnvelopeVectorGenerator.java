package dev.fieldvault.secrets;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyAlgorithm;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.secrets.internal.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Writes the stored test vectors of the secrets vault envelope, data key version 1
 * (src/test/resources/vectors/secrets-envelope-v1.json). Run once when the format was defined; the
 * file is frozen: {@link EnvelopeVectorsTest} opens it in every build. Never regenerate it to make a
 * failing test pass: a failure means the stored format changed (docs/FORMAT.md, section 9).
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) dev.fieldvault.secrets.EnvelopeVectorGenerator out.json</pre>
 */
public final class EnvelopeVectorGenerator {

  /** The test keyset's key-encryption secret (test keys only). */
  static final String MASTER_SECRET = "secrets-envelope-vectors-NOT-FOR-USE-7d3e91";

  public static void main(String[] args) throws Exception {
    VaultKeyset gcm = VaultKeyset.generate("tv-secrets-aead", KeyAlgorithm.AES256_GCM).rotate(); // two keys
    JsonObject root = new JsonObject();
    root.addProperty("format", "fieldvault-secrets-envelope/1");
    root.addProperty("note", "Test keys only. Frozen: every build must open these. See docs/FORMAT.md section 9.");
    root.addProperty("masterSecret", MASTER_SECRET);
    root.add("keyset", JsonParser.parseString(gcm.toEncryptedJson(KeyEncryptionKeys.fromMasterSecret(MASTER_SECRET))));
    JsonArray cases = new JsonArray();
    Object[][] slots = {
        {"oauth-tokens", "acme", "github", 1L}, {"oauth-tokens", null, "github", 7L},
        {"ünïcødé-ns", "tenant ✓", "name with spaces/and:colons", 123456789012L},
        {"recovery-codes", null, "q1Xw0e9K3mZr8vB2nT5yU7iO4pA6sD1fG3hJ9kL0zXc", 2L}};
    SecretValue[] values = {SecretValue.ofString("gho_refresh-token"), SecretValue.ofString(""),
        SecretValue.ofBytes(new byte[] {0, 1, 2, (byte) 0xFE, (byte) 0xFF}),
        SecretValue.ofJson(Map.of("codes", java.util.List.of("1111-2222", "3333-4444")))};
    VaultKeyset[] wrapping = {gcm.promote(1), gcm}; // the data key wrapped by the old and by the new key
    int i = 0;
    for (Object[] slot : slots) {
      for (VaultKeyset ks : wrapping) {
        SecretValue v = values[i++ % values.length];
        Envelope env = new Envelope(FieldCipher.create(Keyring.of(ks, null, null)), StoreMeta.DOMAIN_PREFIX);
        Envelope.Slot s = new Envelope.Slot((String) slot[0], (String) slot[1], (String) slot[2], (Long) slot[3]);
        Envelope.Sealed sealed = env.seal(s, v.encode());
        JsonObject c = slotJson(s);
        c.addProperty("dataKeyVersion", sealed.dataKeyVersion());
        c.addProperty("wrappingKeyId", Integer.toUnsignedString(ks.primary().keyId()));
        c.addProperty("valueCtB64", b64(sealed.valueCt()));
        c.addProperty("wrappedKeyB64", b64(sealed.wrappedKey()));
        c.addProperty("plaintextB64", b64(v.encode()));
        c.addProperty("type", v.type().name());
        cases.add(c);
      }
    }
    root.add("envelopes", cases);
    // a value written before the envelope: one FieldVault ciphertext in the legacy context, no data key
    JsonArray legacy = new JsonArray();
    StoreMeta m = new StoreMeta(0, "oauth-tokens", "acme", false, 10);
    SecretValue v = SecretValue.ofString("legacy-value");
    JsonObject c = slotJson(m.slot("gitlab", 3));
    c.addProperty("valueCtB64", b64(FieldCipher.create(Keyring.of(gcm, null, null))
        .encrypt(v.encode(), m.context("gitlab", 3), EncryptionMode.RANDOMIZED)));
    c.addProperty("plaintextB64", b64(v.encode()));
    c.addProperty("type", v.type().name());
    legacy.add(c);
    root.add("legacy", legacy);
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
    Files.writeString(Path.of(args[0]), json + "\n", StandardCharsets.UTF_8);
  }

  private static JsonObject slotJson(Envelope.Slot s) {
    JsonObject c = new JsonObject();
    c.addProperty("namespace", s.namespace());
    c.addProperty("tenant", s.tenant());
    c.addProperty("nameKey", s.nameKey());
    c.addProperty("version", s.version());
    return c;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
