package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Store defaults kept with the store: default TTL, version retention by count and by age. */
class StoreDefaultsTest {

  private static final String P = "sd_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();
  private final FieldCipher cipher = SecretsTestSupport.cipher();

  private SecretsVault vault(Kind kind, String prefix) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, prefix);
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(prefix).clock(clock).build();
  }

  private static List<Long> versions(SecretStore s, String name) {
    return s.versions(name).stream().map(SecretVersion::version).toList();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void defaultTtl_appliesToPutsWithoutExpiry_andIsKeptWithTheStore(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, P);
    String ns = SecretsTestSupport.unique("ttl");
    StoreOptions options = StoreOptions.DEFAULT.withDefaultTtl(Duration.ofHours(1))
        .withVersionMaxAge(Duration.ofDays(7)).withMaxVersions(4);
    SecretStore store = vault.createStore(ns, null, options).as("alice");
    store.put("plain", SecretValue.ofString("a"));
    store.put("own-ttl", SecretValue.ofString("b"), PutOptions.builder().ttl(Duration.ofDays(2)).build());
    store.put("forever", SecretValue.ofString("c"), PutOptions.builder().noExpiry().build());
    clock.advance(Duration.ofMinutes(30));
    store.rotate("plain", SecretValue.ofString("a2"));
    SecretsVault restarted = vault(kind, P);

    assertThat(store.get("plain").expiresAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(30)).plus(Duration.ofHours(1)));
    assertThat(store.get("own-ttl").expiresAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(30)).plus(Duration.ofDays(2)));
    assertThat(store.get("forever").expiresAt()).isNull();
    assertThat(restarted.store(ns).options()).isEqualTo(options);
    assertThat(vault.createStore(SecretsTestSupport.unique("plain"), null, StoreOptions.DEFAULT).options())
        .isEqualTo(new StoreOptions(false, 10, null, null));
    clock.advance(Duration.ofMinutes(31));
    assertThat(restarted.store(ns).get("plain").status()).isEqualTo(Status.EXPIRED);
    assertThat(restarted.store(ns).get("own-ttl").status()).isEqualTo(Status.OK);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void versionRetention_byCountAndByAge_onEveryWrite_keepingTheCurrentVersion(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, P);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("age"), null,
        StoreOptions.DEFAULT.withMaxVersions(3).withVersionMaxAge(Duration.ofDays(7))).as("alice");
    store.put("db", SecretValue.ofString("v1"));
    clock.advance(Duration.ofDays(2));
    store.put("db", SecretValue.ofString("v2"));
    store.put("db", SecretValue.ofString("v3"));
    store.put("db", SecretValue.ofString("v4"));
    List<Long> afterCount = versions(store, "db");
    clock.advance(Duration.ofDays(6)); // v2..v4 are 6 days old
    store.put("db", SecretValue.ofString("v5"));
    List<Long> withinAge = versions(store, "db");
    clock.advance(Duration.ofDays(2)); // v3, v4 8 days old; v5 2 days
    store.put("db", SecretValue.ofString("v6"));
    List<Long> afterAge = versions(store, "db");
    clock.advance(Duration.ofDays(30));
    store.update("db", PutOptions.builder().ttl(Duration.ofDays(1)).build()); // not a new version: nothing pruned
    List<Long> afterUpdate = versions(store, "db");
    store.put("db", SecretValue.ofString("v7"));

    assertThat(afterCount).containsExactly(4L, 3L, 2L);
    assertThat(withinAge).containsExactly(5L, 4L, 3L);
    assertThat(afterAge).containsExactly(6L, 5L);
    assertThat(afterUpdate).containsExactly(6L, 5L);
    assertThat(versions(store, "db")).containsExactly(7L);
    assertThat(store.getVersion("db", 5).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.get("db").value().asString()).isEqualTo("v7");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void pruneVersions_appliesTheAgeLimitToEntriesNotWrittenSince_andAuditsPerStore(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, "sdp_"); // its own tables: pruneVersions works on every store
    String ns = SecretsTestSupport.unique("prune");
    SecretStore aged = vault.createStore(ns, null, StoreOptions.DEFAULT.withVersionMaxAge(Duration.ofDays(7))).as("a");
    SecretStore keepAll = vault.createStore(SecretsTestSupport.unique("keep"), null, StoreOptions.DEFAULT).as("a");
    for (int i = 1; i <= 4; i++) {
      aged.put("one", SecretValue.ofString("one" + i));
      aged.put("two", SecretValue.ofString("two" + i));
      keepAll.put("k", SecretValue.ofString("k" + i));
    }
    aged.put("single", SecretValue.ofString("s"));
    clock.advance(Duration.ofDays(3));
    aged.put("two", SecretValue.ofString("two5"));
    MaintenanceReport early = vault.pruneVersions();
    clock.advance(Duration.ofDays(5)); // versions 1..4 are 8 days old, two's version 5 is 5 days old

    MaintenanceReport report = vault.pruneVersions();
    MaintenanceReport again = vault.pruneVersions();

    assertThat(early.changed()).isZero();
    assertThat(report.changed()).isEqualTo(3 + 4);
    assertThat(again.changed()).isZero();
    assertThat(versions(aged, "one")).containsExactly(4L);
    assertThat(versions(aged, "two")).containsExactly(5L);
    assertThat(versions(aged, "single")).containsExactly(1L);
    assertThat(versions(keepAll, "k")).containsExactly(4L, 3L, 2L, 1L);
    assertThat(aged.get("one").value().asString()).isEqualTo("one4");
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).action(AuditAction.VERSIONS_PRUNED)).items())
        .singleElement().satisfies(e -> {
          assertThat(e.detail()).isEqualTo("7 versions");
          assertThat(e.principal()).isEqualTo(SecretsVault.SYSTEM);
        });
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void storeOptions_travelWithAnExport(Kind kind, @TempDir Path dir) throws Exception {
    SecretsVault source = vault(kind, P);
    SecretsVault target = vault(kind, "sd2_");
    String ns = SecretsTestSupport.unique("export");
    StoreOptions options = StoreOptions.DEFAULT.withMaxVersions(5).withDefaultTtl(Duration.ofDays(30))
        .withVersionMaxAge(Duration.ofDays(90));
    source.createStore(ns, "acme", options).put("k", SecretValue.ofString("v"));
    source.exportStore(ns, "acme", dir.resolve("s.jsonl"));

    target.importStore(dir.resolve("s.jsonl"), false);

    assertThat(target.store(ns, "acme").options()).isEqualTo(options);
    assertThat(target.store(ns, "acme").get("k").expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
  }

  @Test
  void storeOptions_refuseDurationsOutOfRange_namingTheSetting() {
    assertThatThrownBy(() -> StoreOptions.DEFAULT.withDefaultTtl(Duration.ZERO))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("defaultTtl must be 1 second to 100 years");
    assertThatThrownBy(() -> StoreOptions.DEFAULT.withVersionMaxAge(Duration.ofSeconds(-5)))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("versionMaxAge");
    assertThatThrownBy(() -> StoreOptions.DEFAULT.withDefaultTtl(Duration.ofDays(36_526)))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("100 years");
    assertThat(StoreOptions.DEFAULT.withDefaultTtl(Duration.ofDays(1)).withDefaultTtl(null).defaultTtl()).isNull();
  }
}
