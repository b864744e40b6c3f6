package dev.fieldvault.secrets.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.ImportTestDatabases;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.VaultArchive;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The import and archive snippets of vault-secrets/README.md, compiled and run (keep the two in step). */
class ImportReadmeExampleTest {

  @TempDir
  Path tmp;

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void readmeImportAndArchiveSnippets_run(Kind kind) throws Exception {
    TestDatabase db = ImportTestDatabases.migrated(kind, "sv_impdoc_");
    TestDatabase other = ImportTestDatabases.migrated(kind, "sv_impdoc2_");
    var cipher = ImportTestDatabases.cipher();
    Path envFile = Files.writeString(tmp.resolve("prod.env"), "DB_PASSWORD='pw'\nAPI_KEY=key\n");
    Path backupDir = tmp.resolve("backup");
    List<String> log = new ArrayList<>();
    try (SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix("sv_impdoc_").build();
        SecretsVault restored = SecretsVault.builder(other.dataSource(), cipher).tablePrefix("sv_impdoc2_").build()) {
      SecretStore store = vault.createStore(ImportTestDatabases.unique("app"), null, StoreOptions.DEFAULT).as("ops");

      // README: begin import
      SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, envFile);  // parsed and checked; nothing written
      ImportReport plan = source.onConflict(ConflictPolicy.OVERWRITE).dryRun(store); // would create, update, skip
      ImportReport done = source.onConflict(ConflictPolicy.OVERWRITE).into(store);
      done.items().forEach(i -> log.add(i.outcome() + " " + i.name() + " v" + i.version())); // names, never values
      // README: end import

      // README: begin archive
      VaultArchive.Report saved = VaultArchive.exportAll(vault, backupDir);          // every store, one file each
      VaultArchive.Report check = VaultArchive.importAll(restored, backupDir, true);  // dry run: keys, stores checked
      VaultArchive.Report restore = VaultArchive.importAll(restored, backupDir, false);
      // README: end archive

      assertThat(plan.created()).isEqualTo(2);
      assertThat(plan.dryRun()).isTrue();
      assertThat(log).containsExactly("CREATED DB_PASSWORD v1", "CREATED API_KEY v1");
      assertThat(saved.entries()).isGreaterThanOrEqualTo(2);
      assertThat(check.dryRun()).isTrue();
      assertThat(restore.entries()).isEqualTo(saved.entries());
      assertThat(restored.store(store.namespace()).get("DB_PASSWORD").value().asString()).isEqualTo("pw");
    }
  }
}
