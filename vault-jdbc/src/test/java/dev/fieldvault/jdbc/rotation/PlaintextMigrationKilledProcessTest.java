package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plaintext migration job in a separate JVM is killed with SIGKILL ({@code destroyForcibly}) mid-way,
 * twice: a second child takes the first one's range over when its lease expires, and is killed too;
 * the job then resumes in this JVM and finishes. Nothing is lost (every row ends encrypted with its
 * legacy values) and nothing is redone (a row migrated before a kill keeps its bytes: randomized
 * encryption would change them; the work table counts each row once). H2 runs as a file database
 * the child JVMs share ({@code AUTO_SERVER}).
 */
class PlaintextMigrationKilledProcessTest {

  private static final int ROWS = 10_000;
  private static final String SECRET = "migration-kill-test-master-secret-0123456789";

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void killedTwice_resumes_losingNoRowAndEncryptingNoneTwice(TestDatabases.Kind kind) throws Exception {
    Path h2Dir = kind == TestDatabases.Kind.H2 ? Files.createTempDirectory("mig-kill-h2") : null;
    TestDatabase db = h2Dir != null ? TestDatabases.h2Shared(h2Dir) : TestDatabases.get(kind);
    MigrationFixture fx = new MigrationFixture(db, "kill");
    List<Path> logs = new ArrayList<>();
    Process child = null;
    try {
      fx.create(ROWS);
      Keyring keyring = Keyring.generate("mig-kill");
      KeyStore store = KeyStore.create(db.dataSource(), KeyEncryptionKeys.fromMasterSecret(SECRET), fx.vaultTables);
      for (VaultKeyset ks : List.of(keyring.aead().orElseThrow(), keyring.deterministic().orElseThrow(),
          keyring.prf().orElseThrow())) {
        store.insert(ks);
      }
      FieldCipher cipher = FieldCipher.create(keyring);

      Map<Long, byte[][]> previous = null;
      Set<Long> migratedBefore = new HashSet<>();
      long done = 0;
      for (String worker : List.of("child-1", "child-2")) {
        Path log = Files.createTempFile("mig-kill-" + worker, ".log");
        logs.add(log);
        child = start(kind, worker, h2Dir, log);
        long target = done + 2_000;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (fx.sumRewrappedInWorkTable("kill") < target) {
          assertThat(child.isAlive()).as("%s still running; its log: %s", worker, Files.readString(log)).isTrue();
          assertThat(System.nanoTime()).as("%s made progress in time; its log: %s", worker, log).isLessThan(deadline);
          Thread.sleep(50);
        }
        child.destroyForcibly(); // SIGKILL: no clean stop, its claimed range stays leased to it
        child.waitFor();

        done = fx.sumRewrappedInWorkTable("kill");
        assertThat(done).as("killed mid-way").isBetween(target, ROWS - 1L);
        Map<Long, byte[][]> now = fx.snapshot();
        Set<Long> migrated = migratedRows(now);
        assertThat((long) migrated.size()).as("every committed row is checkpointed, and only those").isEqualTo(done);
        assertThat(migrated).containsAll(migratedBefore);
        for (long id : migratedBefore) {
          assertThat(MigrationFixture.sameBytes(now.get(id), previous.get(id))).as("row %d not migrated again", id).isTrue();
        }
        previous = now;
        migratedBefore = migrated;
      }

      RotationResult resumed = fx.migration(cipher).rotationId("kill").workerId("resumer").batchSize(500)
          .lease(Duration.ofSeconds(2)).build().run();

      assertThat(resumed.complete()).as(resumed.describeRemaining()).isTrue();
      assertThat(resumed.rowsRewrapped()).isEqualTo(ROWS - done);
      assertThat(fx.sumRewrappedInWorkTable("kill")).as("each row migrated exactly once").isEqualTo(ROWS);
      assertThat(resumed.plaintextValues()).isZero();
      Map<Long, byte[][]> end = fx.snapshot();
      for (long id : migratedBefore) {
        assertThat(MigrationFixture.sameBytes(end.get(id), previous.get(id))).as("row %d not migrated again", id).isTrue();
      }
      fx.assertEveryRowEncrypted(cipher, ROWS, Map.of());
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly();
      }
      for (Path log : logs) {
        Files.deleteIfExists(log);
      }
      fx.drop();
      if (h2Dir != null) {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
          st.execute("SHUTDOWN");
        }
        try (var files = Files.walk(h2Dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static Process start(TestDatabases.Kind kind, String worker, Path h2Dir, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        MigrationChildProcess.class.getName(), kind.name(), SECRET, worker));
    if (h2Dir != null) {
      cmd.add(h2Dir.toString());
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Rows whose note (never NULL) holds a ciphertext: the rows the job wrote. */
  private static Set<Long> migratedRows(Map<Long, byte[][]> snapshot) {
    Set<Long> out = new HashSet<>();
    snapshot.forEach((id, bytes) -> {
      if (dev.fieldvault.keys.CiphertextHeader.looksLikeCiphertext(bytes[3])) {
        out.add(id);
      }
    });
    return out;
  }
}
