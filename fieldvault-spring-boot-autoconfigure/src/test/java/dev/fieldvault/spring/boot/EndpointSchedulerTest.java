package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.ExpiryListener;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.ScheduledTask;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.VaultSchedule;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The secrets vault's scheduler in the {@code fieldvault} endpoint: per task whether it is scheduled here,
 * its period, its last run (counts, or a failure's type and message), next due time and the lease holder,
 * read from the lease table, so a run by another instance (a second vault on the same tables, instance
 * {@code instance-b}) shows as that instance's. One subclass per database.
 */
@SpringBootTest(classes = {TestApp.class, EndpointSchedulerTest.SchedulerBeans.class}, properties = {
    "fieldvault.keys.refresh-interval=0s", "fieldvault.rotation.promotion-delay=0s",
    "fieldvault.secrets.create-stores=sched",
    "fieldvault.secrets.schedule.cleanup-expired.every=1h", "fieldvault.secrets.schedule.cleanup-expired.retention=0s",
    "fieldvault.secrets.schedule.rotations.every=1h",
    "fieldvault.secrets.schedule.expiry-warnings.every=1h", "fieldvault.secrets.schedule.expiry-warnings.ahead=1d",
    "fieldvault.secrets.schedule.instance-id=instance-a"})
// a context of its own, never reused: closed after the class, so its pool's connections and its scheduler do not
// stay open beside the cached contexts of the suite (the databases' connection limits are shared)
@DirtiesContext
abstract class EndpointSchedulerTest {

  static final String PREFIX = "sbe_";
  private static final String VALUE = "endpoint-test-value-never-shown";

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, PREFIX);
    Tables.properties(db, PREFIX).forEach((k, v) -> registry.add(k, () -> v));
  }

  /** An expiry listener (the schedule warns), and a rotation policy whose store does not exist: its task fails. */
  @TestConfiguration(proxyBeanMethods = false)
  static class SchedulerBeans {
    @Bean
    ExpiryListener expiryListener() {
      return warning -> { };
    }

    @Bean
    SecretsVaultCustomizer failingRotationPolicy() {
      return builder -> builder.rotationPolicy("no-such-store", null, Duration.ofSeconds(1),
          (name, current) -> current);
    }
  }

  @Autowired FieldVaultEndpoint endpoint;
  @Autowired SecretsVault vault;
  @Autowired FieldVaultKeys keys;
  @Autowired DataSource dataSource;

  @SuppressWarnings("unchecked")
  private Map<String, Object> scheduler() {
    return (Map<String, Object>) endpoint.report().get("secretsScheduler");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> task(ScheduledTask task) {
    for (Map<String, Object> t : (List<Map<String, Object>>) scheduler().get("tasks")) {
      if (t.get("task").equals(task.name())) {
        return t;
      }
    }
    throw new AssertionError("no task " + task + " in " + scheduler());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> result(Map<String, Object> task) {
    return (Map<String, Object>) task.get("lastResult");
  }

  @Test
  void eachTask_periodLastRunOutcomeNextRunAndLeaseHolder_fromTheLeaseTable() throws Exception {
    awaitFirstRuns();
    vault.store("sched").put("expired", SecretValue.ofString(VALUE),
        PutOptions.builder().expiresAt(Instant.now().minus(Duration.ofHours(1))).build());
    assertThat(vault.runNow(ScheduledTask.CLEANUP_EXPIRED)).as("run here, now").isPresent();
    Map<String, Object> cleanup = task(ScheduledTask.CLEANUP_EXPIRED);
    Map<String, Object> rotations = task(ScheduledTask.ROTATIONS);

    assertThat(scheduler().get("enabled")).isEqualTo(true);
    assertThat(cleanup).containsEntry("enabled", true).containsEntry("every", "PT1H")
        .containsEntry("lastOutcome", "OK").containsEntry("lastRunBy", "instance-a")
        .containsEntry("leaseHolder", null).containsEntry("runningHere", false);
    assertThat(result(cleanup)).containsEntry("changed", 1L).containsEntry("skipped", 0L);
    assertThat((Long) result(cleanup).get("scanned")).isPositive();
    Instant started = Instant.parse((String) cleanup.get("lastStartedAt"));
    Instant finished = Instant.parse((String) cleanup.get("lastFinishedAt"));
    assertThat(finished).isAfterOrEqualTo(started);
    assertThat(Instant.parse((String) cleanup.get("nextRunAt"))).isEqualTo(finished.plus(Duration.ofHours(1)));
    // the failed run: the error's type and FieldVault's message
    assertThat(rotations).containsEntry("lastOutcome", "FAILED").containsEntry("lastRunBy", "instance-a");
    assertThat(result(rotations)).containsEntry("errorType", "dev.fieldvault.secrets.SecretStoreNotFoundException");
    assertThat((String) result(rotations).get("message")).contains("no-such-store");
    // tasks without a period here
    assertThat(task(ScheduledTask.PURGE_EVENTS)).containsExactly(Map.entry("task", "PURGE_EVENTS"),
        Map.entry("enabled", false));
    assertThat(task(ScheduledTask.PRUNE_VERSIONS)).containsEntry("enabled", false).doesNotContainKey("every");

    // another instance on the same tables runs the expiry warnings: its lease, then its run, as the database has them
    vault.store("sched").put("cert", SecretValue.ofString(VALUE), PutOptions.builder().ttl(Duration.ofHours(6)).build());
    CountDownLatch warning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (SecretsVault other = SecretsVault.builder(dataSource, keys.cipher()).tablePrefix(PREFIX + "secret_")
        .schedule(VaultSchedule.builder().expiryWarnings(Duration.ofHours(1), Duration.ofDays(1))
            .instanceId("instance-b").build())
        .expiryListener(w -> {
          warning.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }).build()) {
      CompletableFuture<?> run = CompletableFuture.runAsync(() -> other.runNow(ScheduledTask.EXPIRY_WARNINGS));
      assertThat(warning.await(60, TimeUnit.SECONDS)).as("instance-b warns").isTrue();
      Map<String, Object> held = task(ScheduledTask.EXPIRY_WARNINGS);
      release.countDown();
      run.get(60, TimeUnit.SECONDS);
      Map<String, Object> done = task(ScheduledTask.EXPIRY_WARNINGS);

      assertThat(held).containsEntry("leaseHolder", "instance-b").containsEntry("runningHere", false)
          .containsEntry("lastRunBy", "instance-a");
      assertThat(Instant.parse((String) held.get("leaseUntil"))).isAfter(Instant.now());
      assertThat(done).containsEntry("leaseHolder", null).containsEntry("leaseUntil", null)
          .containsEntry("lastRunBy", "instance-b").containsEntry("lastOutcome", "OK");
      assertThat(result(done)).containsEntry("changed", 1L);
    } finally {
      release.countDown();
    }
    assertThat(String.valueOf(endpoint.report())).doesNotContain(VALUE);
  }

  @Test
  void anUnreadableLeaseTable_isReportedInTheSection_andTheRestOfTheEndpointIsShown() throws Exception {
    awaitFirstRuns(); // not while the scheduler's first runs read the table
    String table = PREFIX + "secret_task_lease";
    exec("ALTER TABLE " + table + " RENAME TO " + table + "_away");
    Map<String, Object> report;
    try {
      report = endpoint.report();
    } finally {
      exec("ALTER TABLE " + table + "_away RENAME TO " + table);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> section = (Map<String, Object>) report.get("secretsScheduler");

    assertThat(section).containsOnlyKeys("error");
    assertThat((String) section.get("error")).contains(table).contains("changelog");
    assertThat(report).containsKeys("kek", "keysets");
    assertThat(scheduler()).containsKeys("enabled", "tasks");
  }

  /** The scheduler started with the context: each configured task runs once (due at start). */
  /** enabled says whether this instance schedules now: a stopped scheduler runs nothing here (review finding). */
  @Test
  void aStoppedScheduler_showsItsTasksAsNotEnabled_andEnabledAgainOnceStarted() {
    vault.stopScheduler();
    Map<String, Object> stopped;
    Map<String, Object> cleanupStopped;
    try {
      stopped = scheduler();
      cleanupStopped = task(ScheduledTask.CLEANUP_EXPIRED);
    } finally {
      vault.startScheduler();
    }
    assertThat(stopped.get("enabled")).isEqualTo(false);
    assertThat(cleanupStopped).containsEntry("enabled", false).containsEntry("every", "PT1H");
    assertThat(scheduler().get("enabled")).isEqualTo(true);
    assertThat(task(ScheduledTask.CLEANUP_EXPIRED)).containsEntry("enabled", true);
  }

  private void awaitFirstRuns() throws InterruptedException {
    await("the first runs", () -> !"NEVER_RUN".equals(task(ScheduledTask.ROTATIONS).get("lastOutcome"))
        && !"NEVER_RUN".equals(task(ScheduledTask.CLEANUP_EXPIRED).get("lastOutcome"))
        && !"NEVER_RUN".equals(task(ScheduledTask.EXPIRY_WARNINGS).get("lastOutcome")));
  }

  private void exec(String sql) throws Exception {
    try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Waits for the scheduler's first runs (started with the context); fails after a generous patience. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not seen within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
