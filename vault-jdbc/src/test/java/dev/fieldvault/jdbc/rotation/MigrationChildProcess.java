package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The plaintext migration job in a JVM of its own, for {@link PlaintextMigrationKilledProcessTest}:
 * loads the keyring from the key store and runs migration "kill" as worker {@code <worker id>},
 * throttled so that the parent can kill it mid-way. Arguments: database kind, master secret, worker
 * id, and for H2 the directory of the shared database.
 */
public final class MigrationChildProcess {

  private MigrationChildProcess() {}

  public static void main(String[] args) {
    TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0]);
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2Shared(Path.of(args[3])) : TestDatabases.get(kind);
    MigrationFixture fx = new MigrationFixture(db, "kill");
    KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(args[1]), fx.vaultTables);
    try (StoredKeyring keyring = StoredKeyring.open(store, "mig-kill-aead", "mig-kill-daead", "mig-kill-prf")) {
      fx.migration(keyring.cipher()).rotationId("kill").workerId(args[2]).batchSize(100).rangeSize(2_500)
          .throttle(1_500).lease(Duration.ofSeconds(2)).build().run();
    }
  }
}
