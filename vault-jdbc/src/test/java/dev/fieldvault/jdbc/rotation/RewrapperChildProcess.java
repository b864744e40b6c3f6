package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.testsupport.TestDatabases;
import java.time.Duration;

/**
 * The rewrapper in a JVM of its own, for {@link RewrapperKilledProcessTest}: loads the keyring from
 * the key store and runs rotation "kill", throttled so that the parent can kill it mid-way.
 * Arguments: database kind, master secret.
 */
public final class RewrapperChildProcess {

  private RewrapperChildProcess() {}

  public static void main(String[] args) {
    RotationFixture fx = new RotationFixture(TestDatabases.Kind.valueOf(args[0]), "kill");
    KeyStore store = KeyStore.create(fx.db.dataSource(), KeyEncryptionKeys.fromMasterSecret(args[1]), fx.vaultTables);
    try (StoredKeyring keyring = StoredKeyring.open(store, "rot-kill-aead", "rot-kill-daead", "rot-kill-prf")) {
      fx.rewrapper(keyring.cipher()).rotationId("kill").workerId("child").batchSize(100).rangeSize(2_500)
          .throttle(1_500).lease(Duration.ofSeconds(2)).build().run();
    }
  }
}
