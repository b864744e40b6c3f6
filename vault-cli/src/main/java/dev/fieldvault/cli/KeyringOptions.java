package dev.fieldvault.cli;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.Keyring;
import javax.sql.DataSource;
import picocli.CommandLine.Option;

/** Which stored keysets (in the database's key store table) make the keyring. */
final class KeyringOptions {

  @Option(names = "--vault-prefix", paramLabel = "PREFIX", defaultValue = "fieldvault_",
      description = "Prefix of FieldVault's key store and rotation tables (default: ${DEFAULT-VALUE}).")
  String vaultPrefix;

  @Option(names = "--aead", paramLabel = "NAME", description = "Stored keyset for randomized values.")
  String aead;

  @Option(names = "--daead", paramLabel = "NAME", description = "Stored keyset for deterministic values.")
  String daead;

  @Option(names = "--prf", paramLabel = "NAME", description = "Stored keyset for blind indexes.")
  String prf;

  VaultTables vaultTables() {
    try {
      return VaultTables.withPrefix(vaultPrefix);
    } catch (RuntimeException e) {
      throw new CliException("bad --vault-prefix: " + e.getMessage());
    }
  }

  boolean any() {
    return aead != null || daead != null || prf != null;
  }

  KeyStore store(DataSource ds, KeyEncryptionKey kek) {
    return KeyStore.create(ds, kek, vaultTables());
  }

  Keyring load(DataSource ds, KeyEncryptionKey kek) {
    if (!any()) {
      throw new CliException("name the stored keysets: --aead NAME (and --daead, --prf where used)");
    }
    return store(ds, kek).loadKeyring(aead, daead, prf);
  }
}
