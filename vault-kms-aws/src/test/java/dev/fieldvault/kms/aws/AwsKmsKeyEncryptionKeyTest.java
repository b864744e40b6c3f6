package dev.fieldvault.kms.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.KeysetSource;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.WrongKeyEncryptionKeyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;

/** AWS KMS key-encryption keys for keyset files, against a real KMS API server (moto) on loopback. */
class AwsKmsKeyEncryptionKeyTest {

  private static final EncryptionContext CTX = EncryptionContext.of("customer", "email");

  @RegisterExtension
  static final SharedMoto MOTO = new SharedMoto();

  @TempDir
  Path dir;

  @Test
  void keysetFile_wrappedByKmsKey_opensInAnotherClientAndDecryptsItsValues() {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("app-aead.json");
    VaultKeyset keyset = VaultKeyset.generate("app-aead", KeyPurpose.AEAD);
    byte[] ciphertext;
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri)).store(keyset);
      ciphertext = FieldCipher.create(Keyring.of(keyset, null, null))
          .encrypt(utf8("ada@example.com"), CTX, EncryptionMode.RANDOMIZED);
    }
    try (AwsKmsClient other = MOTO.get().client()) {
      VaultKeyset loaded = KeysetSources.encryptedFile(file, other.keyEncryptionKey(uri)).load();
      assertThat(new String(FieldCipher.create(Keyring.of(loaded, null, null)).decrypt(ciphertext, CTX),
          StandardCharsets.UTF_8)).isEqualTo("ada@example.com");
    }
    assertThat(readString(file)).contains("\"kek\":\"kms:" + uri + "\"").doesNotContain("ada@example.com");
  }

  @Test
  void kmsCiphertext_isBoundToTheKeysetNameInItsEncryptionContext() throws Exception {
    String uri = MOTO.get().createKey();
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey kek = kms.keyEncryptionKey(uri);
      byte[] ad = utf8("document metadata");
      byte[] wrapped = kek.aeadForKeyset("app-aead").encrypt(utf8("keyset bytes"), ad);

      assertThat(kek.aeadForKeyset("app-aead").decrypt(wrapped, ad)).isEqualTo(utf8("keyset bytes"));
      assertThatThrownBy(() -> kek.aeadForKeyset("other-keyset").decrypt(wrapped, ad))
          .isInstanceOf(GeneralSecurityException.class);
      assertThatThrownBy(() -> kek.aeadForKeyset("app-aead").decrypt(wrapped, utf8("other metadata")))
          .isInstanceOf(GeneralSecurityException.class);

      // what CloudTrail and key policy conditions see: the name in clear, the metadata as a digest
      String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(
          java.security.MessageDigest.getInstance("SHA-256").digest(ad));
      byte[] plain = MOTO.get().admin().decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(wrapped))
          .encryptionContext(Map.of("fieldvault:keyset", "app-aead", "fieldvault:ad", digest)))
          .plaintext().asByteArray();
      assertThat(plain).isEqualTo(utf8("keyset bytes"));
    }
  }

  @Test
  void keysetFile_underOneKmsKey_isRefusedByAnother_withTheStoredKeyNamed() {
    String a = MOTO.get().createKey();
    String b = MOTO.get().createKey();
    Path file = dir.resolve("k.json");
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeysetSources.encryptedFile(file, kms.keyEncryptionKey(a)).store(VaultKeyset.generate("k", KeyPurpose.AEAD));
      KeysetSource underB = KeysetSources.encryptedFile(file, kms.keyEncryptionKey(b));
      assertThatThrownBy(underB::load).isInstanceOf(WrongKeyEncryptionKeyException.class)
          .hasMessageContaining("kms:" + a).hasMessageContaining("kms:" + b);
    }
  }

  @Test
  void kekRotation_ofKeysetFiles_betweenKmsKeysAndMasterSecret_inBothDirections_keepsKeysAndValues() {
    String a = MOTO.get().createKey();
    String b = MOTO.get().createKey();
    KeyEncryptionKey secret = KeyEncryptionKeys.fromMasterSecret("q3v9Zr8LmN2pX5tY7wB1cD4fG6hJ0kS8uE2aR5iO");
    Path file = dir.resolve("rot.json");
    VaultKeyset keyset = VaultKeyset.generate("rot", KeyPurpose.AEAD).rotate();
    byte[] value = FieldCipher.create(Keyring.of(keyset, null, null)).encrypt(utf8("v"), CTX, EncryptionMode.RANDOMIZED);
    KeysetSources.encryptedFile(file, secret).store(keyset);
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeyEncryptionKey[] chain = {secret, kms.keyEncryptionKey(a), kms.keyEncryptionKey(b), secret};
      for (int i = 1; i < chain.length; i++) {
        VaultKeyset loaded = KeysetSources.encryptedFile(file, chain[i - 1]).load();
        KeysetSources.encryptedFile(file, chain[i]).store(loaded);
        assertThat(readString(file)).contains("\"kek\":\"" + chain[i].id() + "\"");
        KeyEncryptionKey previous = chain[i - 1];
        assertThatThrownBy(() -> KeysetSources.encryptedFile(file, previous).load())
            .isInstanceOf(WrongKeyEncryptionKeyException.class);
      }
    }
    VaultKeyset back = KeysetSources.encryptedFile(file, secret).load();
    assertThat(back.keys()).isEqualTo(keyset.keys());
    assertThat(FieldCipher.create(Keyring.of(back, null, null)).decrypt(value, CTX)).isEqualTo(utf8("v"));
  }

  @Test
  void loadedKeyset_encryptsAndDecryptsWithoutCallingKms() throws Exception {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("cached.json");
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeysetSource source = KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri));
      source.store(VaultKeyset.generate("cached", KeyPurpose.AEAD));
      FieldCipher cipher = FieldCipher.create(Keyring.of(source.load(), null, null));
      int encrypts = proxy.calls("Encrypt");
      int decrypts = proxy.calls("Decrypt");
      assertThat(decrypts).isEqualTo(1);
      for (int i = 0; i < 1000; i++) {
        byte[] c = cipher.encrypt(utf8("value " + i), CTX, EncryptionMode.RANDOMIZED);
        assertThat(cipher.decrypt(c, CTX)).isEqualTo(utf8("value " + i));
      }
      assertThat(proxy.calls("Encrypt")).isEqualTo(encrypts);
      assertThat(proxy.calls("Decrypt")).isEqualTo(decrypts);
    }
  }

  @Test
  void throttling_isRetriedWithBackoff_andTheLoadSucceeds() throws Exception {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("throttled.json");
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = AwsKmsClient.builder().endpointOverride(proxy.endpoint()).region(MotoKms.REGION)
            .credentialsProvider(MotoKms.CREDENTIALS).maxAttempts(4)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(400)).build()) {
      KeysetSource source = KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri));
      source.store(VaultKeyset.generate("throttled", KeyPurpose.AEAD));
      proxy.fail("Decrypt", 3, 400, "ThrottlingException");

      VaultKeyset loaded = source.load();

      assertThat(loaded.name()).isEqualTo("throttled");
      assertThat(proxy.calls("Decrypt")).isEqualTo(4);
    }
  }

  @Test
  void throttling_beyondTheRetries_isATypedUnavailableError() throws Exception {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("throttled-out.json");
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeysetSource source = KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri));
      source.store(VaultKeyset.generate("throttled-out", KeyPurpose.AEAD));
      proxy.fail("Decrypt", 10, 400, "ThrottlingException");

      assertThatThrownBy(source::load).isInstanceOf(AwsKmsUnavailableException.class)
          .hasMessageContaining(uri).hasMessageContaining("ThrottlingException");
      assertThat(proxy.calls("Decrypt")).isEqualTo(3);
    }
  }

  @Test
  void disabledKey_atStartUp_isATypedError() {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("disabled.json");
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri)).store(VaultKeyset.generate("d", KeyPurpose.AEAD));
    }
    MOTO.get().disable(uri);
    try (AwsKmsClient restarted = MOTO.get().client()) {
      KeysetSource source = KeysetSources.encryptedFile(file, restarted.keyEncryptionKey(uri));
      assertThatThrownBy(source::load).isInstanceOf(AwsKmsKeyDisabledException.class)
          .hasMessageContaining(uri).hasMessageContaining("Disabled");
    }
  }

  @Test
  void disabledKey_reportedByDecrypt_andAccessDenied_areTypedErrors() throws Exception {
    String uri = MOTO.get().createKey();
    Path file = dir.resolve("denied.json");
    try (KmsFaultProxy proxy = new KmsFaultProxy(MOTO.get().server.endpoint());
        AwsKmsClient kms = MotoKms.client(proxy.endpoint())) {
      KeysetSource source = KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri));
      source.store(VaultKeyset.generate("denied", KeyPurpose.AEAD));

      proxy.fail("Decrypt", 1, 400, "DisabledException");
      assertThatThrownBy(source::load).isInstanceOf(AwsKmsKeyDisabledException.class).hasMessageContaining(uri);

      proxy.fail("Decrypt", 1, 400, "AccessDeniedException");
      assertThatThrownBy(source::load).isInstanceOf(AwsKmsAccessDeniedException.class)
          .hasMessageContaining(uri).hasMessageContaining("kms:Decrypt");

      proxy.fail("Encrypt", 1, 400, "KMSInvalidStateException");
      VaultKeyset other = VaultKeyset.generate("denied", KeyPurpose.AEAD);
      assertThatThrownBy(() -> source.store(other)).isInstanceOf(AwsKmsKeyDisabledException.class);

      assertThat(source.load().name()).isEqualTo("denied");
    }
  }

  @Test
  void keyPolicyDenyingAccess_isATypedAccessDeniedError() {
    String uri = MOTO.get().createKeyDenyingDescribe();
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeysetSource source = KeysetSources.encryptedFile(dir.resolve("policy.json"), kms.keyEncryptionKey(uri));
      VaultKeyset keyset = VaultKeyset.generate("policy", KeyPurpose.AEAD);
      assertThatThrownBy(() -> source.store(keyset)).isInstanceOf(AwsKmsAccessDeniedException.class)
          .hasMessageContaining(uri).hasMessageContaining("kms:DescribeKey");
    }
  }

  @Test
  void unknownKey_isATypedNotFoundError() {
    String uri = "aws-kms://arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
    try (AwsKmsClient kms = MOTO.get().client()) {
      KeysetSource source = KeysetSources.encryptedFile(dir.resolve("nf.json"), kms.keyEncryptionKey(uri));
      VaultKeyset keyset = VaultKeyset.generate("nf", KeyPurpose.AEAD);
      assertThatThrownBy(() -> source.store(keyset)).isInstanceOf(AwsKmsKeyNotFoundException.class)
          .hasMessageContaining(uri);
    }
  }

  @Test
  void kmsDownAtStartUp_failsTheLoad_withAnErrorNamingTheKeyUri() {
    try (MotoKms own = MotoKms.start()) {
      String uri = own.createKey();
      Path file = dir.resolve("down.json");
      try (AwsKmsClient kms = own.client()) {
        KeysetSources.encryptedFile(file, kms.keyEncryptionKey(uri)).store(VaultKeyset.generate("down", KeyPurpose.AEAD));
      }
      own.server.stop();
      try (AwsKmsClient restarted = own.client()) {
        KeysetSource source = KeysetSources.encryptedFile(file, restarted.keyEncryptionKey(uri));
        assertThatThrownBy(source::load).isInstanceOf(AwsKmsUnavailableException.class)
            .hasMessageContaining(uri).hasMessageContaining("keys already loaded keep working");
      }
    }
  }

  @Test
  void tinkKmsClient_registered_servesKeyEncryptionKeysFromKms_andItsAead() throws Exception {
    String uri = MOTO.get().createKey();
    try (AwsKmsClient kms = MOTO.get().client()) {
      AwsKmsClient bound = AwsKmsClient.builder().endpointOverride(MOTO.get().server.endpoint()).region(MotoKms.REGION)
          .credentialsProvider(MotoKms.CREDENTIALS).boundTo(uri).build().register();
      assertThat(bound.doesSupport(uri)).isTrue();
      assertThat(bound.doesSupport(MOTO.get().createKey())).isFalse();
      assertThat(kms.doesSupport("gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k")).isFalse();

      KeyEncryptionKey kek = KeyEncryptionKeys.fromKms(uri);
      Path file = dir.resolve("tink.json");
      KeysetSources.encryptedFile(file, kek).store(VaultKeyset.generate("tink", KeyPurpose.AEAD));
      assertThat(KeysetSources.encryptedFile(file, kek).load().name()).isEqualTo("tink");

      Aead aead = kms.getAead(uri);
      assertThat(aead.decrypt(aead.encrypt(utf8("p"), utf8("ad")), utf8("ad"))).isEqualTo(utf8("p"));
      bound.close();
    }
  }

  @Test
  void malformedKeyUri_isAConfigurationError() {
    try (AwsKmsClient kms = MOTO.get().client()) {
      assertThatThrownBy(() -> kms.keyEncryptionKey("arn:aws:kms:us-east-1:1:key/x"))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("aws-kms://arn:aws:kms:");
      assertThatThrownBy(() -> kms.keyEncryptionKey("aws-kms://arn:aws:s3:::bucket"))
          .isInstanceOf(VaultConfigurationException.class);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
