package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TenantKeyringsTest {

  final Map<String, Keyring> store = new ConcurrentHashMap<>(Map.of(
      "acme", Keyring.generate("acme"), "globex", Keyring.generate("globex")));
  final AtomicInteger lookups = new AtomicInteger();
  final FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenant -> {
    lookups.incrementAndGet();
    return Optional.ofNullable(store.get(tenant));
  });
  final FieldEncryptor<String> email = cipher.field(FieldSpec.builder("User", "email", String.class).build());

  @Test
  void eachTenantsValues_areUnderItsOwnKeys() {
    byte[] acme = email.encrypt("a@acme.test", "acme", null);
    byte[] globex = email.encrypt("g@globex.test", "globex", null);
    byte[] none = email.encrypt("n@example.test");
    assertThat(CiphertextHeader.parse(acme).keyId()).isEqualTo(store.get("acme").aead().orElseThrow().primary().keyId());
    assertThat(CiphertextHeader.parse(globex).keyId()).isEqualTo(store.get("globex").aead().orElseThrow().primary().keyId());
    assertThat(CiphertextHeader.parse(none).keyId()).isEqualTo(cipher.keyring().aead().orElseThrow().primary().keyId());
    assertThat(email.decrypt(acme, "acme", null)).isEqualTo("a@acme.test");
    assertThat(email.decrypt(globex, "globex", null)).isEqualTo("g@globex.test");
    assertThat(email.decrypt(none)).isEqualTo("n@example.test");
    // another tenant's keyring does not hold the key: a precise error, not a silent mix-up
    assertThatThrownBy(() -> email.decrypt(acme, "globex", null)).isInstanceOf(UnknownKeyVersionException.class)
        .hasMessageContaining("globex-aead");
  }

  @Test
  void primaryKeyChecks_useTheTenantsKeyring() {
    FieldEncryptor<String> phone = cipher.field(FieldSpec.builder("User", "phone", String.class).blindIndex().build());
    byte[] ct = phone.encrypt("+1 555", "acme", null);
    byte[] bi = phone.blindIndex("+1 555", "acme");
    EncryptionContext acme = phone.context("acme", null);
    assertThat(cipher.isOnPrimaryKey(ct, acme)).isTrue();
    assertThat(cipher.isOnPrimaryKey(ct)).isFalse();
    assertThat(cipher.isBlindIndexOnPrimaryKey(bi, acme)).isTrue();
    assertThat(cipher.isBlindIndexOnPrimaryKey(bi)).isFalse();
    assertThat(cipher.readableKeyCount(KeyPurpose.AEAD)).isEqualTo(1);
  }

  @Test
  void tenantKeys_areLookedUpOnce_andCached() {
    for (int i = 0; i < 50; i++) {
      email.decrypt(email.encrypt("x", "acme", null), "acme", null);
    }
    assertThat(lookups.get()).isEqualTo(1);
  }

  @Test
  void erasingATenantsKeys_makesItsDataUnreadable() {
    byte[] acme = email.encrypt("a@acme.test", "acme", null);
    store.remove("acme");
    cipher.forgetTenant("acme");
    assertThatThrownBy(() -> email.decrypt(acme, "acme", null)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("Tenant 'acme' has no keyring");
    assertThatThrownBy(() -> email.encrypt("new", "acme", null)).isInstanceOf(KeyUnavailableException.class);
    // other tenants are unaffected
    assertThat(email.decrypt(email.encrypt("g", "globex", null), "globex", null)).isEqualTo("g");
  }
}
