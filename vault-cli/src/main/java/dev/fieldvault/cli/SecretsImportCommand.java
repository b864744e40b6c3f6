package dev.fieldvault.cli;

import dev.fieldvault.secrets.BackupReport;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.VaultArchive;
import dev.fieldvault.secrets.imports.ConflictPolicy;
import dev.fieldvault.secrets.imports.ImportFormat;
import dev.fieldvault.secrets.imports.ImportReport;
import dev.fieldvault.secrets.imports.SecretsImport;
import dev.fieldvault.secrets.imports.SecretsImportException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fieldvault secrets import}: a FieldVault export file or archive directory, or with {@code --from}
 * a file of another product (HashiCorp Vault KV v2 JSON, AWS Secrets Manager JSON, {@code .env}) into a
 * namespace. Prints names and outcomes, never a value.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Import secrets. Without --from: a FieldVault export file (`secrets export`; all or nothing,"
        + " every value checked to decrypt first) or an archive directory (`secrets export-all`).",
        "With --from vault-kv|aws|dotenv: that product's file into the namespace -n, one new entry (or version)"
            + " per secret; names and outcomes are printed, never values."})
final class SecretsImportCommand extends SecretsCommand.VaultCommand {

  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Option(names = "--from", paramLabel = "FORMAT",
      description = "The file's format: vault-kv (HashiCorp Vault KV v2 JSON), aws (AWS Secrets Manager JSON) or dotenv.")
  String from;

  @Option(names = {"-n", "--namespace", "--store"}, paramLabel = "NAMESPACE",
      description = "With --from: the namespace (store) to import into.")
  String namespace;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "With --from: the namespace's tenant, if it has one.")
  String tenant;

  @Option(names = "--on-conflict", paramLabel = "POLICY", defaultValue = "skip",
      description = "With --from, for a name that exists: skip (default), overwrite (as a new version) or fail"
          + " (nothing is written).")
  String onConflict;

  @Option(names = "--create-namespace", description = "With --from: create the namespace (default options) if it"
      + " does not exist.")
  boolean create;

  @Option(names = "--dry-run", description = "Check the file and report what would be done; write nothing.")
  boolean dryRun;

  @Mixin
  CallerSecretOptions caller = new CallerSecretOptions();

  @Override
  public Integer call() {
    if (from == null) {
      return fieldVaultExport();
    }
    ImportFormat format = ImportFormat.of(from);
    ConflictPolicy policy = policy();
    if (namespace == null) {
      throw new CliException("--from needs the namespace to import into: -n NAMESPACE (or --store)");
    }
    if (!Files.isRegularFile(file)) {
      throw new CliException("no file " + file);
    }
    SecretsImport source = SecretsImport.read(format, file).onConflict(policy);
    try (SecretsVault vault = vault()) {
      SecretStore store = target(vault, source);
      if (store == null) {
        return 0;
      }
      ImportReport r;
      try {
        r = dryRun ? source.dryRun(store) : source.into(store);
      } catch (SecretsImportException e) {
        if (e.report() != null) {
          print(e.report());
        }
        throw e;
      }
      print(r);
      out().printf("%s%d created, %d updated, %d skipped (%s, %s into %s)%n", dryRun ? "[dry run] " : "",
          r.created(), r.updated(), r.skipped(), format.id(), policy.name().toLowerCase(Locale.ROOT), namespace);
      return 0;
    }
  }

  /** The open target store; null after a dry run's report for a namespace that does not exist yet. */
  private SecretStore target(SecretsVault vault, SecretsImport source) {
    SecretStore store;
    try {
      store = vault.store(namespace, tenant).as(principal);
    } catch (SecretStoreNotFoundException e) {
      if (!create) {
        throw new CliException("no namespace '" + namespace + "'" + (tenant == null ? "" : " of tenant " + tenant)
            + ": create it with `secrets create-store`, or add --create-namespace");
      }
      if (dryRun) {
        PrintWriter out = out();
        out.println("[dry run] would create namespace " + namespace);
        for (String name : source.names()) {
          out.printf("%-10s %s%n", "CREATED", name);
        }
        out.printf("[dry run] %d created, 0 updated, 0 skipped (%s, %s into %s)%n", source.names().size(),
            source.format().id(), policy().name().toLowerCase(Locale.ROOT), namespace);
        return null;
      }
      store = vault.createStore(namespace, tenant, StoreOptions.DEFAULT).as(principal);
      out().println("created namespace " + namespace);
    }
    byte[] secret = caller.read(secrets.root, env());
    if (store.isSealed() != (secret != null)) {
      throw new CliException(store.isSealed()
          ? "namespace '" + namespace + "' is sealed: give its caller secret with --secret-env VAR or --secret-file FILE"
          : "namespace '" + namespace + "' is not sealed: it takes no caller secret");
    }
    return secret == null ? store : store.withSecret(secret);
  }

  private ConflictPolicy policy() {
    try {
      return ConflictPolicy.valueOf(onConflict.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("bad --on-conflict '" + onConflict + "': use skip, overwrite or fail");
    }
  }

  private void print(ImportReport r) {
    PrintWriter out = out();
    for (ImportReport.Item i : r.items()) {
      out.printf("%-10s %s%s%s%n", i.outcome(), i.name(), i.version() > 0 ? " (version " + i.version() + ")" : "",
          i.detail() == null ? "" : ": " + i.detail());
    }
  }

  /** A file of `secrets export`, or a directory of `secrets export-all`. */
  private int fieldVaultExport() {
    if (namespace != null || tenant != null || create || caller.given()) {
      throw new CliException("-n, --tenant, --create-namespace and the caller secret go with --from: a FieldVault"
          + " export names its own namespace (and sealed values are imported without their secret)");
    }
    try (SecretsVault vault = vault()) {
      if (Files.isDirectory(file)) {
        VaultArchive.Report r = VaultArchive.importAll(vault, file, dryRun);
        for (var e : r.stores().entrySet()) {
          out().printf("%s: %d secrets (%d kept versions), %d verified%n", e.getKey(), e.getValue().entries(),
              e.getValue().versions(), e.getValue().verified());
        }
        out().printf("%simported %d stores, %d secrets (%d kept versions)%n", dryRun ? "[dry run] " : "",
            r.stores().size(), r.entries(), r.versions());
        return 0;
      }
      if (!Files.isRegularFile(file)) {
        throw new CliException("no export file " + file);
      }
      BackupReport r = vault.importStore(file, dryRun);
      out().printf("%simported %d secrets (%d kept versions), %d verified, %d failed%n", dryRun ? "[dry run] " : "",
          r.entries(), r.versions(), r.verified(), r.failed());
      return r.failed() == 0 ? 0 : 1;
    }
  }
}
