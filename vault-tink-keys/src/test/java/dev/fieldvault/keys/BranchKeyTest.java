package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branch keys: the intermediate KEK of the hierarchical mode, and its frozen stored form. */
class BranchKeyTest {

  private static final KeyEncryptionKey MASTER =
      KeyEncryptionKeys.fromMasterSecret("Xk3m9QpR7tV2wZ5yB8dF1gH4jL6nP0sU3vW6xY9z");
  private static final KeyEncryptionKey OTHER_MASTER =
      KeyEncryptionKeys.fromMasterSecret("Qa8Zr3Tn6Wm1Yp4Ks7Hd0Jf2Lb5Vc9Xg8Nq1Ru4Ew");

  @Test
  void storedVector_opensInEveryBuild_branchKeyThenKeysetThenValue() throws Exception {
    JsonObject v;
    try (InputStream in = BranchKeyTest.class.getResourceAsStream("/vectors/branch-key-v1.json")) {
      v = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    KeyEncryptionKey master = KeyEncryptionKeys.fromMasterSecret(BranchKeyVectorGenerator.MASTER_SECRET);

    BranchKey branch = BranchKey.fromWrappedJson(v.get("branchKeyDocument").toString(), master);
    VaultKeyset keyset = VaultKeyset.fromEncryptedJson(v.get("keysetDocument").toString(), branch);

    assertThat(branch.id()).isEqualTo(v.get("branchKeyId").getAsString());
    assertThat(keyset.name()).isEqualTo("tv-branch-aead");
    byte[] plain = FieldCipher.create(Keyring.of(keyset, null, null)).decrypt(
        Base64.getDecoder().decode(v.get("ciphertextB64").getAsString()),
        EncryptionContext.of(v.get("domain").getAsString(), v.get("field").getAsString()));
    assertThat(plain).isEqualTo(Base64.getDecoder().decode(v.get("plaintextB64").getAsString()));
  }

  @Test
  void wrappedBranchKey_loadsBackWithItsKek_andOpensTheKeysetsItWrapped() {
    BranchKey branch = BranchKey.generate("app-branch");
    VaultKeyset keyset = VaultKeyset.generate("app-aead", KeyPurpose.AEAD).rotate();
    String doc = keyset.toEncryptedJson(branch);

    BranchKey loaded = BranchKey.fromWrappedJson(branch.toWrappedJson(MASTER), MASTER);

    assertThat(loaded.id()).isEqualTo(branch.id()).startsWith("branch:app-branch:");
    assertThat(VaultKeyset.fromEncryptedJson(doc, loaded).keys()).isEqualTo(keyset.keys());
    assertThat(doc).contains("\"kek\":\"" + branch.id() + "\"");
  }

  @Test
  void branchKeyWrappedByAnotherKek_isRefusedAsWrongKek_namingBoth() {
    String doc = BranchKey.generate("app-branch").toWrappedJson(MASTER);

    assertThatThrownBy(() -> BranchKey.fromWrappedJson(doc, OTHER_MASTER))
        .isInstanceOf(WrongKeyEncryptionKeyException.class)
        .hasMessageContaining(MASTER.id()).hasMessageContaining(OTHER_MASTER.id());
  }

  @Test
  void branchKeyDocumentRenamed_doesNotUnwrap() {
    String doc = BranchKey.generate("app-branch").toWrappedJson(MASTER);
    String renamed = doc.replace("\"name\":\"app-branch\"", "\"name\":\"other-branch\"");

    assertThatThrownBy(() -> BranchKey.fromWrappedJson(renamed, MASTER))
        .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining("other-branch");
  }

  @Test
  void keysetWrappedForOneName_doesNotOpenUnderAnotherName_evenWithTheSameDocumentAd() throws Exception {
    BranchKey branch = BranchKey.generate("app-branch");
    byte[] ad = "the same document AD".getBytes(StandardCharsets.UTF_8);
    byte[] wrapped = branch.aeadForKeyset("app-aead").encrypt("keyset bytes".getBytes(StandardCharsets.UTF_8), ad);

    assertThat(branch.aeadForKeyset("app-aead").decrypt(wrapped, ad))
        .isEqualTo("keyset bytes".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> branch.aeadForKeyset("billing-aead").decrypt(wrapped, ad))
        .isInstanceOf(java.security.GeneralSecurityException.class);
    assertThatThrownBy(() -> branch.aeadForKeyset("app-aead").decrypt(wrapped, "other AD".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.security.GeneralSecurityException.class);
  }

  @Test
  void rotatedBranchKey_opensKeysetsOfItsEarlierVersion_untilTheRetiredVersionsAreDropped() {
    BranchKey first = BranchKey.generate("app-branch");
    String oldDoc = VaultKeyset.generate("app-aead", KeyPurpose.AEAD).toEncryptedJson(first);

    BranchKey rotated = first.rotate();
    String newDoc = VaultKeyset.fromEncryptedJson(oldDoc, rotated).toEncryptedJson(rotated);
    BranchKey pruned = BranchKey.fromWrappedJson(rotated.withoutRetiredVersions().toWrappedJson(MASTER), MASTER);

    assertThat(rotated.id()).isNotEqualTo(first.id());
    assertThat(rotated.versions()).isEqualTo(2);
    assertThat(pruned.versions()).isEqualTo(1);
    assertThat(pruned.id()).isEqualTo(rotated.id());
    assertThat(VaultKeyset.fromEncryptedJson(newDoc, pruned).name()).isEqualTo("app-aead");
    assertThatThrownBy(() -> VaultKeyset.fromEncryptedJson(oldDoc, pruned))
        .isInstanceOf(WrongKeyEncryptionKeyException.class).hasMessageContaining(first.id());
  }

  @Test
  void branchKeyFile_savedAndLoaded_underAKmsStandIn_withOneCallEachWay(@TempDir Path dir) {
    Path file = dir.resolve("branch.json");
    BranchKey branch = BranchKey.generate("file-branch");

    branch.saveFile(file, MASTER);

    assertThat(BranchKey.loadFile(file, MASTER).id()).isEqualTo(branch.id());
    assertThat(BranchKey.wrappingKekId(readQuietly(file))).isEqualTo(MASTER.id());
    assertThatThrownBy(() -> BranchKey.loadFile(dir.resolve("missing.json"), MASTER))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("missing.json");
  }

  @Test
  void aBranchKeyCannotWrapAnotherBranchKey() {
    BranchKey outer = BranchKey.generate("outer");
    BranchKey inner = BranchKey.generate("inner");

    assertThatThrownBy(() -> inner.toWrappedJson(outer)).isInstanceOf(VaultConfigurationException.class);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
