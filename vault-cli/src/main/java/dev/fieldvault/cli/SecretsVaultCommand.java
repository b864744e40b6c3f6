package dev.fieldvault.cli;

import dev.fieldvault.secrets.SecretsVault;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** What the {@code secrets} and {@code audit} subcommands share: the stored keys, and the vault's tables. */
abstract class SecretsVaultCommand extends StoredKeysCommand {

  @Option(names = "--secrets-prefix", paramLabel = "PREFIX", defaultValue = "fv_secret_",
      description = "Prefix of the secrets vault tables (default: ${DEFAULT-VALUE}).")
  String prefix;

  /** The secrets vault of the database, with the stored keys; close it when done. */
  SecretsVault vault() {
    DataSource ds = dataSource();
    return SecretsVault.builder(ds, cipher(ds)).tablePrefix(prefix).build();
  }
}
