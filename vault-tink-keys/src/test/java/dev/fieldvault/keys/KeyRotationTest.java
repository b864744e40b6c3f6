package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

  @Test
  void afterAddingAndPromotingAKey_oldCiphertextsDecrypt_newOnesCarryTheNewKeyId() {
    Keyring ring = Keyring.generate("rot");
    FieldCipher cipher = FieldCipher.create(ring);
    FieldEncryptor<String> f = cipher.field(FieldSpec.builder("User", "name", String.class).build());
    byte[] old = f.encrypt("Ada Lovelace");
    int oldId = ring.aead().orElseThrow().primary().keyId();
    assertThat(CiphertextHeader.parse(old).keyId()).isEqualTo(oldId);

    VaultKeyset rotated = ring.aead().orElseThrow().addKey().promote(2);
    cipher.reload(ring.with(rotated));
    int newId = rotated.primary().keyId();
    assertThat(newId).isNotEqualTo(oldId);
    assertThat(rotated.primary().ordinal()).isEqualTo(2);

    byte[] fresh = f.encrypt("Grace Hopper");
    assertThat(CiphertextHeader.parse(fresh).keyId()).isEqualTo(newId);
    assertThat(f.decrypt(old)).isEqualTo("Ada Lovelace");
    assertThat(f.decrypt(fresh)).isEqualTo("Grace Hopper");
    assertThat(cipher.isOnPrimaryKey(old)).isFalse();
    assertThat(cipher.isOnPrimaryKey(fresh)).isTrue();

    byte[] rewrapped = cipher.rewrap(old, f.context(null, null));
    assertThat(CiphertextHeader.parse(rewrapped).keyId()).isEqualTo(newId);
    assertThat(f.decrypt(rewrapped)).isEqualTo("Ada Lovelace");
    assertThat(cipher.rewrap(fresh, f.context(null, null))).isSameAs(fresh);
  }

  @Test
  void keyInfoToString_printsTheKeyIdUnsigned_asEveryOtherMessageDoes() {
    KeyInfo key = new KeyInfo(-463123206, 1, KeyStatus.ENABLED, true, java.time.Instant.EPOCH, KeyAlgorithm.AES256_GCM);

    assertThat(key.toString()).contains("keyId=3831844090").doesNotContain("-463123206");
    assertThat(key.toString()).contains("keyId=" + key.keyIdText());
  }

  @Test
  void keyLifecycle_listsOrdinalsStatusesAndPrimary() {
    VaultKeyset ks = VaultKeyset.generate("life", KeyPurpose.AEAD).addKey().addKey().promote(3).disable(1);
    List<KeyInfo> keys = ks.keys();
    assertThat(keys).extracting(KeyInfo::ordinal).containsExactly(1, 2, 3);
    assertThat(keys).extracting(KeyInfo::status).containsExactly(KeyStatus.DISABLED, KeyStatus.ENABLED, KeyStatus.ENABLED);
    assertThat(keys).extracting(KeyInfo::primary).containsExactly(false, false, true);
    assertThat(keys).extracting(KeyInfo::algorithm).containsOnly(KeyAlgorithm.AES256_GCM);
    assertThat(keys).extracting(KeyInfo::created).doesNotContainNull();
    assertThat(keys).extracting(KeyInfo::keyId).doesNotHaveDuplicates();

    VaultKeyset destroyed = ks.destroy(1);
    assertThat(destroyed.byOrdinal(1).status()).isEqualTo(KeyStatus.DESTROYED);
    assertThatThrownBy(() -> destroyed.enable(1)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("destroyed");
    assertThatThrownBy(() -> ks.destroy(2)).hasMessageContaining("disable it first");
    assertThatThrownBy(() -> ks.disable(3)).hasMessageContaining("primary");
    assertThatThrownBy(() -> ks.promote(1)).hasMessageContaining("DISABLED");
    assertThatThrownBy(() -> ks.addKey(KeyAlgorithm.AES256_SIV)).hasMessageContaining("purpose");
    assertThat(ks.enable(1).byOrdinal(1).status()).isEqualTo(KeyStatus.ENABLED);
    // the original is unchanged: keysets are immutable
    assertThat(ks.byOrdinal(1).status()).isEqualTo(KeyStatus.DISABLED);
  }

  @Test
  void disabledDestroyedAndRetiredKeys_refuseToDecrypt_withWhatToDo() {
    Keyring ring = Keyring.generate("life2");
    FieldCipher cipher = FieldCipher.create(ring);
    EncryptionContext ctx = EncryptionContext.of("User", "name");
    byte[] old = cipher.encrypt(new byte[] {1}, ctx, EncryptionMode.RANDOMIZED);
    VaultKeyset two = ring.aead().orElseThrow().rotate();

    cipher.reload(ring.with(two.disable(1)));
    assertThatThrownBy(() -> cipher.decrypt(old, ctx)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("disabled").hasMessageContaining("enable the key again");

    cipher.reload(ring.with(two.disable(1).destroy(1)));
    assertThatThrownBy(() -> cipher.decrypt(old, ctx)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("destroyed");

    cipher.reload(ring.with(two.withMinimumDecryptOrdinal(2)));
    assertThatThrownBy(() -> cipher.decrypt(old, ctx)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("minimum decryption ordinal 2");

    cipher.reload(ring.with(two));
    assertThat(cipher.decrypt(old, ctx)).containsExactly(1);
    assertThatThrownBy(() -> two.withMinimumDecryptOrdinal(3)).isInstanceOf(VaultConfigurationException.class);
  }

  @Test
  void aKeysetThatNeverHadTheKey_namesTheMissingIdAndWhatToDo() {
    FieldCipher a = FieldCipher.create(Keyring.generate("a"));
    FieldCipher b = FieldCipher.create(Keyring.generate("b"));
    EncryptionContext ctx = EncryptionContext.of("User", "name");
    byte[] ct = a.encrypt(new byte[] {1}, ctx, EncryptionMode.RANDOMIZED);
    int id = CiphertextHeader.parse(ct).keyId();
    assertThatThrownBy(() -> b.decrypt(ct, ctx))
        .isInstanceOfSatisfying(UnknownKeyVersionException.class, e -> assertThat(e.keyId()).isEqualTo(id))
        .hasMessageContaining(Integer.toUnsignedString(id))
        .hasMessageContaining("'b-aead'")
        .hasMessageContaining("load the keyset the value was written with");
  }

  @Test
  void deterministicSearch_findsValuesUnderEveryReadableKey_duringARotation() {
    Keyring ring = Keyring.generate("det");
    FieldCipher cipher = FieldCipher.create(ring);
    FieldEncryptor<String> email = cipher.field(FieldSpec.builder("User", "email", String.class)
        .mode(EncryptionMode.DETERMINISTIC).build());
    byte[] before = email.encrypt("eve@example.com");

    cipher.reload(ring.with(ring.deterministic().orElseThrow().rotate()));
    byte[] after = email.encrypt("eve@example.com");
    assertThat(after).isNotEqualTo(before);

    List<byte[]> candidates = email.searchCiphertexts("eve@example.com", null);
    assertThat(candidates).hasSize(2);
    assertThat(candidates.get(0)).isEqualTo(after);
    assertThat(candidates.get(1)).isEqualTo(before);
    assertThat(email.decrypt(before)).isEqualTo(email.decrypt(after));
  }

  @Test
  void blindIndexSearch_coversEveryReadablePrfKey_andCarriesTheKeyVersion() {
    Keyring ring = Keyring.generate("bi");
    FieldCipher cipher = FieldCipher.create(ring);
    FieldEncryptor<String> f = cipher.field(FieldSpec.builder("User", "phone", String.class).blindIndex().build());
    byte[] before = f.blindIndex("+1 555 0100", null);
    VaultKeyset prf2 = ring.prf().orElseThrow().rotate();
    cipher.reload(ring.with(prf2));
    byte[] after = f.blindIndex("+1 555 0100", null);
    assertThat(FieldCipher.blindIndexKeyId(after)).isEqualTo(prf2.primary().keyId());
    assertThat(cipher.isBlindIndexOnPrimaryKey(before)).isFalse();
    assertThat(f.blindIndexesForSearch("+1 555 0100", null)).containsExactly(after, before);
  }
}
