package dev.fieldvault.jdbc.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bounded caches of per-tenant keyrings kept in the key store: {@link StoredTenantKeyrings} and the
 * cipher keep at most their bound of tenants, a tenant evicted from both is read from the table again
 * at its next use (and decrypts as before), and a tenant shredded on another instance while evicted
 * here is refused at its next use, without waiting for the refresh interval.
 */
class TenantKeyringCacheTest {

  private static final KeyEncryptionKey KEK = KeyEncryptionKeys.fromMasterSecret("tenant-cache-test-secret-0123456789");
  private static final FieldSpec<String> NOTE = FieldSpec.builder("Doc", "note", String.class).build();

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void keyringsBeyondTheBound_areEvicted_readAgainAtTheirNextUse_andShreddingStillHolds(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables tables = VaultTables.withPrefix("tcache_fv_");
    db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    tables.install(db.dataSource());
    try {
      Keyring defaults = Keyring.generate("tcache-default");
      KeyStore storeA = KeyStore.create(db.dataSource(), KEK, tables);
      StoredTenantKeyrings tenantsA = StoredTenantKeyrings.of(storeA, "tenant-");
      FieldCipher cipherA = FieldCipher.create(defaults, tenantsA, Duration.ofDays(1));
      KeyStore storeB = KeyStore.create(db.dataSource(), KEK, tables);
      StoredTenantKeyrings tenantsB = StoredTenantKeyrings.of(storeB, "tenant-", 2);
      FieldCipher cipherB = FieldCipher.create(defaults, tenantsB, Duration.ofDays(1), 2);

      FieldEncryptor<String> noteA = cipherA.field(NOTE);
      byte[][] ct = new byte[6][];
      for (int i = 0; i < 6; i++) {
        tenantsA.provision("t" + i);
        ct[i] = noteA.encrypt("note " + i, "t" + i, null);
      }
      FieldEncryptor<String> noteB = cipherB.field(NOTE);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 6; i++) {
          assertThat(noteB.decrypt(ct[i], "t" + i, null)).isEqualTo("note " + i);
          assertThat(tenantsB.cachedTenants()).isLessThanOrEqualTo(2);
        }
      }
      // t0 was evicted on B by the later tenants (bound 2); A shreds it: B refuses it at its next use,
      // although B's refresh interval (a day) has not passed
      assertThat(tenantsA.shred("t0")).isEqualTo(3);
      cipherA.forgetTenant("t0");
      assertThatThrownBy(() -> noteB.decrypt(ct[0], "t0", null)).isInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("Tenant 't0' has no keyring");
      assertThatThrownBy(() -> noteA.decrypt(ct[0], "t0", null)).isInstanceOf(KeyUnavailableException.class);
      // the others are untouched
      assertThat(noteB.decrypt(ct[5], "t5", null)).isEqualTo("note 5");
      assertThat(noteB.decrypt(ct[1], "t1", null)).isEqualTo("note 1");
    } finally {
      db.dropTables(tables.keyset(), tables.rotation(), tables.rotationRange());
    }
  }

  @Test
  void aCacheBoundOutOfRange_isRefused_namingTheRange() {
    TestDatabase db = TestDatabases.get(TestDatabases.Kind.H2);
    KeyStore store = KeyStore.create(db.dataSource(), KEK, VaultTables.withPrefix("tcache_bound_fv_"));
    assertThatThrownBy(() -> StoredTenantKeyrings.of(store, "tenant-", 0))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("between 1 and 10,000,000, not 0");
  }
}
