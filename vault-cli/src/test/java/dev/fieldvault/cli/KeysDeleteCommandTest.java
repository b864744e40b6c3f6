package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredTenantKeyrings;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code fieldvault keys delete}: crypto-shredding a keyset or a tenant's keysets without SQL. */
class KeysDeleteCommandTest extends CliTestSupport {

  static final VaultTables VAULT = VaultTables.withPrefix(VAULT_PREFIX);

  String[] keys(String... more) {
    List<String> all = new ArrayList<>(List.of("keys", "delete"));
    all.addAll(List.of(more));
    all.addAll(List.of("--vault-prefix", VAULT_PREFIX));
    all.addAll(dbArgs());
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.cli.CliTestSupport#h2AndPostgres")
  void deletesAKeyset_orATenantsKeysets_onlyWhenConfirmed(Kind kind) throws Exception {
    use(kind);
    db.dropTables(VAULT.rotationRange(), VAULT.rotation(), VAULT.keyset());
    VAULT.install(db.dataSource());
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), VAULT);
    StoredTenantKeyrings tenants = StoredTenantKeyrings.of(store, "tenant-");
    tenants.provision("acme");
    tenants.provision("globex");
    store.insert(VaultKeyset.generate("app-aead", KeyPurpose.AEAD));

    assertThat(run(keys("--tenant", "acme"))).isEqualTo(1);
    assertThat(err).contains("cannot be undone", "--yes");
    assertThat(store.names()).hasSize(7);

    assertThat(run(keys("--tenant", "acme", "--yes"))).as(err).isZero();
    assertThat(out).contains("deleted 3 keyset(s) of the keysets of tenant acme");
    assertThat(store.names()).containsExactly("app-aead", "tenant-globex-aead", "tenant-globex-daead",
        "tenant-globex-prf");
    assertThat(tenants.keyringFor("acme")).isEmpty();

    assertThat(run(keys("--keyset", "app-aead", "--yes"))).as(err).isZero();
    assertThat(out).contains("deleted 1 keyset(s) of keyset app-aead");
    assertThat(run(keys("--keyset", "app-aead", "--yes"))).isEqualTo(1);
    assertThat(err).contains("no stored keyset matched keyset app-aead");
    assertThat(run(keys("--keyset", "x", "--tenant", "y", "--yes"))).isEqualTo(1);
    assertThat(err).contains("--keyset NAME, or --tenant TENANT (not both)");
  }
}
