package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.StoredKeyring;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabases;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rewrapper in a separate JVM is killed (SIGKILL via {@code destroyForcibly}) mid-way; a new
 * worker takes over its ranges once their lease expires and finishes. Server databases only: the
 * child process cannot see the test's private in-memory H2 database.
 */
class RewrapperKilledProcessTest {

  private static final int ROWS = 10_000;
  private static final String SECRET = "rotation-kill-test-master-secret-0123456789";

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#servers")
  void runKilledMidway_resumesInAnotherWorker_losingNoRowAndRewrappingNoneTwice(TestDatabases.Kind kind)
      throws Exception {
    RotationFixture fx = new RotationFixture(kind, "kill");
    Path log = Files.createTempFile("rot-kill-child", ".log");
    Process child = null;
    try {
      Keyring original = Keyring.generate("rot-kill");
      fx.create(FieldCipher.create(original), ROWS);
      KeyStore store = KeyStore.create(fx.db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), fx.vaultTables);
      for (VaultKeyset ks : List.of(original.aead().orElseThrow(), original.deterministic().orElseThrow(),
          original.prf().orElseThrow())) {
        store.insert(ks);
        store.update(ks.name(), VaultKeyset::rotate);
      }
      StoredKeyring keyring = StoredKeyring.open(store, "rot-kill-aead", "rot-kill-daead", "rot-kill-prf");
      FieldCipher cipher = keyring.cipher();

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          RewrapperChildProcess.class.getName(), kind.name(), SECRET)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (fx.sumRewrappedInWorkTable("kill") < 2_000) {
        assertThat(child.isAlive()).as("child still running; its log: %s", log).isTrue();
        assertThat(System.nanoTime()).as("child made progress in time; its log: %s", log).isLessThan(deadline);
        Thread.sleep(50);
      }
      child.destroyForcibly();
      child.waitFor();

      long doneByChild = fx.sumRewrappedInWorkTable("kill");
      assertThat(doneByChild).as("killed mid-way").isBetween(2_000L, ROWS - 1L);
      Map<Long, byte[][]> atKill = fx.snapshot();
      Set<Long> rewrappedByChild = new HashSet<>();
      atKill.forEach((id, bytes) -> {
        if (cipher.isOnPrimaryKey(bytes[0])) {
          rewrappedByChild.add(id);
        }
      });
      assertThat((long) rewrappedByChild.size()).as("every committed row is checkpointed, and only those")
          .isEqualTo(doneByChild);

      RotationResult resumed = fx.rewrapper(cipher).rotationId("kill").workerId("resumer").batchSize(500).build().run();

      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - doneByChild);
      assertThat(fx.sumRewrappedInWorkTable("kill")).as("each row rewrapped exactly once").isEqualTo(ROWS);
      assertThat(resumed.valuesOffPrimary()).isZero();
      Map<Long, byte[][]> end = fx.snapshot();
      assertThat(end).hasSize(ROWS);
      for (long id : rewrappedByChild) {
        assertThat(RotationFixture.sameBytes(end.get(id), atKill.get(id))).as("row %d not rewrapped again", id).isTrue();
      }
      fx.assertEveryRowDecrypts(cipher, ROWS, Map.of());
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly();
      }
      Files.deleteIfExists(log);
      fx.drop();
    }
  }
}
