package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No plaintext value or key material in toString() or in any exception message. */
class SecrecyTest {

  static final String PLAINTEXT = "4111-1111-1111-1111 top secret card";
  static final String MASTER = "Xk2pQ9vL0sT7wB4nM8cR1yF6hJ3dG5aZ-uEoIiKq=";

  @Test
  void toStrings_showNamesAndIds_neverKeyMaterial() {
    VaultKeyset ks = VaultKeyset.generate("sec-aead", KeyPurpose.AEAD).addKey();
    String keyValue = tinkKeyValue(ks);
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(MASTER);
    FieldCipher cipher = FieldCipher.create(Keyring.of(ks, null, null));
    FieldEncryptor<String> f = cipher.field(FieldSpec.builder("Card", "number", String.class).build());
    List<String> shown = List.of(ks.toString(), cipher.toString(), kek.toString(), f.toString(),
        ks.keys().toString(), Keyring.of(ks, null, null).toString(),
        CiphertextHeader.parse(f.encrypt(PLAINTEXT)).toString());
    for (String s : shown) {
      assertThat(s).doesNotContain(keyValue).doesNotContain(MASTER).doesNotContain("4111");
    }
    assertThat(ks.toString()).contains("sec-aead");
  }

  @Test
  void everyFailure_keepsThePlaintextOutOfItsMessage() {
    Keyring ring = Keyring.generate("sec");
    FieldCipher cipher = FieldCipher.create(ring);
    FieldEncryptor<String> f = cipher.field(FieldSpec.builder("Card", "number", String.class).rowBound(true).build());
    byte[] ct = f.encrypt(PLAINTEXT, "acme", 5L);
    List<Throwable> failures = new ArrayList<>();
    failures.add(catchIt(() -> f.decrypt(ct, "acme", 6L)));
    failures.add(catchIt(() -> f.decrypt(ct, "globex", 5L)));
    byte[] bad = ct.clone();
    bad[10] ^= 1;
    failures.add(catchIt(() -> f.decrypt(bad, "acme", 5L)));
    failures.add(catchIt(() -> f.decryptText(PLAINTEXT, "acme", 5L)));
    failures.add(catchIt(() -> f.decrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), "acme", 5L)));
    failures.add(catchIt(() -> FieldCipher.create(Keyring.generate("other")).field(f.spec()).decrypt(ct, "acme", 5L)));
    failures.add(catchIt(() -> ValueCodecs.INTEGER.decode(PLAINTEXT.getBytes(StandardCharsets.UTF_8))));
    failures.add(catchIt(() -> KeyEncryptionKeys.fromMasterSecret(PLAINTEXT.substring(0, 20))));
    failures.add(catchIt(() -> VaultKeyset.fromEncryptedJson(ring.aead().orElseThrow()
        .toEncryptedJson(KeyEncryptionKeys.fromMasterSecret(MASTER)), KeyEncryptionKeys.fromMasterSecret(MASTER + "x"))));
    for (Throwable t : failures) {
      assertThat(t).isInstanceOf(FieldVaultException.class);
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage())).doesNotContain("4111").doesNotContain(MASTER)
            .doesNotContain(PLAINTEXT.substring(0, 20));
      }
    }
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  private static String tinkKeyValue(VaultKeyset ks) {
    JsonObject doc = JsonParser.parseString(ks.toInsecurePlaintextJson()).getAsJsonObject();
    return doc.getAsJsonObject("keyset").getAsJsonArray("key").get(0).getAsJsonObject()
        .getAsJsonObject("keyData").get("value").getAsString();
  }
}
