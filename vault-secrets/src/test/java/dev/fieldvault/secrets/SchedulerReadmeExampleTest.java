package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The scheduler snippet of vault-secrets/README.md ("The vault's scheduler"), compiled and run (keep the two in step). */
class SchedulerReadmeExampleTest {

  private final List<String> alerts = new CopyOnWriteArrayList<>();

  @Test
  void schedulerSnippet_runsAsDocumented() throws Exception {
    TestDatabase db = TestDatabases.h2(); // a private database with the default prefix
    SecretsTestSupport.migrate(db, "fv_secret_");
    DataSource dataSource = db.dataSource();
    FieldCipher cipher = FieldCipher.create(Keyring.generate("app"));
    DynamicSecretGenerator pgUsers = new DynamicSecretGenerator() {
      @Override
      public SecretValue generate(String name, Duration ttl) {
        return SecretValue.ofString("pw");
      }

      @Override
      public void revoke(String name, SecretValue value) {}
    };
    SecretsVault setup = SecretsVault.builder(dataSource, cipher).build();
    setup.createStore("api-keys", "acme", StoreOptions.DEFAULT)
        .put("stripe", SecretValue.ofString("sk_live"), PutOptions.builder().ttl(Duration.ofDays(3)).build());
    setup.close();

    // README: begin scheduler
    SecretsVault vault = SecretsVault.builder(dataSource, cipher)
        .rotationPolicy("api-keys", "acme", Duration.ofDays(30), (name, old) -> newKeyFromProvider(name))
        .dynamicSecrets("pg-readonly", pgUsers)
        .expiryListener(w -> alert(w.namespace() + "/" + w.name() + " v" + w.version() + " expires " + w.expiresAt()))
        .schedule(VaultSchedule.builder()
            .rotations(Duration.ofMinutes(10))                         // the rotation policies
            .cleanupExpired(Duration.ofMinutes(5), Duration.ofDays(7)) // expired entries; dynamic secrets revoked
            .purgeEvents(Duration.ofDays(1), Duration.ofDays(365))     // audit retention
            .pruneVersions(Duration.ofHours(6))                        // the stores' version retention
            .expiryWarnings(Duration.ofHours(1), Duration.ofDays(14))  // ExpiryListeners, 14 days ahead
            .build())
        .build();
    vault.startScheduler();                           // once the changelog ran; close() stops it
    List<TaskStatus> tasks = vault.schedulerStatus(); // last run, outcome, next run, lease holder: per task
    Optional<MaintenanceReport> now = vault.runNow(ScheduledTask.PRUNE_VERSIONS); // empty: running already
    // README: end scheduler

    try {
      assertThat(tasks).extracting(TaskStatus::task).containsExactly(ScheduledTask.values());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!vault.schedulerStatus().stream().allMatch(t -> t.lastOutcome() == TaskStatus.Outcome.OK)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(vault.schedulerStatus()).extracting(TaskStatus::lastOutcome).containsOnly(TaskStatus.Outcome.OK);
      assertThat(alerts).singleElement().asString().startsWith("api-keys/stripe v1 expires ");
      assertThat(now.isEmpty() || now.get().scanned() == 1).isTrue(); // one store, unless the scheduler ran it
    } finally {
      vault.close();
    }
  }

  private void alert(String line) {
    alerts.add(line);
  }

  private static SecretValue newKeyFromProvider(String name) {
    return SecretValue.ofString("sk_new");
  }
}
