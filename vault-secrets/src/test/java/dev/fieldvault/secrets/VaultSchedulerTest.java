package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vault's scheduler with two instances on one database (H2, PostgreSQL, MariaDB): every task's run
 * claimed by one instance, work done once, a killed instance's task taken over after its lease, expiry
 * warnings once per version. Both instances share a test clock, so "due" and "lease expired" are moved by
 * the test; the scheduler's threads poll every 200 ms of real time, and the test waits for conditions
 * with a bounded poll (never asserting on timing).
 */
class VaultSchedulerTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final Duration EVERY = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final MutableClock clock = new MutableClock();
  private final FieldCipher cipher = SecretsTestSupport.cipher(); // both instances share the keys
  private final List<SecretsVault> opened = new ArrayList<>();

  @AfterEach
  void closeVaults() {
    opened.forEach(SecretsVault::close);
  }

  private SecretsVault.Builder builder(Kind kind, String prefix) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, prefix);
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(prefix).clock(clock);
  }

  private SecretsVault open(SecretsVault.Builder b) {
    SecretsVault v = b.build();
    opened.add(v);
    return v;
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void twoInstances_rotateEachDueEntryOnce_periodAfterPeriod(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-rot");
    AtomicInteger calls = new AtomicInteger();
    List<RotationListener.Rotation> rotations = new CopyOnWriteArrayList<>();
    VaultSchedule.Builder schedule = VaultSchedule.builder().rotations(EVERY).lease(Duration.ofHours(1));
    SecretsVault[] vaults = new SecretsVault[2];
    for (int i = 0; i < 2; i++) {
      vaults[i] = open(builder(kind, "sv_sch_rot_")
          .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) -> {
            calls.incrementAndGet();
            return SecretValue.ofString(current.asString() + "+");
          })
          .rotationListener(rotations::add)
          .schedule(schedule.instanceId("rot-" + i).build()));
    }
    SecretStore s = vaults[0].createStore(ns, null, StoreOptions.DEFAULT);
    for (int i = 1; i <= 5; i++) {
      s.put("k" + i, SecretValue.ofString("v" + i));
    }
    clock.advance(Duration.ofDays(31));

    vaults[0].startScheduler();
    vaults[1].startScheduler();
    awaitTicking(() -> allAtVersion(s, 5, 2), "every due entry rotated");
    Instant firstPass = clock.instant();
    // more periods pass (each run ends before the clock moves on): both instances poll, nothing is due
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(1));
      awaitRunStartedAt(vaults[1], ScheduledTask.ROTATIONS, clock.instant());
    }

    assertThat(calls).hasValue(5);
    assertThat(rotations).hasSize(5);
    assertThat(allAtVersion(s, 5, 2)).isTrue();
    assertThat(s.get("k3").value().asString()).isEqualTo("v3+");
    TaskStatus st = status(vaults[0], ScheduledTask.ROTATIONS);
    assertThat(st.lastOutcome()).isEqualTo(TaskStatus.Outcome.OK);
    assertThat(st.lastRunBy()).isIn("rot-0", "rot-1");
    assertThat(st.lastStartedAt()).isAfter(firstPass);
    assertThat(st.nextRunAt()).isEqualTo(st.lastFinishedAt().plus(EVERY));
    assertThat(st.every()).isEqualTo(EVERY);

    clock.advance(Duration.ofDays(31)); // the next rotation period: each entry once more
    awaitTicking(() -> allAtVersion(s, 5, 3), "every entry rotated again");
    clock.advance(Duration.ofSeconds(1));
    awaitRunStartedAt(vaults[0], ScheduledTask.ROTATIONS, clock.instant());
    assertThat(calls).hasValue(10);
    assertThat(rotations).hasSize(10);
    assertThat(s.get("k1").value().asString()).isEqualTo("v1++");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void killedInstance_keepsItsLeaseUntilItExpires_thenTheOtherTakesOver_nothingDoneTwice(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-kill");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger callsA = new AtomicInteger();
    AtomicInteger callsB = new AtomicInteger();
    List<RotationListener.Rotation> heardB = new CopyOnWriteArrayList<>();
    VaultSchedule.Builder schedule = VaultSchedule.builder().rotations(EVERY).lease(Duration.ofSeconds(60));
    SecretsVault a = open(builder(kind, "sv_sch_kill_")
        .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) -> {
          callsA.incrementAndGet();
          entered.countDown();
          awaitUninterruptibly(release); // instance A hangs in its first entry, then "dies"
          return SecretValue.ofString("from-a");
        })
        .schedule(schedule.instanceId("inst-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_kill_")
        .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) -> {
          callsB.incrementAndGet();
          return SecretValue.ofString("from-b");
        })
        .rotationListener(heardB::add)
        .schedule(schedule.instanceId("inst-b").build()));
    SecretStore s = a.createStore(ns, null, StoreOptions.DEFAULT);
    for (int i = 1; i <= 4; i++) {
      s.put("k" + i, SecretValue.ofString("v" + i));
    }
    clock.advance(Duration.ofDays(31));

    a.startScheduler();
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    b.startScheduler();
    clock.advance(Duration.ofSeconds(5)); // due again, but A's lease (60 s) holds
    long before = b.scheduler().claimAttempts();
    await(() -> b.scheduler().claimAttempts() >= before + 5, "B polled while A held the lease");
    assertThat(callsB).hasValue(0);
    assertThat(status(b, ScheduledTask.ROTATIONS).leaseHolder()).isEqualTo("inst-a");

    a.scheduler().kill(); // as if A's process died: no release, no renewal
    a.close();
    clock.advance(Duration.ofSeconds(61));
    await(() -> allAtVersion(SecretsStoreOf(b, ns), 4, 2), "B took over after the lease and rotated everything");
    release.countDown(); // A's hung thread wakes up in a closed vault: it writes nothing
    await(() -> !a.scheduler().running(ScheduledTask.ROTATIONS), "A's abandoned run ended");

    SecretStore sb = SecretsStoreOf(b, ns);
    assertThat(allAtVersion(sb, 4, 2)).isTrue();
    for (int i = 1; i <= 4; i++) {
      assertThat(sb.get("k" + i).value().asString()).isEqualTo("from-b");
    }
    assertThat(callsA).hasValue(1);
    assertThat(callsB).hasValue(4);
    assertThat(heardB).extracting(RotationListener.Rotation::name).containsExactlyInAnyOrder("k1", "k2", "k3", "k4");
    TaskStatus st = status(b, ScheduledTask.ROTATIONS);
    assertThat(st.lastRunBy()).isEqualTo("inst-b");
    assertThat(st.lastOutcome()).isEqualTo(TaskStatus.Outcome.OK);
    assertThat(st.lastDetail()).isEqualTo("scanned 4, changed 4, skipped 0");
    assertThat(st.leaseHolder()).isNull();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void runningInstance_renewsItsLease_soAnotherNeverTakesALiveRun(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-renew");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger callsB = new AtomicInteger();
    Duration lease = Duration.ofSeconds(1);
    VaultSchedule.Builder schedule = VaultSchedule.builder().rotations(EVERY).lease(lease);
    SecretsVault a = open(builder(kind, "sv_sch_renew_")
        .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) -> {
          entered.countDown();
          awaitUninterruptibly(release);
          return SecretValue.ofString("from-a");
        })
        .schedule(schedule.instanceId("renew-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_renew_")
        .rotationPolicy(ns, null, Duration.ofDays(30), (name, current) -> {
          callsB.incrementAndGet();
          return SecretValue.ofString("from-b");
        })
        .schedule(schedule.instanceId("renew-b").build()));
    SecretStore s = a.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k1", SecretValue.ofString("v"));
    clock.advance(Duration.ofDays(31));
    a.startScheduler();
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    b.startScheduler();

    // five leases' worth of time passes while A runs: each step A renews, and B's polls find it held
    for (int i = 0; i < 8; i++) {
      clock.advance(Duration.ofMillis(700));
      Instant now = clock.instant();
      await(() -> {
        TaskStatus st = status(b, ScheduledTask.ROTATIONS);
        return st.leaseUntil() != null && !st.leaseUntil().isBefore(now.plus(lease));
      }, "A renewed its lease after the clock moved");
      long polled = b.scheduler().claimAttempts();
      await(() -> b.scheduler().claimAttempts() >= polled + 2, "B polled");
      assertThat(status(b, ScheduledTask.ROTATIONS).leaseHolder()).isEqualTo("renew-a");
    }
    assertThat(callsB).hasValue(0);

    release.countDown(); // A ends its run and releases: B finds nothing due
    await(() -> status(b, ScheduledTask.ROTATIONS).leaseHolder() == null, "A released");
    assertThat(status(b, ScheduledTask.ROTATIONS).lastRunBy()).isEqualTo("renew-a");
    assertThat(s.get("k1").value().asString()).isEqualTo("from-a");
    assertThat(s.get("k1").version()).isEqualTo(2);
    assertThat(callsB).hasValue(0);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void twoInstances_cleanUpExpiredEntriesOnce_andRevokeEachDynamicSecretOnce(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-clean");
    Map<String, AtomicInteger> revoked = new ConcurrentHashMap<>();
    DynamicSecretGenerator generator = new DynamicSecretGenerator() {
      @Override
      public SecretValue generate(String name, Duration ttl) {
        return SecretValue.ofString("cred-" + name);
      }

      @Override
      public void revoke(String name, SecretValue value) {
        revoked.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        try {
          Thread.sleep(30); // a slow revocation keeps the run going while the other instance polls
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    VaultSchedule.Builder schedule = VaultSchedule.builder().cleanupExpired(EVERY, Duration.ofHours(1))
        .lease(Duration.ofHours(1));
    SecretsVault a = open(builder(kind, "sv_sch_cln_").dynamicSecrets("db", generator)
        .schedule(schedule.instanceId("cln-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_cln_").dynamicSecrets("db", generator)
        .schedule(schedule.instanceId("cln-b").build()));
    SecretStore s = a.createStore(ns, null, StoreOptions.DEFAULT);
    List<String> dynamic = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      s.put("plain" + i, SecretValue.ofString("p"), PutOptions.builder().ttl(Duration.ofMinutes(1)).build());
      dynamic.add(s.issue("db", Duration.ofMinutes(1)).name());
    }
    s.put("kept", SecretValue.ofString("k"), PutOptions.builder().ttl(Duration.ofDays(10)).build());
    clock.advance(Duration.ofHours(2));

    a.startScheduler();
    b.startScheduler();
    awaitTicking(() -> s.counts().entries() == 1, "expired entries cleaned up");
    for (int i = 0; i < 3; i++) { // later periods: both poll, nothing left to do
      clock.advance(Duration.ofSeconds(1));
      awaitRunStartedAt(a, ScheduledTask.CLEANUP_EXPIRED, clock.instant());
    }

    assertThat(revoked.keySet()).containsExactlyInAnyOrderElementsOf(dynamic);
    assertThat(revoked.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    assertThat(s.get("kept").status()).isEqualTo(Status.OK);
    assertThat(events(a, ns, AuditAction.EXPIRED_CLEANUP)).containsExactlyInAnyOrder("plain0", "plain1", "plain2",
        "plain3");
    assertThat(events(a, ns, AuditAction.DYNAMIC_REVOKED)).containsExactlyInAnyOrderElementsOf(dynamic);
    assertThat(a.verifyAuditChain().intact()).isTrue();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void scheduledPurgeAndPruning_runOnTheirOwn_andTheChainStillVerifies(Kind kind) throws Exception {
    String oldNs = SecretsTestSupport.unique("sched-old");
    String newNs = SecretsTestSupport.unique("sched-new");
    VaultSchedule.Builder schedule = VaultSchedule.builder().purgeEvents(EVERY, Duration.ofDays(1))
        .pruneVersions(EVERY).lease(Duration.ofHours(1));
    SecretsVault a = open(builder(kind, "sv_sch_prg_").schedule(schedule.instanceId("prg-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_prg_").schedule(schedule.instanceId("prg-b").build()));
    SecretStore old = a.createStore(oldNs, null, StoreOptions.DEFAULT.withVersionMaxAge(Duration.ofDays(7)));
    for (int i = 1; i <= 3; i++) {
      old.put("cfg", SecretValue.ofString("v" + i));
    }
    clock.advance(Duration.ofDays(8));
    SecretStore fresh = a.createStore(newNs, null, StoreOptions.DEFAULT);
    fresh.put("x", SecretValue.ofString("y"));

    Instant cutoff = clock.instant().minus(Duration.ofDays(1));
    assertThat(events(a, oldNs, null)).hasSize(4); // created, 3 puts
    a.startScheduler();
    b.startScheduler();
    // the pruning appends a fresh VERSIONS_PRUNED event of the old store: only events before the cutoff go
    awaitTicking(() -> eventsOf(a, oldNs).stream().allMatch(e -> e.at().isAfter(cutoff)), "old events purged");
    awaitTicking(() -> old.versions("cfg").size() == 1, "old versions pruned");

    assertThat(events(a, newNs, null)).isNotEmpty();
    assertThat(old.get("cfg").value().asString()).isEqualTo("v3");
    assertThat(events(a, oldNs, AuditAction.VERSIONS_PRUNED)).hasSize(1);
    assertThat(eventsOf(a, oldNs)).allSatisfy(e -> assertThat(e.at()).isAfter(cutoff)); // pruned event, reads
    assertThat(a.verifyAuditChain().intact()).isTrue();
    for (ScheduledTask t : List.of(ScheduledTask.PURGE_EVENTS, ScheduledTask.PRUNE_VERSIONS)) {
      TaskStatus st = status(b, t);
      assertThat(st.lastOutcome()).isEqualTo(TaskStatus.Outcome.OK);
      assertThat(st.lastRunBy()).isIn("prg-a", "prg-b");
    }
    assertThat(status(a, ScheduledTask.PRUNE_VERSIONS).lastDetail()).startsWith("scanned ");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void expiryWarnings_fireOncePerVersionAndExpiry_acrossInstances(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-exp");
    String sealedNs = SecretsTestSupport.unique("sched-sealed");
    List<ExpiryListener.Warning> heard = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger(1); // the first call fails: the warning is sent again later
    ExpiryListener flaky = w -> {
      if (w.name().equals("flaky") && failures.getAndDecrement() > 0) {
        throw new IllegalStateException("mail server down");
      }
      heard.add(w);
    };
    VaultSchedule.Builder schedule = VaultSchedule.builder().expiryWarnings(EVERY, Duration.ofDays(7))
        .lease(Duration.ofHours(1));
    DynamicSecretGenerator gen = new DynamicSecretGenerator() {
      @Override
      public SecretValue generate(String name, Duration ttl) {
        return SecretValue.ofString("c");
      }

      @Override
      public void revoke(String name, SecretValue value) {}
    };
    SecretsVault a = open(builder(kind, "sv_sch_exp_").expiryListener(flaky).dynamicSecrets("db", gen)
        .schedule(schedule.instanceId("exp-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_exp_").expiryListener(flaky).dynamicSecrets("db", gen)
        .schedule(schedule.instanceId("exp-b").build()));
    SecretStore s = a.createStore(ns, "acme", StoreOptions.DEFAULT);
    s.put("soon", Secrets.apiKey("SECRET-VALUE"), PutOptions.builder().ttl(Duration.ofDays(3))
        .metadata(Map.of("owner", "team-a")).build());
    s.put("flaky", SecretValue.ofString("SECRET-VALUE"), PutOptions.builder().ttl(Duration.ofDays(2)).build());
    s.put("later", SecretValue.ofString("SECRET-VALUE"), PutOptions.builder().ttl(Duration.ofDays(30)).build());
    s.put("never", SecretValue.ofString("SECRET-VALUE"));
    s.issue("db", Duration.ofDays(1)); // a dynamic secret: revoked at expiry, not warned about
    a.createStore(sealedNs, null, StoreOptions.sealedStore());
    SecretStore sealed = a.store(sealedNs).withSecret("a-caller-secret-of-16+ bytes");
    sealed.put("2fa", SecretValue.ofString("SECRET-VALUE"), PutOptions.builder().ttl(Duration.ofDays(1)).build());

    a.startScheduler();
    b.startScheduler();
    awaitTicking(() -> heard.size() >= 3, "warnings for soon, flaky (second try) and the sealed entry");
    for (int i = 0; i < 3; i++) { // later runs on both instances warn about nothing new
      clock.advance(Duration.ofSeconds(1));
      awaitRunStartedAt(b, ScheduledTask.EXPIRY_WARNINGS, clock.instant());
    }

    assertThat(heard).hasSize(3);
    assertThat(failures.get()).isNegative(); // flaky: failed once, told once more
    ExpiryListener.Warning soon = warning(heard, "soon");
    assertThat(soon.namespace()).isEqualTo(ns);
    assertThat(soon.tenant()).isEqualTo("acme");
    assertThat(soon.version()).isEqualTo(1);
    assertThat(soon.expiresAt()).isEqualTo(s.get("soon").expiresAt());
    assertThat(soon.id()).isEqualTo(s.info("soon").orElseThrow().id());
    assertThat(soon.metadata()).containsEntry("owner", "team-a");
    assertThat(soon.sealed()).isFalse();
    assertThat(soon.kind()).isEqualTo(SecretKind.API_KEY);
    assertThat(warning(heard, "flaky").kind()).isEqualTo(SecretKind.GENERIC);
    assertThat(soon.toString()).doesNotContain("SECRET-VALUE");
    ExpiryListener.Warning sealedWarning = heard.stream().filter(ExpiryListener.Warning::sealed).findFirst().orElseThrow();
    assertThat(sealedWarning.namespace()).isEqualTo(sealedNs);
    assertThat(sealedWarning.name()).isNotEqualTo("2fa"); // the keyed hash, as in audit events
    assertThat(sealedWarning.metadata()).isEmpty();
    assertThat(sealedWarning.kind()).isEqualTo(SecretKind.GENERIC); // a sealed store keeps no plaintext kind

    // a new version warns again; so does a new expiry of the same version (update)
    s.put("soon", SecretValue.ofString("SECRET-VALUE-2"), PutOptions.builder().ttl(Duration.ofDays(4)).build());
    awaitTicking(() -> heard.size() == 4, "the new version warned about");
    assertThat(heard.get(3).name()).isEqualTo("soon");
    assertThat(heard.get(3).version()).isEqualTo(2);
    s.update("soon", PutOptions.builder().ttl(Duration.ofDays(6)).build());
    awaitTicking(() -> heard.size() == 5, "the new expiry warned about");
    assertThat(heard.get(4).version()).isEqualTo(2);
    assertThat(heard.get(4).expiresAt()).isEqualTo(s.get("soon").expiresAt());

    clock.advance(Duration.ofDays(24)); // "later" (30 days) is now within the 7-day window
    awaitTicking(() -> heard.size() == 6, "later warned about");
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(1));
      awaitRunStartedAt(a, ScheduledTask.EXPIRY_WARNINGS, clock.instant());
    }
    assertThat(heard).extracting(ExpiryListener.Warning::name).filteredOn("later"::equals).hasSize(1);
    assertThat(heard).hasSize(6);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void failingTask_isRecordedAndRetried_runNowAndStatus(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-api");
    AtomicInteger calls = new AtomicInteger();
    SecretsVault v = open(builder(kind, "sv_sch_api_")
        .rotationPolicy(ns, null, Duration.ofDays(1), (name, cur) -> {
          calls.incrementAndGet();
          return SecretValue.ofString("n");
        })
        .schedule(VaultSchedule.builder().rotations(EVERY).pruneVersions(Duration.ofDays(365)).instanceId("api")
            .build()));
    assertThat(v.schedulerStatus()).extracting(TaskStatus::lastOutcome)
        .containsOnly(TaskStatus.Outcome.NEVER_RUN);

    // the policy's store does not exist yet: the task fails, is recorded, and the scheduler keeps going
    v.startScheduler();
    await(() -> status(v, ScheduledTask.ROTATIONS).lastOutcome() == TaskStatus.Outcome.FAILED, "a failed run");
    await(() -> status(v, ScheduledTask.PRUNE_VERSIONS).lastOutcome() == TaskStatus.Outcome.OK, "first prune");
    TaskStatus failed = status(v, ScheduledTask.ROTATIONS);
    assertThat(failed.lastDetail()).startsWith(SecretStoreNotFoundException.class.getName());
    SecretStore s = v.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k", SecretValue.ofString("v"));
    clock.advance(Duration.ofDays(2));
    await(() -> s.get("k").version() == 2, "the next period ran again and rotated");
    await(() -> status(v, ScheduledTask.ROTATIONS).lastOutcome() == TaskStatus.Outcome.OK, "recorded OK");

    // runNow: runs a task that is not due, on the caller's thread, and moves its next run
    TaskStatus before = status(v, ScheduledTask.PRUNE_VERSIONS);
    clock.advance(Duration.ofMinutes(1));
    MaintenanceReport r = v.runNow(ScheduledTask.PRUNE_VERSIONS).orElseThrow();
    assertThat(r.scanned()).isGreaterThanOrEqualTo(1); // stores scanned
    TaskStatus after = status(v, ScheduledTask.PRUNE_VERSIONS);
    assertThat(after.lastStartedAt()).isEqualTo(clock.instant());
    assertThat(after.nextRunAt()).isEqualTo(clock.instant().plus(Duration.ofDays(365)));
    assertThat(after.lastRunBy()).isEqualTo("api");
    assertThat(after.lastStartedAt()).isAfter(before.lastStartedAt());
    assertThatThrownBy(() -> v.runNow(ScheduledTask.PURGE_EVENTS)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("PURGE_EVENTS is not in this vault's schedule");
    assertThat(calls).hasValue(1);

    v.close(); // stops the scheduler; operations are refused
    assertThatThrownBy(v::schedulerStatus).isInstanceOf(SecretsVaultClosedException.class);
    assertThatThrownBy(() -> v.runNow(ScheduledTask.ROTATIONS)).isInstanceOf(SecretsVaultClosedException.class);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void closedInstance_releasesItsLease_soAnotherRunsTheTaskWithoutWaitingForIt(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-close");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    VaultSchedule.Builder schedule = VaultSchedule.builder().rotations(EVERY).lease(Duration.ofMinutes(30))
        .stopWait(Duration.ofSeconds(30));
    SecretsVault a = open(builder(kind, "sv_sch_cls_")
        .rotationPolicy(ns, null, Duration.ofDays(1), (name, cur) -> {
          entered.countDown();
          awaitUninterruptibly(release);
          return SecretValue.ofString("from-a");
        })
        .schedule(schedule.instanceId("cls-a").build()));
    SecretsVault b = open(builder(kind, "sv_sch_cls_")
        .rotationPolicy(ns, null, Duration.ofDays(1), (name, cur) -> SecretValue.ofString("from-b"))
        .schedule(schedule.instanceId("cls-b").build()));
    SecretStore s = a.createStore(ns, null, StoreOptions.DEFAULT);
    s.put("k1", SecretValue.ofString("v"));
    s.put("k2", SecretValue.ofString("v"));
    clock.advance(Duration.ofDays(2));
    a.startScheduler();
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(a::close); // close() waits for the running task (up to stopWait)
    closer.start();
    release.countDown();
    closer.join(WAIT.toMillis());
    assertThat(closer.isAlive()).isFalse();
    SecretStore sb = SecretsStoreOf(b, ns);
    TaskStatus afterA = status(b, ScheduledTask.ROTATIONS);
    assertThat(afterA.lastRunBy()).isEqualTo("cls-a");
    assertThat(afterA.leaseHolder()).isNull(); // released, although the lease would hold for 30 minutes
    assertThat(sb.get("k1").version()).isEqualTo(2);

    clock.advance(Duration.ofDays(2)); // due again: B runs it with A gone, well before A's lease would expire
    b.startScheduler();
    await(() -> sb.get("k1").version() == 3 && sb.get("k2").version() >= 2, "B rotated");
    assertThat(sb.get("k1").value().asString()).isEqualTo("from-b");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void runNow_withoutStartingTheScheduler_runsTheTaskAndRecordsIt(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sched-now");
    SecretsVault v = open(builder(kind, "sv_sch_now_")
        .schedule(VaultSchedule.builder().purgeEvents(Duration.ofHours(1), Duration.ofDays(1)).instanceId("now")
            .build()));
    v.createStore(ns, null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"));
    clock.advance(Duration.ofDays(2));

    MaintenanceReport r = v.runNow(ScheduledTask.PURGE_EVENTS).orElseThrow();

    assertThat(v.scheduler().started()).isFalse();
    assertThat(r.changed()).isGreaterThanOrEqualTo(2); // at least this test's store and put events
    assertThat(events(v, ns, null)).isEmpty();
    TaskStatus st = status(v, ScheduledTask.PURGE_EVENTS);
    assertThat(st.lastOutcome()).isEqualTo(TaskStatus.Outcome.OK);
    assertThat(st.lastDetail()).isEqualTo("scanned " + r.scanned() + ", changed " + r.changed() + ", skipped 0");
    assertThat(st.nextRunAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(st.runningHere()).isFalse();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void plainSqlSchema_hasTheSchedulerTables(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, "sv_sch_sql_");
    String file = "secrets-schema-" + SecretsSchemaTest.fileSuffix(kind) + ".sql";
    SecretsSchemaTest.runScript(db, file, "fv_secret_", "sv_sch_sql_");
    SecretsSchemaTest.runScript(db, file, "fv_secret_", "sv_sch_sql_"); // again: changes nothing
    List<ExpiryListener.Warning> heard = new CopyOnWriteArrayList<>();
    SecretsVault v = open(SecretsVault.builder(db.dataSource(), cipher).tablePrefix("sv_sch_sql_").clock(clock)
        .expiryListener(heard::add)
        .schedule(VaultSchedule.builder().expiryWarnings(Duration.ofHours(1), Duration.ofDays(1)).build()));
    v.createStore("n", null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"),
        PutOptions.builder().ttl(Duration.ofHours(2)).build());

    assertThat(v.runNow(ScheduledTask.EXPIRY_WARNINGS).orElseThrow().changed()).isEqualTo(1);
    assertThat(v.runNow(ScheduledTask.EXPIRY_WARNINGS).orElseThrow().changed()).isZero();
    assertThat(heard).extracting(ExpiryListener.Warning::name).containsExactly("k");
    assertThat(status(v, ScheduledTask.EXPIRY_WARNINGS).lastOutcome()).isEqualTo(TaskStatus.Outcome.OK);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void missingLeaseTable_isATypedErrorThatSaysWhatToDo(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, "sv_sch_none_");
    db.dropTables("sv_sch_none_task_lease");
    try {
      SecretsVault v = open(SecretsVault.builder(db.dataSource(), cipher).tablePrefix("sv_sch_none_")
          .schedule(VaultSchedule.builder().pruneVersions(EVERY).build()));
      assertThatThrownBy(v::startScheduler).isInstanceOf(SecretsStorageException.class)
          .hasMessageContaining("sv_sch_none_task_lease")
          .hasMessageContaining("apply the latest db/changelog/fieldvault/secrets-changelog.xml");
    } finally {
      SecretsTestSupport.dropAll(db, "sv_sch_none_"); // the next run migrates it afresh
    }
  }

  @Test
  void scheduleSettings_areValidated() {
    TestDatabase h2 = SecretsTestSupport.db(Kind.H2);
    assertThatThrownBy(() -> VaultSchedule.builder().build()).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("at least one task");
    assertThatThrownBy(() -> VaultSchedule.builder().rotations(Duration.ofMillis(10)))
        .hasMessageContaining("ROTATIONS must be 100 ms to 365 days");
    assertThatThrownBy(() -> VaultSchedule.builder().cleanupExpired(EVERY, Duration.ofDays(-1)))
        .hasMessageContaining("negative retention");
    assertThatThrownBy(() -> VaultSchedule.builder().lease(Duration.ofMillis(500))).hasMessageContaining("lease");
    assertThatThrownBy(() -> VaultSchedule.builder().expiryWarnings(EVERY, Duration.ZERO))
        .hasMessageContaining("warning window");
    assertThatThrownBy(() -> VaultSchedule.builder().instanceId(" ")).isInstanceOf(VaultConfigurationException.class);
    assertThatThrownBy(() -> SecretsVault.builder(h2.dataSource(), cipher)
        .schedule(VaultSchedule.builder().expiryWarnings(EVERY, Duration.ofDays(1)).build()).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("no ExpiryListener");
    SecretsVault none = open(SecretsVault.builder(h2.dataSource(), cipher));
    assertThatThrownBy(none::startScheduler).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("Builder#schedule");
    assertThat(none.schedulerStatus()).isEmpty();
    VaultSchedule a = VaultSchedule.builder().pruneVersions(EVERY).build();
    VaultSchedule b = VaultSchedule.builder().pruneVersions(EVERY).build();
    assertThat(a.instanceId()).isNotEqualTo(b.instanceId());
  }

  // ---------------------------------------------------------------------------------------------

  private static SecretStore SecretsStoreOf(SecretsVault v, String ns) {
    return v.store(ns);
  }

  private static boolean allAtVersion(SecretStore s, int n, long version) {
    for (int i = 1; i <= n; i++) {
      if (s.get("k" + i).version() != version) {
        return false;
      }
    }
    return true;
  }

  private static TaskStatus status(SecretsVault v, ScheduledTask task) {
    return v.schedulerStatus().stream().filter(t -> t.task() == task).findFirst().orElseThrow();
  }

  private static ExpiryListener.Warning warning(List<ExpiryListener.Warning> heard, String name) {
    List<ExpiryListener.Warning> found = heard.stream().filter(w -> w.name().equals(name)).toList();
    assertThat(found).as("warnings for " + name).hasSize(1);
    return found.get(0);
  }

  private static List<AuditEvent> eventsOf(SecretsVault v, String ns) {
    return v.auditEvents(AuditQuery.all().namespace(ns, null).limit(1000)).items();
  }

  private static List<String> events(SecretsVault v, String ns, AuditAction action) {
    AuditQuery q = AuditQuery.all().namespace(ns, null).limit(1000);
    if (action != null) {
      q = q.action(action);
    }
    return v.auditEvents(q).items().stream().map(AuditEvent::name).toList();
  }

  /**
   * Waits until a run of the task that started at or after {@code at} (by either instance) has finished;
   * the clock keeps moving meanwhile, so a run still going at {@code at} (due again only later) does not
   * stall the wait.
   */
  private void awaitRunStartedAt(SecretsVault v, ScheduledTask task, Instant at) {
    try {
      awaitTicking(() -> {
        TaskStatus st = status(v, task);
        return st.lastStartedAt() != null && !st.lastStartedAt().isBefore(at) && st.leaseHolder() == null
            && st.lastFinishedAt() != null && !st.lastFinishedAt().isBefore(st.lastStartedAt());
      }, task + " ran after the clock moved (at " + at + ")");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nstatus now: " + status(v, task), e);
    }
  }

  /**
   * Waits for a condition while the shared clock moves 250 ms per poll (more than a period, so a task is
   * due again at every step: both instances keep polling and claiming while the test waits).
   */
  private void awaitTicking(BooleanSupplier condition, String what) {
    await(() -> {
      if (condition.getAsBoolean()) {
        return true;
      }
      clock.advance(Duration.ofMillis(250));
      return false;
    }, what);
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder threads = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
          if (t.getName().startsWith("fieldvault-scheduler")) {
            threads.append('\n').append(t.getName()).append(' ').append(t.getState());
            for (int i = 0; i < Math.min(stack.length, 25); i++) {
              threads.append("\n    at ").append(stack[i]);
            }
          }
        });
        throw new AssertionError("Timed out after " + WAIT + " waiting for: " + what + threads);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
