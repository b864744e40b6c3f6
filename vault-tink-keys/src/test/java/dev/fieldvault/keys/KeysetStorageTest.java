package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetStorageTest {

  static final String SECRET = "q9Vx2mJ7c0Lr4TzK8bWf1sNdY6hUaE3pGiXoRkQv5Ml=";
  static final String OTHER_SECRET = "Zt4Kp8Wq1Ne6Rj0Ux3Ly7Hb2Vc5Md9Fs-Ga_OiTkPz=";

  @TempDir
  Path dir;

  @Test
  void keysetSavedUnderAMasterSecret_loadsBack_andStillDecrypts() {
    VaultKeyset ks = VaultKeyset.generate("app-aead", KeyPurpose.AEAD).addKey().promote(2).disable(1);
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    KeysetSource file = KeysetSources.encryptedFile(dir.resolve("aead.json"), kek);
    file.store(ks);

    VaultKeyset loaded = KeysetSources.encryptedFile(dir.resolve("aead.json"),
        KeyEncryptionKeys.fromMasterSecret(SECRET)).load();
    assertThat(loaded.keys()).isEqualTo(ks.keys());
    assertThat(loaded.name()).isEqualTo("app-aead");
    assertThat(loaded.purpose()).isEqualTo(KeyPurpose.AEAD);
    assertRoundTripsAcross(ks, loaded);
  }

  @Test
  void keysetSavedUnderALocalMasterKeyset_loadsBack() throws Exception {
    Path master = dir.resolve("master.json");
    Files.writeString(master, KeyEncryptionKeys.generateLocalKeysetJson());
    KeyEncryptionKey kek = KeyEncryptionKeys.fromLocalKeysetFile(master);
    assertThat(kek.id()).startsWith("local-keyset:");
    VaultKeyset ks = VaultKeyset.generate("app-daead", KeyPurpose.DETERMINISTIC_AEAD);
    String json = ks.toEncryptedJson(kek);
    VaultKeyset loaded = VaultKeyset.fromEncryptedJson(json, KeyEncryptionKeys.fromLocalKeysetFile(master));
    assertThat(loaded.keys()).isEqualTo(ks.keys());
    EncryptionContext ctx = EncryptionContext.of("U", "e");
    byte[] a = FieldCipher.create(Keyring.of(null, ks, null)).encrypt(new byte[] {3}, ctx, EncryptionMode.DETERMINISTIC);
    byte[] b = FieldCipher.create(Keyring.of(null, loaded, null)).encrypt(new byte[] {3}, ctx, EncryptionMode.DETERMINISTIC);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void keysetUnderAKmsKey_loadsBack_throughAnyTinkKmsClient() {
    KmsClient kms = new InMemoryKmsClient();
    VaultKeyset ks = VaultKeyset.generate("app-prf", KeyPurpose.PRF);
    String json = ks.toEncryptedJson(KeyEncryptionKeys.fromKms(kms, "memkms://key-1"));
    assertThat(JsonParser.parseString(json).getAsJsonObject().get("kek").getAsString()).isEqualTo("kms:memkms://key-1");
    VaultKeyset loaded = VaultKeyset.fromEncryptedJson(json, KeyEncryptionKeys.fromKms(kms, "memkms://key-1"));
    assertThat(loaded.keys()).isEqualTo(ks.keys());
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(json, KeyEncryptionKeys.fromKms(kms, "memkms://key-2")))
        .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining("kms:memkms://key-1");
  }

  @Test
  void wrongMasterSecret_givesAClearError_namingBothKeks() {
    VaultKeyset ks = VaultKeyset.generate("app-aead", KeyPurpose.AEAD);
    String json = ks.toEncryptedJson(KeyEncryptionKeys.fromMasterSecret(SECRET));
    KeyEncryptionKey wrong = KeyEncryptionKeys.fromMasterSecret(OTHER_SECRET);
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(json, wrong))
        .isInstanceOf(WrongKeyEncryptionKeyException.class)
        .hasMessageContaining("app-aead")
        .hasMessageContaining(wrong.id())
        .hasMessageContaining(KeyEncryptionKeys.fromMasterSecret(SECRET).id())
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining(OTHER_SECRET);
  }

  @Test
  void wrongKekWithTheSameIdentity_orEditedMetadata_failsToLoad() {
    VaultKeyset ks = VaultKeyset.generate("app-aead", KeyPurpose.AEAD).addKey();
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    JsonObject doc = JsonParser.parseString(ks.toEncryptedJson(kek)).getAsJsonObject();

    JsonObject renamed = doc.deepCopy();
    renamed.addProperty("name", "other-keyset");
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(renamed.toString(), kek))
        .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining("modified");

    JsonObject retired = doc.deepCopy();
    retired.addProperty("metadata", doc.get("metadata").getAsString().replace("\"minimumDecryptOrdinal\":0",
        "\"minimumDecryptOrdinal\":2"));
    assertThat(retired.get("metadata").getAsString()).isNotEqualTo(doc.get("metadata").getAsString());
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(retired.toString(), kek))
        .isInstanceOf(WrongKeyEncryptionKeyException.class);

    JsonObject samePretendId = doc.deepCopy();
    KeyEncryptionKey impostor = new KeyEncryptionKey() {
      final KeyEncryptionKey real = KeyEncryptionKeys.fromMasterSecret(OTHER_SECRET);

      @Override
      public String id() {
        return kek.id();
      }

      @Override
      public Aead aead() {
        return real.aead();
      }
    };
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(samePretendId.toString(), impostor))
        .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining("could not be decrypted");
  }

  @Test
  void kekThatBindsTheKeysetName_getsItOnSaveAndLoad_andItsTypedFailureReachesTheCaller() {
    KeyEncryptionKey base = KeyEncryptionKeys.fromMasterSecret(SECRET);
    java.util.List<String> names = new java.util.ArrayList<>();
    boolean[] down = {false};
    KeyEncryptionKey kmsLike = new KeyEncryptionKey() {
      @Override
      public String id() {
        return "kms:test://key";
      }

      @Override
      public Aead aead() {
        throw new AssertionError("keyset documents go through aeadForKeyset");
      }

      @Override
      public Aead aeadForKeyset(String keysetName) {
        names.add(keysetName);
        return new Aead() {
          @Override
          public byte[] encrypt(byte[] plaintext, byte[] ad) throws java.security.GeneralSecurityException {
            return base.aead().encrypt(plaintext, ad);
          }

          @Override
          public byte[] decrypt(byte[] ciphertext, byte[] ad) throws java.security.GeneralSecurityException {
            if (down[0]) {
              throw new KeyUnavailableException("the KMS behind test://key is unreachable");
            }
            return base.aead().decrypt(ciphertext, ad);
          }
        };
      }
    };
    String doc = VaultKeyset.generate("billing-aead", KeyPurpose.AEAD).toEncryptedJson(kmsLike);
    assertThat(VaultKeyset.fromEncryptedJson(doc, kmsLike).name()).isEqualTo("billing-aead");
    assertThat(names).containsExactly("billing-aead", "billing-aead");

    down[0] = true;
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(doc, kmsLike))
        .isExactlyInstanceOf(KeyUnavailableException.class).hasMessageContaining("unreachable");
  }

  @Test
  void encryptedDocument_holdsNoKeyMaterialInTheClear() {
    VaultKeyset ks = VaultKeyset.generate("app-aead", KeyPurpose.AEAD);
    String plain = ks.toInsecurePlaintextJson();
    String enc = ks.toEncryptedJson(KeyEncryptionKeys.fromMasterSecret(SECRET));
    // the plaintext document's Tink key value must not appear in the encrypted one
    String keyValue = JsonParser.parseString(plain).getAsJsonObject().getAsJsonObject("keyset")
        .getAsJsonArray("key").get(0).getAsJsonObject().getAsJsonObject("keyData").get("value").getAsString();
    assertThat(enc).doesNotContain(keyValue);
    assertThat(enc).contains("encryptedKeyset");
  }

  @Test
  void masterSecretTooShortOrTooSimple_isRefused_sayingHowToMakeOne() {
    assertThatThrownBy(() -> KeyEncryptionKeys.fromMasterSecret("short-secret"))
        .isInstanceOf(WeakSecretException.class)
        .hasMessageContaining("at least 32")
        .hasMessageContaining("openssl rand -base64 48")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> KeyEncryptionKeys.fromMasterSecret("a".repeat(40)))
        .isInstanceOf(WeakSecretException.class);
    assertThatThrownBy(() -> KeyEncryptionKeys.fromMasterSecret(null)).isInstanceOf(WeakSecretException.class);
  }

  @Test
  void masterSecretUnsetEmptyOrBlank_isRefused_sayingItIsNotSet() {
    for (String unset : new String[] {null, "", "   \t "}) {
      assertThatThrownBy(() -> KeyEncryptionKeys.fromMasterSecret(unset))
          .isInstanceOf(WeakSecretException.class)
          .hasMessageContaining("is not set")
          .hasMessageContaining("environment variable")
          .hasMessageNotContaining("it has 0");
    }
    String weak = "z".repeat(20);
    assertThatThrownBy(() -> KeyEncryptionKeys.fromMasterSecret(weak))
        .hasMessageContaining("it has 20").hasMessageNotContaining("not set").hasMessageNotContaining(weak);
  }

  @Test
  void environmentSource_readsJsonOrBase64_andExplainsAMissingVariable() {
    VaultKeyset ks = VaultKeyset.generate("env-aead", KeyPurpose.AEAD);
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    String json = ks.toEncryptedJson(kek);
    String b64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    Map<String, String> env = Map.of("FV_JSON", json, "FV_B64", b64);
    assertThat(KeysetSources.environment("FV_JSON", kek, env::get).load().keys()).isEqualTo(ks.keys());
    assertThat(KeysetSources.environment("FV_B64", kek, env::get).load().keys()).isEqualTo(ks.keys());
    assertThatThrownBy(() -> KeysetSources.environment("FV_MISSING", kek, env::get).load())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("FV_MISSING");
    assertThatThrownBy(() -> KeysetSources.environment("FV_JSON", kek, env::get).store(ks))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("read-only");
  }

  @Test
  void insecurePlaintextSource_roundTrips_andIsNotAcceptedAsEncrypted() {
    Path f = dir.resolve("dev-keyset.json");
    KeysetSource dev = KeysetSources.insecurePlaintextFile(f);
    VaultKeyset ks = VaultKeyset.generate("dev-aead", KeyPurpose.AEAD);
    dev.store(ks);
    assertThat(dev.load().keys()).isEqualTo(ks.keys());
    assertThat(dev.toString()).contains("INSECURE");
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    assertThatThrownBy(() -> KeysetSources.encryptedFile(f, kek).load())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("insecure plaintext");
    KeysetSources.encryptedFile(dir.resolve("enc.json"), kek).store(ks);
    assertThatThrownBy(() -> KeysetSources.insecurePlaintextFile(dir.resolve("enc.json")).load())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("encrypted");
  }

  @Test
  void missingOrGarbageFiles_giveConfigurationErrors() throws Exception {
    KeyEncryptionKey kek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    assertThatThrownBy(() -> KeysetSources.encryptedFile(dir.resolve("nope.json"), kek).load())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("nope.json");
    Files.writeString(dir.resolve("garbage.json"), "{not json");
    assertThatThrownBy(() -> KeysetSources.encryptedFile(dir.resolve("garbage.json"), kek).load())
        .isInstanceOf(VaultConfigurationException.class);
    Files.writeString(dir.resolve("bad-master.json"), "{}");
    assertThatThrownBy(() -> KeyEncryptionKeys.fromLocalKeysetFile(dir.resolve("bad-master.json")))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("not a valid Tink AEAD keyset");
  }

  @Test
  void kekRotation_reencryptsTheKeysetDocument_withoutChangingItsKeys() {
    VaultKeyset ks = VaultKeyset.generate("app-aead", KeyPurpose.AEAD);
    KeyEncryptionKey oldKek = KeyEncryptionKeys.fromMasterSecret(SECRET);
    KeyEncryptionKey newKek = KeyEncryptionKeys.fromMasterSecret(OTHER_SECRET);
    String underOld = ks.toEncryptedJson(oldKek);
    String underNew = VaultKeyset.fromEncryptedJson(underOld, oldKek).toEncryptedJson(newKek);
    VaultKeyset reloaded = VaultKeyset.fromEncryptedJson(underNew, newKek);
    assertRoundTripsAcross(ks, reloaded);
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(underNew, oldKek))
        .isInstanceOf(WrongKeyEncryptionKeyException.class);
  }

  private static void assertRoundTripsAcross(VaultKeyset writer, VaultKeyset reader) {
    EncryptionContext ctx = EncryptionContext.of("T", "c");
    byte[] ct = FieldCipher.create(Keyring.of(writer, null, null)).encrypt(new byte[] {4, 2}, ctx, EncryptionMode.RANDOMIZED);
    assertThat(FieldCipher.create(Keyring.of(reader, null, null)).decrypt(ct, ctx)).containsExactly(4, 2);
  }

  /** A real KmsClient implementation whose keys live in memory: stands in for a cloud KMS. */
  static final class InMemoryKmsClient implements KmsClient {
    private final Map<String, Aead> keys = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public boolean doesSupport(String keyUri) {
      return keyUri != null && keyUri.startsWith("memkms://");
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
      return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
      return this;
    }

    @Override
    public Aead getAead(String keyUri) {
      return keys.computeIfAbsent(keyUri, u -> {
        try {
          return com.google.crypto.tink.KeysetHandle.generateNew(
              com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM)
              .getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), Aead.class);
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }
}
