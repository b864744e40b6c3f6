package dev.fieldvault.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cached tenant keeps its context of each field beside its keys, so that a cache hit builds no
 * context: the values are bound exactly as under the context built for them, to their tenant and
 * field only, beyond the number of fields kept too, while the cache stays bounded under concurrent hits
 * and misses, and a shredded tenant stays refused.
 */
class TenantContextCacheTest {

  final Map<String, Keyring> store = new ConcurrentHashMap<>();
  final AtomicInteger lookups = new AtomicInteger();
  final TenantKeyrings tenants = tenant -> {
    lookups.incrementAndGet();
    return Optional.ofNullable(store.get(tenant));
  };
  final FieldSpec<String> emailSpec = FieldSpec.builder("User", "email", String.class).build();
  final FieldSpec<String> phoneSpec = FieldSpec.builder("User", "phone", String.class)
      .mode(EncryptionMode.DETERMINISTIC).blindIndex().build();

  TenantContextCacheTest() {
    store.put("acme", Keyring.generate("acme"));
    store.put("globex", Keyring.generate("globex"));
  }

  @Test
  void aCachedTenantsValues_areBoundExactlyAsUnderTheContextBuiltForThem() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    FieldEncryptor<String> email = cipher.field(emailSpec);
    FieldEncryptor<String> phone = cipher.field(phoneSpec);
    EncryptionContext acmeEmail = EncryptionContext.of("User", "email", "acme", null);
    EncryptionContext acmePhone = EncryptionContext.of("User", "phone", "acme", null);
    for (int i = 0; i < 3; i++) { // a miss, then hits
      byte[] ct = email.encrypt("a@acme.test", "acme", null);
      assertThat(new String(cipher.decrypt(ct, acmeEmail, EncryptionMode.RANDOMIZED), StandardCharsets.UTF_8))
          .isEqualTo("a@acme.test");
      byte[] built = cipher.encrypt(bytes("b@acme.test"), acmeEmail, EncryptionMode.RANDOMIZED);
      assertThat(email.decrypt(built, "acme", null)).isEqualTo("b@acme.test");
      // deterministic values and blind indexes are equal byte for byte to those under the built context
      assertThat(phone.encrypt("+1 555", "acme", null))
          .isEqualTo(cipher.encrypt(bytes("+1 555"), acmePhone, EncryptionMode.DETERMINISTIC));
      assertThat(phone.blindIndex("+1 555", "acme"))
          .isEqualTo(cipher.blindIndex(bytes("+1 555"), acmePhone, phoneSpec.blindIndexLength()));
    }
    assertThat(lookups.get()).isEqualTo(1);
  }

  @Test
  void tenantsSharingOneKeyring_andFieldsOfOneTenant_stillCannotReadEachOthersValues() {
    Keyring shared = Keyring.generate("shared");
    store.put("acme", shared);
    store.put("globex", shared);
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    FieldEncryptor<String> email = cipher.field(emailSpec);
    FieldEncryptor<String> note = cipher.field(FieldSpec.builder("User", "note", String.class).build());
    FieldEncryptor<String> otherDomain = cipher.field(FieldSpec.builder("Admin", "email", String.class).build());
    List<byte[]> acme = new ArrayList<>();
    for (int i = 0; i < 2; i++) { // every context cached first, then used again
      acme.add(email.encrypt("a@acme.test", "acme", null));
      assertThat(email.decrypt(email.encrypt("g@globex.test", "globex", null), "globex", null)).isEqualTo("g@globex.test");
      assertThat(note.decrypt(note.encrypt("n", "acme", null), "acme", null)).isEqualTo("n");
      assertThat(otherDomain.decrypt(otherDomain.encrypt("o", "acme", null), "acme", null)).isEqualTo("o");
    }
    for (byte[] ct : acme) {
      assertThat(email.decrypt(ct, "acme", null)).isEqualTo("a@acme.test");
      // the same keys read it, only the bound context differs: refused, not mixed up
      assertThatThrownBy(() -> email.decrypt(ct, "globex", null)).isInstanceOf(DecryptionFailedException.class)
          .hasMessageContaining("tenant='globex'");
      assertThatThrownBy(() -> note.decrypt(ct, "acme", null)).isInstanceOf(DecryptionFailedException.class)
          .hasMessageContaining("field='note'");
      assertThatThrownBy(() -> otherDomain.decrypt(ct, "acme", null)).isInstanceOf(DecryptionFailedException.class)
          .hasMessageContaining("domain='Admin'");
    }
  }

  @Test
  void fieldsBeyondTheNumberKeptPerTenant_areBoundToTheirOwnContextToo() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    int n = FieldCipher.MAX_FIELD_SLOTS + 5;
    List<FieldEncryptor<String>> fields = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fields.add(cipher.field(FieldSpec.builder("Doc", "f" + i, String.class).build()));
    }
    // the same field again shares its slot rather than taking another
    fields.add(cipher.field(FieldSpec.builder("Doc", "f0", String.class).build()));
    byte[][] ct = new byte[fields.size()][];
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < fields.size(); i++) {
        ct[i] = fields.get(i).encrypt("v" + i, "acme", null);
        EncryptionContext built = EncryptionContext.of("Doc", "f" + (i % n), "acme", null);
        assertThat(new String(cipher.decrypt(ct[i], built, EncryptionMode.RANDOMIZED), StandardCharsets.UTF_8))
            .isEqualTo("v" + i);
      }
    }
    assertThat(fields.get(n).decrypt(ct[0], "acme", null)).isEqualTo("v0");
    assertThat(fields.get(0).decrypt(ct[n], "acme", null)).isEqualTo("v" + n);
    for (int i : new int[] {1, FieldCipher.MAX_FIELD_SLOTS - 1, FieldCipher.MAX_FIELD_SLOTS, n - 1}) {
      int j = i;
      assertThat(fields.get(j).decrypt(ct[j], "acme", null)).isEqualTo("v" + j);
      assertThatThrownBy(() -> fields.get(j).decrypt(ct[j - 1], "acme", null))
          .isInstanceOf(DecryptionFailedException.class);
      assertThatThrownBy(() -> fields.get(j).decrypt(ct[j], "globex", null))
          .isInstanceOf(UnknownKeyVersionException.class);
    }
  }

  @Test
  void concurrentHitsAndMisses_onABoundedCache_keepEveryValueBoundToItsTenantAndField() throws Exception {
    int tenantCount = 40;
    for (int i = 0; i < tenantCount; i++) {
      store.put("t" + i, i % 2 == 0 ? Keyring.generate("t" + i) : store.get("t" + (i - 1))); // pairs share keys
    }
    int bound = 5;
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10), bound);
    FieldCipher reference = FieldCipher.create(Keyring.generate("default"), t -> Optional.ofNullable(store.get(t)));
    List<FieldSpec<String>> specs = List.of(emailSpec, FieldSpec.builder("User", "note", String.class).build(),
        FieldSpec.builder("Order", "note", String.class).build());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        futures.add(pool.submit(() -> {
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          int checked = 0;
          for (int op = 0; op < 1500; op++) {
            String tenant = "t" + rnd.nextInt(tenantCount);
            FieldSpec<String> spec = specs.get(rnd.nextInt(specs.size()));
            FieldEncryptor<String> f = cipher.field(spec);
            String value = tenant + "/" + spec.field() + "/" + op;
            byte[] ct = f.encrypt(value, tenant, null);
            assertThat(f.decrypt(ct, tenant, null)).isEqualTo(value);
            EncryptionContext built = EncryptionContext.of(spec.domain(), spec.field(), tenant, null);
            assertThat(new String(reference.decrypt(ct, built, EncryptionMode.RANDOMIZED), StandardCharsets.UTF_8))
                .isEqualTo(value);
            // the tenant sharing its keys, and another field, are refused
            int i = Integer.parseInt(tenant.substring(1));
            String sibling = "t" + (i % 2 == 0 ? i + 1 : i - 1);
            assertThatThrownBy(() -> f.decrypt(ct, sibling, null)).isInstanceOf(DecryptionFailedException.class);
            FieldSpec<String> other = specs.get((specs.indexOf(spec) + 1) % specs.size());
            assertThatThrownBy(() -> cipher.field(other).decrypt(ct, tenant, null))
                .isInstanceOf(DecryptionFailedException.class);
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> f : futures) {
        assertThat(f.get()).isEqualTo(1500);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cipher.cachedTenants()).isLessThanOrEqualTo(bound);
    assertThat(lookups.get()).isGreaterThan(tenantCount); // evicted tenants were looked up again
  }

  @Test
  void aTenantShreddedWhileItsContextsAreCached_isRefused_andAReprovisionedOneReadsOnlyItsNewValues() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    FieldEncryptor<String> email = cipher.field(emailSpec);
    FieldEncryptor<String> phone = cipher.field(phoneSpec);
    byte[] oldEmail = email.encrypt("a@acme.test", "acme", null);
    byte[] oldPhone = phone.encrypt("+1 555", "acme", null);
    store.remove("acme");
    cipher.forgetTenant("acme");
    assertThatThrownBy(() -> email.decrypt(oldEmail, "acme", null)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("Tenant 'acme' has no keyring");
    assertThatThrownBy(() -> phone.decrypt(oldPhone, "acme", null)).isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> phone.blindIndex("+1 555", "acme")).isInstanceOf(KeyUnavailableException.class);
    assertThatThrownBy(() -> email.encrypt("new", "acme", null)).isInstanceOf(KeyUnavailableException.class);

    store.put("acme", Keyring.generate("acme-again"));
    byte[] fresh = email.encrypt("again@acme.test", "acme", null);
    assertThat(email.decrypt(fresh, "acme", null)).isEqualTo("again@acme.test");
    assertThatThrownBy(() -> email.decrypt(oldEmail, "acme", null)).isInstanceOf(UnknownKeyVersionException.class);
  }

  @Test
  void aTenantShreddedElsewhere_isRefusedAfterTheRefreshInterval_althoughItsContextsWereCached() throws Exception {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMillis(50));
    FieldEncryptor<String> email = cipher.field(emailSpec);
    byte[] acme = email.encrypt("a@acme.test", "acme", null);
    assertThat(email.decrypt(acme, "acme", null)).isEqualTo("a@acme.test");
    store.remove("acme"); // on another instance: this cipher is not told
    Thread.sleep(80);
    assertThatThrownBy(() -> email.decrypt(acme, "acme", null)).isInstanceOf(KeyUnavailableException.class);
    // a key promoted elsewhere is used after the interval, the contexts kept across the refresh
    Keyring globex = store.get("globex");
    byte[] before = email.encrypt("g", "globex", null);
    store.put("globex", globex.with(globex.aead().orElseThrow().rotate()));
    Thread.sleep(80);
    byte[] after = email.encrypt("g", "globex", null);
    assertThat(CiphertextHeader.parse(after).keyId()).isNotEqualTo(CiphertextHeader.parse(before).keyId());
    assertThat(email.decrypt(before, "globex", null)).isEqualTo("g");
    assertThat(new String(cipher.decrypt(after, EncryptionContext.of("User", "email", "globex", null),
        EncryptionMode.RANDOMIZED), StandardCharsets.UTF_8)).isEqualTo("g");
  }

  @Test
  void theTenantPath_reportsToTheMetrics_andNamesTheTenantInItsErrors() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    CipherMetricsTest.Recorder r = new CipherMetricsTest.Recorder();
    cipher.setMetrics(r);
    FieldEncryptor<String> email = cipher.field(emailSpec);
    FieldEncryptor<String> phone = cipher.field(phoneSpec);
    byte[] ct = email.encrypt("a@acme.test", "acme", null);
    email.decrypt(ct, "acme", null);
    assertThatThrownBy(() -> phone.decrypt(ct, "acme", null)).isInstanceOf(DecryptionFailedException.class)
        .hasMessageContaining("tenant='acme'").hasMessageContaining("configured DETERMINISTIC");
    assertThatThrownBy(() -> email.decrypt(ct, "initech", null)).isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("Tenant 'initech' has no keyring");
    assertThatThrownBy(() -> email.decrypt(ct, "globex", null)).isInstanceOf(UnknownKeyVersionException.class);
    assertThatThrownBy(() -> email.decrypt(new byte[] {1, 2}, "acme", null))
        .isInstanceOf(MalformedCiphertextException.class);
    assertThat(r.events).containsExactly("encrypted RANDOMIZED", "decrypted RANDOMIZED", "failed TAMPERED",
        "failed KEY_DISABLED", "failed UNKNOWN_KEY", "failed MALFORMED");
  }

  @Test
  void anEmptyTenant_isRefusedBeforeAnyLookUp() {
    FieldCipher cipher = FieldCipher.create(Keyring.generate("default"), tenants, Duration.ofMinutes(10));
    FieldEncryptor<String> email = cipher.field(emailSpec);
    assertThatThrownBy(() -> email.encrypt("x", "", null)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("tenant must be null");
    assertThat(lookups.get()).isZero();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
