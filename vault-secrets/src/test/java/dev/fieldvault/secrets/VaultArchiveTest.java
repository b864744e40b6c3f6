package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A whole vault exported to a directory and restored into other tables, with a dry run first. */
class VaultArchiveTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SEALED_SECRET = "the-callers-secret-of-enough-length";

  @TempDir
  Path dir;

  @ParameterizedTest
  @MethodSource(ALL)
  void everyStore_isExported_dryRunWritesNothing_restoreRoundTrips_andASecondRestoreIsRefused(Kind kind)
      throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_arc_");
    TestDatabase same = SecretsTestSupport.migrated(kind, "sv_arc2_");
    FieldCipher cipher = SecretsTestSupport.cipher();
    Path archive = dir.resolve("backup");
    try (SecretsVault source = SecretsVault.builder(db.dataSource(), cipher).tablePrefix("sv_arc_").build();
        SecretsVault target = SecretsVault.builder(same.dataSource(), cipher).tablePrefix("sv_arc2_").build()) {
      SecretStore tokens = source.createStore("tokens", "acme", StoreOptions.DEFAULT.withMaxVersions(3));
      tokens.put("github", SecretValue.ofString("gho_archived_1"));
      tokens.put("github", SecretValue.ofString("gho_archived_2"));
      source.createStore("config", null, StoreOptions.DEFAULT).put("db", SecretValue.ofJson("{\"pw\":\"cfg-pw\"}"));
      source.createStore("vault", null, StoreOptions.sealedStore()).withSecret(SEALED_SECRET)
          .put("2fa", SecretValue.ofString("recovery-codes"));

      VaultArchive.Report exported = VaultArchive.exportAll(source, archive);

      assertThat(exported.stores()).containsOnlyKeys("store-00001.jsonl", "store-00002.jsonl", "store-00003.jsonl");
      assertThat(exported.entries()).isEqualTo(3);
      assertThat(exported.versions()).isEqualTo(4);
      try (Stream<Path> files = Files.list(archive)) {
        for (Path f : files.toList()) {
          assertThat(Files.readString(f, StandardCharsets.UTF_8)).doesNotContain("gho_archived", "cfg-pw", "recovery");
        }
      }
      assertThatThrownBy(() -> VaultArchive.exportAll(source, archive))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("already holds export files");

      VaultArchive.Report plan = VaultArchive.importAll(target, archive, true);

      assertThat(plan.dryRun()).isTrue();
      assertThat(plan.entries()).isEqualTo(3);
      assertThat(plan.failed()).isZero();
      assertThatThrownBy(() -> target.store("tokens", "acme")).isInstanceOf(SecretStoreNotFoundException.class);

      VaultArchive.Report restored = VaultArchive.importAll(target, archive, false);

      assertThat(restored.dryRun()).isFalse();
      assertThat(restored.versions()).isEqualTo(4);
      assertThat(target.store("tokens", "acme").get("github").value().asString()).isEqualTo("gho_archived_2");
      assertThat(target.store("tokens", "acme").getVersion("github", 1).value().asString()).isEqualTo("gho_archived_1");
      assertThat(target.store("tokens", "acme").maxVersions()).isEqualTo(3);
      assertThat(target.store("config").get("db").value().asJson()).containsEntry("pw", "cfg-pw");
      assertThat(target.store("vault").withSecret(SEALED_SECRET).get("2fa").value().asString())
          .isEqualTo("recovery-codes");

      assertThatThrownBy(() -> VaultArchive.importAll(target, archive, true))
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("These stores exist already: store-00001.jsonl (store 'config')")
          .hasMessageContaining("nothing was imported");
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void anArchive_underOtherKeys_orAnEmptyDirectory_isRefused_writingNothing(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_arc3_");
    Path archive = dir.resolve("backup");
    try (SecretsVault source = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher())
        .tablePrefix("sv_arc3_").build();
        SecretsVault otherKeys = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher())
            .tablePrefix("sv_arc3_").build()) {
      String ns = SecretsTestSupport.unique("keys");
      source.createStore(ns, null, StoreOptions.DEFAULT).put("a", SecretValue.ofString("under-key-1"));
      VaultArchive.exportAll(source, archive);
      source.store(ns).as("x").remove("a");

      assertThatThrownBy(() -> VaultArchive.importAll(otherKeys, archive, false))
          .isInstanceOf(DecryptionFailedException.class).hasMessageContaining("nothing was imported")
          .hasMessageNotContaining("under-key-1");
      assertThat(source.store(ns).has("a")).isFalse();

      Path empty = Files.createDirectories(dir.resolve("empty"));
      assertThatThrownBy(() -> VaultArchive.importAll(source, empty, true))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("holds no export file");
    }
  }
}
