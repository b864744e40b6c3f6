package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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

  @Test
  void withARefreshInterval_aTenantErasedElsewhere_isRefusedOnceTheIntervalHasPassed() throws Exception {
    FieldCipher refreshing = FieldCipher.create(Keyring.generate("default"), tenant -> {
      lookups.incrementAndGet();
      return Optional.ofNullable(store.get(tenant));
    }, Duration.ofMillis(100));
    FieldEncryptor<String> e = refreshing.field(FieldSpec.builder("User", "email", String.class).build());
    byte[] acme = e.encrypt("a@acme.test", "acme", null);
    byte[] globex = e.encrypt("g@globex.test", "globex", null);
    int before = lookups.get();
    store.remove("acme"); // deleted by another instance: this cipher is not told
    Thread.sleep(150);    // more than the interval: the next use must ask again
    assertThatThrownBy(() -> e.decrypt(acme, "acme", null)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("Tenant 'acme' has no keyring");
    assertThat(e.decrypt(globex, "globex", null)).isEqualTo("g@globex.test");
    assertThat(lookups.get()).isEqualTo(before + 2);
    // the erased tenant stays refused (asked again each time: it may be provisioned anew)
    assertThatThrownBy(() -> e.encrypt("new", "acme", null)).isInstanceOf(KeyUnavailableException.class);
  }

  @Test
  void withARefreshInterval_aKeyPromotedElsewhere_isUsedOnceTheIntervalHasPassed() throws Exception {
    FieldCipher refreshing = FieldCipher.create(Keyring.generate("default"), tenant -> Optional.ofNullable(store.get(tenant)),
        Duration.ofMillis(100));
    FieldEncryptor<String> e = refreshing.field(FieldSpec.builder("User", "email", String.class).build());
    byte[] old = e.encrypt("a@acme.test", "acme", null);
    Keyring promoted = store.get("acme").with(store.get("acme").aead().orElseThrow().rotate());
    store.put("acme", promoted);
    Thread.sleep(150);
    byte[] next = e.encrypt("a@acme.test", "acme", null);
    assertThat(CiphertextHeader.parse(next).keyId()).isEqualTo(promoted.aead().orElseThrow().primary().keyId())
        .isNotEqualTo(CiphertextHeader.parse(old).keyId());
    assertThat(e.decrypt(old, "acme", null)).isEqualTo("a@acme.test");
  }

  @Test
  void withARefreshInterval_aFailedLookUp_failsTheOperation_andIsTriedAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    FieldCipher refreshing = FieldCipher.create(Keyring.generate("default"), tenant -> {
      if (calls.incrementAndGet() == 2) {
        throw new IllegalStateException("key store unreachable");
      }
      return Optional.ofNullable(store.get(tenant));
    }, Duration.ofMillis(50));
    FieldEncryptor<String> e = refreshing.field(FieldSpec.builder("User", "email", String.class).build());
    byte[] acme = e.encrypt("a@acme.test", "acme", null);
    Thread.sleep(80);
    // the cached keys are not used past their time when the look-up fails: fail closed
    assertThatThrownBy(() -> e.decrypt(acme, "acme", null)).isInstanceOf(IllegalStateException.class);
    assertThat(e.decrypt(acme, "acme", null)).isEqualTo("a@acme.test");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void aRefreshIntervalOutOfRange_isRefused() {
    assertThatThrownBy(() -> FieldCipher.create(Keyring.generate("d"), t -> Optional.empty(), Duration.ZERO))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("between 1 ms and 1 day");
  }

  @Test
  void theCipherKeepsAtMostItsBound_ofTenants_andLooksAnEvictedOneUpAgain() {
    for (int i = 0; i < 10; i++) {
      store.put("t" + i, Keyring.generate("t" + i));
    }
    FieldCipher bounded = FieldCipher.create(Keyring.generate("default"), tenant -> {
      lookups.incrementAndGet();
      return Optional.ofNullable(store.get(tenant));
    }, Duration.ofDays(1), 3);
    FieldEncryptor<String> f = bounded.field(FieldSpec.builder("User", "email", String.class).build());
    byte[][] ct = new byte[10][];
    for (int i = 0; i < 10; i++) {
      ct[i] = f.encrypt("v" + i, "t" + i, null);
    }
    assertThat(lookups.get()).isEqualTo(10);
    // at most 3 tenants kept: going through all ten again looks at least seven of them up again
    for (int i = 0; i < 10; i++) {
      assertThat(f.decrypt(ct[i], "t" + i, null)).isEqualTo("v" + i);
    }
    assertThat(lookups.get()).isGreaterThanOrEqualTo(17);
  }

  @Test
  void aTenantUsedBetweenInsertions_staysCached_whileOthersComeAndGo() {
    for (int i = 0; i < 20; i++) {
      store.put("t" + i, Keyring.generate("t" + i));
    }
    AtomicInteger hotLookups = new AtomicInteger();
    FieldCipher bounded = FieldCipher.create(Keyring.generate("default"), tenant -> {
      if (tenant.equals("acme")) {
        hotLookups.incrementAndGet();
      }
      return Optional.ofNullable(store.get(tenant));
    }, Duration.ofDays(1), 4);
    FieldEncryptor<String> f = bounded.field(FieldSpec.builder("User", "email", String.class).build());
    for (int i = 0; i < 20; i++) {
      f.encrypt("hot", "acme", null);
      f.encrypt("cold", "t" + i, null);
    }
    assertThat(hotLookups.get()).isEqualTo(1);
  }

  @Test
  void aTenantErased_whileEvicted_isRefusedAtItsNextUse() {
    FieldCipher bounded = FieldCipher.create(Keyring.generate("default"), tenant -> {
      lookups.incrementAndGet();
      return Optional.ofNullable(store.get(tenant));
    }, Duration.ofDays(1), 1);
    FieldEncryptor<String> f = bounded.field(FieldSpec.builder("User", "email", String.class).build());
    byte[] acme = f.encrypt("a@acme.test", "acme", null);
    f.encrypt("g@globex.test", "globex", null); // evicts acme (bound 1)
    store.remove("acme");
    assertThatThrownBy(() -> f.decrypt(acme, "acme", null)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("Tenant 'acme' has no keyring");
  }

  @Test
  void aTenantBoundOutOfRange_isRefused() {
    assertThatThrownBy(() -> FieldCipher.create(Keyring.generate("d"), t -> Optional.empty(), Duration.ofSeconds(1), 0))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("between 1 and 10,000,000, not 0");
  }
}
