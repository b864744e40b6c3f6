package dev.fieldvault.cli;

import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.VaultArchive;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fieldvault secrets create-store}: a namespace with its options ({@link StoreOptions}). */
@Command(name = "create-store", mixinStandardHelpOptions = true,
    description = "Create a namespace (store) with its options; a sealed one is then used with --secret-env or"
        + " --secret-file.")
final class SecretsStoreCommand extends SecretsCommand.VaultCommand {

  @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NAMESPACE", description = "The namespace.")
  String namespace;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "The namespace's tenant, if it has one.")
  String tenant;

  @Option(names = "--sealed", description = "Sealed: names kept only as keyed hashes, values sealed under the"
      + " caller's secret first; no listing, no metadata.")
  boolean sealed;

  @Option(names = "--max-versions", paramLabel = "N", description = "Versions kept per secret, the current one"
      + " included, 1 to 10000 (default: 10).")
  Integer maxVersions;

  @Option(names = "--default-ttl", paramLabel = "DURATION", description = "Puts without an expiry expire after this"
      + " long: 90d, 12h, 15m, 90s or ISO-8601; 1 second to 100 years (default: no expiry).")
  String defaultTtl;

  @Option(names = "--version-max-age", paramLabel = "DURATION", description = "Kept versions other than the current"
      + " one are deleted once older than this (default: kept by --max-versions only).")
  String versionMaxAge;

  @Override
  public Integer call() {
    StoreOptions options = sealed ? StoreOptions.sealedStore() : StoreOptions.DEFAULT;
    if (maxVersions != null) {
      options = options.withMaxVersions(maxVersions);
    }
    if (defaultTtl != null) {
      options = options.withDefaultTtl(SecretsCommand.parseDuration(defaultTtl));
    }
    if (versionMaxAge != null) {
      options = options.withVersionMaxAge(SecretsCommand.parseDuration(versionMaxAge));
    }
    try (SecretsVault vault = vault()) {
      vault.createStore(namespace, tenant, options);
    }
    out().println("created namespace " + namespace + (tenant == null ? "" : " of tenant " + tenant)
        + (options.sealed() ? " (sealed" : " (") + (options.sealed() ? ", " : "") + options.maxVersions()
        + " versions kept" + (options.defaultTtl() == null ? "" : ", default TTL " + options.defaultTtl())
        + (options.versionMaxAge() == null ? "" : ", versions kept at most " + options.versionMaxAge()) + ")");
    return 0;
  }

  /** {@code fieldvault secrets export-all}: every namespace, one export file each, into a directory. */
  @Command(name = "export-all", mixinStandardHelpOptions = true,
      description = "Write every namespace to a directory (one export file each, values encrypted as stored);"
          + " restore it with `secrets import DIR`.")
  static final class ExportAll extends SecretsCommand.VaultCommand {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "An empty or new directory.")
    Path dir;

    @Override
    public Integer call() {
      try (SecretsVault vault = vault()) {
        VaultArchive.Report r = VaultArchive.exportAll(vault, dir);
        out().println("exported " + r.stores().size() + " namespaces, " + r.entries() + " secrets (" + r.versions()
            + " kept versions) to " + dir);
        return 0;
      }
    }
  }
}
