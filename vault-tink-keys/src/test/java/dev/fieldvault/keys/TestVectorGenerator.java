package dev.fieldvault.keys;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * Writes the stored test vectors of format version 1 (src/test/resources/vectors/format-v1.json).
 * Run once when the format is defined; the file is then frozen: {@link TestVectorsTest} decrypts it in
 * every build. Never regenerate it to make a failing test pass: a failure means the format changed.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) dev.fieldvault.keys.TestVectorGenerator out.json</pre>
 */
public final class TestVectorGenerator {

  static final String MASTER_SECRET = "test-vector-master-secret-NOT-FOR-USE-4f9c2a7e1b";

  public static void main(String[] args) throws Exception {
    VaultKeyset gcm = VaultKeyset.generate("tv-aes256-gcm", KeyAlgorithm.AES256_GCM).rotate(); // two keys
    VaultKeyset xchacha = VaultKeyset.generate("tv-xchacha20-poly1305", KeyAlgorithm.XCHACHA20_POLY1305);
    VaultKeyset siv = VaultKeyset.generate("tv-aes256-siv", KeyAlgorithm.AES256_SIV).rotate();
    VaultKeyset prf = VaultKeyset.generate("tv-hmac-sha256-prf", KeyAlgorithm.HMAC_SHA256_PRF);

    JsonObject root = new JsonObject();
    root.addProperty("format", "fieldvault-ciphertext/1");
    root.addProperty("note", "Test keys only. Frozen: every build must decrypt these. See docs/FORMAT.md.");
    JsonObject keysets = new JsonObject();
    for (VaultKeyset ks : new VaultKeyset[] {gcm, xchacha, siv, prf}) {
      keysets.add(ks.name(), JsonParser.parseString(ks.toInsecurePlaintextJson()));
    }
    root.add("keysets", keysets);
    root.addProperty("masterSecret", MASTER_SECRET);
    root.add("encryptedKeysetDocument",
        JsonParser.parseString(gcm.toEncryptedJson(KeyEncryptionKeys.fromMasterSecret(MASTER_SECRET))));

    JsonArray cases = new JsonArray();
    Object[][] values = {
        {String.class, "alice@example.com"}, {String.class, ""}, {String.class, "ünïcødé ✓"},
        {byte[].class, new byte[] {0, 1, 2, (byte) 0xFE, (byte) 0xFF}}, {Boolean.class, true},
        {Byte.class, (byte) -7}, {Short.class, (short) 12345}, {Integer.class, -123456789},
        {Long.class, 9_007_199_254_740_993L}, {Float.class, 3.25f}, {Double.class, -2.5e-300},
        {BigInteger.class, new BigInteger("-98765432109876543210")}, {BigDecimal.class, new BigDecimal("1234.5600")},
        {LocalDate.class, LocalDate.of(2026, 11, 23)}, {LocalTime.class, LocalTime.of(23, 59, 58, 123456789)},
        {LocalDateTime.class, LocalDateTime.of(1999, 12, 31, 23, 59, 59, 1)},
        {Instant.class, Instant.parse("2026-11-23T16:00:00.000000042Z")},
        {OffsetDateTime.class, OffsetDateTime.parse("2026-11-23T16:00:00.5+05:30")},
        {UUID.class, UUID.fromString("123e4567-e89b-12d3-a456-426614174000")},
        {TestVectorsTest.Tier.class, TestVectorsTest.Tier.GOLD}};
    // randomized under the old and the new AES-GCM key, XChaCha20, deterministic under both SIV keys
    addCases(cases, values, gcm, "tv-aes256-gcm", EncryptionMode.RANDOMIZED, "acme", 42L, -1);
    addCases(cases, values, gcm.promote(1), "tv-aes256-gcm", EncryptionMode.RANDOMIZED, null, null, -1);
    addCases(cases, values, xchacha, "tv-xchacha20-poly1305", EncryptionMode.RANDOMIZED, null, "row-7", -1);
    addCases(cases, values, siv, "tv-aes256-siv", EncryptionMode.DETERMINISTIC, "acme", null, -1);
    addCases(cases, values, siv.promote(1), "tv-aes256-siv", EncryptionMode.DETERMINISTIC, null, null, -1);
    Object[][] big = {{String.class, "compress me please ".repeat(40)}};
    addCases(cases, big, gcm, "tv-aes256-gcm", EncryptionMode.RANDOMIZED, null, null, 64);
    addCases(cases, big, siv, "tv-aes256-siv", EncryptionMode.DETERMINISTIC, null, null, 64);
    root.add("ciphertexts", cases);

    JsonArray blind = new JsonArray();
    FieldCipher prfCipher = FieldCipher.create(Keyring.of(gcm, null, prf));
    for (String v : new String[] {"bob@example.com", "", "+1 555 0100"}) {
      for (String tenant : new String[] {null, "acme"}) {
        for (int len : new int[] {4, 16, 32}) {
          EncryptionContext ctx = EncryptionContext.of("Customer", "email", tenant, null);
          byte[] normalized = v.getBytes(StandardCharsets.UTF_8);
          JsonObject c = new JsonObject();
          c.addProperty("keyset", prf.name());
          c.addProperty("domain", "Customer");
          c.addProperty("field", "email");
          c.addProperty("tenant", tenant);
          c.addProperty("normalizedB64", b64(normalized));
          c.addProperty("length", len);
          c.addProperty("blindIndexB64", b64(prfCipher.blindIndex(normalized, ctx, len)));
          blind.add(c);
        }
      }
    }
    root.add("blindIndexes", blind);
    Files.writeString(Path.of(args[0]), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void addCases(JsonArray cases, Object[][] values, VaultKeyset ks, String name, EncryptionMode mode,
      String tenant, Object rowId, int compressAbove) {
    FieldCipher cipher = FieldCipher.create(mode == EncryptionMode.DETERMINISTIC
        ? Keyring.of(null, ks, null) : Keyring.of(ks, null, null));
    for (Object[] tv : values) {
      Class type = (Class) tv[0];
      ValueCodec codec = ValueCodecs.forType(type);
      byte[] plain = codec.encode(tv[1]);
      EncryptionContext ctx = EncryptionContext.of("Customer", type.getSimpleName().toLowerCase(), tenant, rowId);
      JsonObject c = new JsonObject();
      c.addProperty("keyset", name);
      c.addProperty("mode", mode.name());
      c.addProperty("type", type.getName());
      c.addProperty("domain", ctx.domain());
      c.addProperty("field", ctx.field());
      c.addProperty("tenant", tenant);
      c.addProperty("rowId", ctx.rowId());
      c.addProperty("compressAbove", compressAbove);
      c.addProperty("value", tv[1] instanceof byte[] ? b64((byte[]) tv[1]) : tv[1].toString());
      c.addProperty("plaintextB64", b64(plain));
      c.addProperty("ciphertextB64", b64(cipher.encrypt(plain, ctx, mode, compressAbove)));
      cases.add(c);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private TestVectorGenerator() {}
}
