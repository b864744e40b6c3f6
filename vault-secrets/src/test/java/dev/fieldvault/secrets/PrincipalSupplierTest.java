package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SecretsVault.Builder#principal}: a handle without {@code as(...)} acts, at each operation, for the
 * principal the supplier returns on the calling thread; on H2, PostgreSQL and MariaDB.
 */
class PrincipalSupplierTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String P = "svpr_";

  private static SecretsVault.Builder builder(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P);
  }

  private static List<AuditEvent> events(SecretsVault vault, String ns) {
    return vault.auditEvents(AuditQuery.all().namespace(ns, null).limit(1_000)).items();
  }

  /**
   * Two threads, one handle: each thread's operations are checked and audited as its own principal, also
   * while both are inside an operation at once (the policy holds both at a barrier).
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void twoThreads_oneHandle_eachOperationActsForItsOwnThreadsPrincipal(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("principals");
    ThreadLocal<String> user = new ThreadLocal<>();
    CyclicBarrier together = new CyclicBarrier(2);
    AccessRules rules = AccessRules.builder()
        .principal("alice").grant(Action.READ, Action.WRITE).onStore(ns)
        .principal("bob").grant(Action.READ).onStore(ns).namesStartingWith("shared/", "together/")
        .principal(SecretsVault.SYSTEM).grant(Action.READ, Action.WRITE).onStore(ns)
        .build();
    // checked after the rules (both must allow): only operations the rules allow meet here
    AccessPolicy rendezvous = r -> {
      if (r.name() != null && r.name().startsWith("together/") && !r.principal().equals(SecretsVault.SYSTEM)) {
        try {
          together.await(30, TimeUnit.SECONDS); // both threads are in an operation of the same handle now
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return true;
    };
    try (SecretsVault vault = builder(kind).accessRules(rules).accessPolicy(rendezvous).principal(user::get).build()) {
      vault.createStore(ns, null, StoreOptions.DEFAULT).put("shared/motd", SecretValue.ofString("hello"));
      SecretStore handle = vault.store(ns); // made once, on a thread with no user: a bean's handle
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<List<String>> alice = pool.submit(() -> as(user, "alice", () -> List.of(
            handle.put("together/a", SecretValue.ofString("a1")).status().name(),
            handle.put("alice/own", SecretValue.ofString("a2")).status().name(),
            handle.get("shared/motd").status().name(),
            handle.get("alice/own").status().name())));
        Future<List<String>> bob = pool.submit(() -> as(user, "bob", () -> List.of(
            handle.get("together/b").status().name(),
            handle.put("bob/own", SecretValue.ofString("b1")).status().name(),
            handle.get("shared/motd").status().name(),
            handle.get("alice/own").status().name(),
            String.valueOf(handle.remove("shared/motd")))));
        assertThat(alice.get(60, TimeUnit.SECONDS)).containsExactly("OK", "OK", "OK", "OK");
        // bob's get of alice/own may run before alice wrote it: refused either way, before any read
        assertThat(bob.get(60, TimeUnit.SECONDS)).containsExactly("NOT_FOUND", "ACCESS_DENIED", "OK",
            "ACCESS_DENIED", "ACCESS_DENIED");
      } finally {
        pool.shutdownNow();
      }
      // outside any thread's user: anonymous, refused by the rules
      Status anonymous = handle.get("shared/motd").status();

      List<AuditEvent> events = events(vault, ns);
      assertThat(anonymous).isEqualTo(Status.ACCESS_DENIED);
      assertThat(events).filteredOn(e -> "alice".equals(e.principal()))
          .extracting(e -> e.action() + " " + e.name() + " " + e.outcome())
          .containsExactlyInAnyOrder("CREATED together/a OK", "CREATED alice/own OK", "READ shared/motd OK",
              "READ alice/own OK");
      assertThat(events).filteredOn(e -> "bob".equals(e.principal()))
          .extracting(e -> e.action() + " " + e.name() + " " + e.outcome())
          .containsExactlyInAnyOrder("READ together/b NOT_FOUND", "CREATED bob/own ACCESS_DENIED",
              "READ shared/motd OK",
              "READ alice/own ACCESS_DENIED", "DELETED shared/motd ACCESS_DENIED");
      assertThat(events).filteredOn(e -> "anonymous".equals(e.principal()))
          .extracting(e -> e.action() + " " + e.name() + " " + e.outcome())
          .containsExactly("READ shared/motd ACCESS_DENIED");
      // the rows written carry the writer's principal too
      SecretStore system = vault.store(ns).as(SecretsVault.SYSTEM);
      assertThat(system.versions("together/a")).extracting(SecretVersion::createdBy).containsExactly("alice");
      assertThat(system.versions("alice/own")).extracting(SecretVersion::createdBy).containsExactly("alice");
      assertThat(system.has("bob/own")).isFalse();
    }
  }

  private static <T> T as(ThreadLocal<String> user, String name, Supplier<T> work) {
    user.set(name);
    try {
      return work.get();
    } finally {
      user.remove();
    }
  }

  /** Asked at each operation (once), not when the handle is made; null and blank: anonymous; as() wins. */
  @ParameterizedTest
  @MethodSource(ALL)
  void askedOncePerOperation_nullOrBlankIsAnonymous_andAsWins(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("principals");
    AtomicInteger asked = new AtomicInteger();
    String[] current = {"alice"};
    List<String> rotatedBy = Collections.synchronizedList(new ArrayList<>());
    try (SecretsVault vault = builder(kind).principal(() -> {
      asked.incrementAndGet();
      return current[0];
    }).rotationListener(r -> rotatedBy.add(r.principal())).build()) {
      vault.createStore(ns, null, StoreOptions.DEFAULT);
      SecretStore handle = vault.store(ns);
      int afterHandle = asked.get();
      handle.put("k", SecretValue.ofString("v1"));
      int afterPut = asked.get();
      handle.rotate("k", (name, old) -> SecretValue.ofString("v2")); // a read and a write: one operation
      int afterRotate = asked.get();
      current[0] = null;
      handle.get("k");
      current[0] = "  ";
      handle.get("k");
      current[0] = "alice";
      handle.as("carol").get("k");
      int afterAs = asked.get();
      vault.admin("root").auditEvents(AuditQuery.all().namespace(ns, null));

      assertThat(afterHandle).isZero();
      assertThat(afterPut).isEqualTo(1);
      assertThat(afterRotate).isEqualTo(2);
      assertThat(afterAs).isEqualTo(4); // the handle of as() did not ask
      assertThat(rotatedBy).containsExactly("alice");
      assertThat(events(vault, ns)).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
          .containsExactly(SecretsVault.SYSTEM + " STORE_CREATED OK", "alice CREATED OK", "alice READ OK",
              "alice ROTATED OK", "anonymous READ OK", "anonymous READ OK", "carol READ OK");
    }
  }

  /**
   * An invalid name from the supplier is refused as {@code as()} refuses it (without echoing it); a failing
   * supplier's exception reaches the caller as it is. Either way nothing is read, written or audited, also
   * when the policy would have refused the operation (a refusal is audited only for a known principal).
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void invalidOrFailingSupplier_failsTheOperation_beforeAnythingIsWrittenOrAudited(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("principals");
    RuntimeException noUser = new IllegalStateException("no security context on this thread");
    Supplier<String>[] supplier = new Supplier[1];
    try (SecretsVault vault = builder(kind).principal(() -> supplier[0].get())
        .accessPolicy(r -> !"denied".equals(r.name())).build()) {
      vault.createStore(ns, null, StoreOptions.DEFAULT);
      SecretStore handle = vault.store(ns);
      SecretStore withContext = handle.withRequestContext(RequestContext.of("192.0.2.1", "agent", "req-9"));
      int before = events(vault, ns).size();

      supplier[0] = () -> "hunter2-\u0000-password";
      assertThatThrownBy(() -> handle.put("k", SecretValue.ofString("v")))
          .isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("principal supplier").hasMessageContaining("U+0000")
          .hasMessageNotContaining("hunter2");
      supplier[0] = () -> "x".repeat(201);
      assertThatThrownBy(() -> handle.get("denied")).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("201 characters");
      assertThatThrownBy(() -> handle.as("x".repeat(201))).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("201 characters");
      supplier[0] = () -> {
        throw noUser;
      };
      assertThatThrownBy(() -> handle.put("k", SecretValue.ofString("v"))).isSameAs(noUser);
      assertThatThrownBy(() -> withContext.remove("denied")).isSameAs(noUser);
      assertThatThrownBy(() -> handle.getMany(List.of("k", "denied"))).isSameAs(noUser);
      int after = events(vault, ns).size();
      supplier[0] = () -> "alice";
      boolean written = handle.as("alice").has("k");
      Status denied = handle.get("denied").status(); // a known principal's refusal is audited

      assertThat(after).isEqualTo(before);
      assertThat(written).isFalse();
      assertThat(denied).isEqualTo(Status.ACCESS_DENIED);
      assertThat(events(vault, ns)).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
          .endsWith("alice READ NOT_FOUND", "alice READ ACCESS_DENIED");
    }
  }

  /**
   * A sealed handle opened from a supplier-backed handle asks the supplier per operation too; createStore's
   * handle (the system principal) and an admin handle do not ask it.
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void sealedHandles_followTheSupplier_createStoreAndAdminHandlesDoNot(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sealed");
    String[] current = {"alice"};
    try (SecretsVault vault = builder(kind).principal(() -> current[0]).build()) {
      SecretStore created = vault.createStore(ns, null, StoreOptions.sealedStore());
      SecretStore sealed = vault.store(ns).withSecret("correct horse battery staple");
      sealed.put("pin", SecretValue.ofString("1234"));
      current[0] = "bob";
      SecretResult read = sealed.get("pin");
      created.withSecret("correct horse battery staple").get("pin");
      String adminNs = SecretsTestSupport.unique("admin");
      vault.admin("root").createStore(adminNs, null, StoreOptions.DEFAULT);

      assertThat(read.status()).isEqualTo(Status.OK);
      assertThat(vault.auditEvents(AuditQuery.all().limit(10_000)).items())
          .filteredOn(e -> ns.equals(e.namespace()) || adminNs.equals(e.namespace()))
          .extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
          .containsExactly(SecretsVault.SYSTEM + " STORE_CREATED OK", "alice CREATED OK", "bob READ OK",
              SecretsVault.SYSTEM + " READ OK", "root STORE_CREATED OK");
    }
  }

  /**
   * Names a user could choose that must not reach the vault as principals (the review of the supplier):
   * the vault's own principals (a user signed up as {@code fieldvault-rotation} would get the rotation
   * policies' grants), a CR/LF (log lines forged through refusal messages), and blank-looking names of
   * no-break spaces (anonymous, not an invisible name). Nothing is read, written or audited for a refused one.
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void reservedControlAndBlankLookingNames_fromTheSupplier_neverActAsAPrincipal(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("principals");
    String[] current = {null};
    AccessRules rules = AccessRules.builder()
        .principal("fieldvault-rotation").grant(Action.READ, Action.WRITE).onStore(ns)
        .principal(SecretsVault.SYSTEM).grant(Action.READ, Action.WRITE).onStore(ns)
        .principal("anonymous").grant(Action.READ).onStore(ns)
        .build();
    try (SecretsVault vault = builder(kind).accessRules(rules).principal(() -> current[0]).build()) {
      vault.createStore(ns, null, StoreOptions.DEFAULT).put("api-key", SecretValue.ofString("sk-live-1"));
      SecretStore handle = vault.store(ns);
      int before = events(vault, ns).size();
      for (String reserved : List.of("fieldvault-rotation", "FieldVault-System", " fieldvault-anything",
          "anonymous", "ANONYMOUS")) {
        current[0] = reserved;
        assertThatThrownBy(() -> handle.get("api-key")).as(reserved).isInstanceOf(InvalidSecretNameException.class)
            .hasMessageContaining("reserved").hasMessageContaining("nothing was read, written or audited");
        assertThatThrownBy(() -> handle.put("api-key", SecretValue.ofString("attacker"))).as(reserved)
            .isInstanceOf(InvalidSecretNameException.class);
      }
      current[0] = "mallory\r\nINFO forged audit line";
      assertThatThrownBy(() -> handle.counts()).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("control character").hasMessageNotContaining("forged");
      assertThatThrownBy(() -> handle.as("eve\nforged")).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageNotContaining("forged");
      int after = events(vault, ns).size();
      current[0] = "\u00a0\u2007\u202f";
      SecretResult blank = handle.get("api-key");
      assertThatThrownBy(() -> handle.as("\u00a0")).isInstanceOf(InvalidSecretNameException.class)
          .hasMessageContaining("blank");

      assertThat(after).isEqualTo(before);
      assertThat(blank.status()).isEqualTo(Status.OK); // read as anonymous, which the rules let read
      assertThat(vault.store(ns).as(SecretsVault.SYSTEM).get("api-key").value().asString()).isEqualTo("sk-live-1");
      assertThat(events(vault, ns)).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
          .endsWith("anonymous READ OK", SecretsVault.SYSTEM + " READ OK");
    }
  }

  /**
   * rotate(name, generator) checks WRITE before the generator runs: a principal that may only read must not
   * set off what a generator does outside the vault (revoking the live credential, issuing another).
   */
  @ParameterizedTest
  @MethodSource(ALL)
  void rotateWithAGenerator_byAReadOnlyPrincipal_isRefusedBeforeTheGeneratorRuns(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("principals");
    String[] current = {"reader"};
    AccessRules rules = AccessRules.builder()
        .principal("reader").grant(Action.READ).onStore(ns)
        .principal("writer").grant(Action.READ, Action.WRITE).onStore(ns)
        .principal(SecretsVault.SYSTEM).grant(Action.READ, Action.WRITE).onStore(ns)
        .build();
    AtomicInteger generated = new AtomicInteger();
    RotationHandler revokeAndIssue = (name, old) -> {
      generated.incrementAndGet(); // stands for: revoke the old key at the provider, issue a new one
      return SecretValue.ofString("sk-live-" + generated.get());
    };
    try (SecretsVault vault = builder(kind).accessRules(rules).principal(() -> current[0]).build()) {
      vault.createStore(ns, null, StoreOptions.DEFAULT).put("api-key", SecretValue.ofString("sk-live-0"));
      SecretStore handle = vault.store(ns);
      WriteResult byReader = handle.rotate("api-key", revokeAndIssue);
      int afterReader = generated.get();
      current[0] = "writer";
      WriteResult byWriter = handle.rotate("api-key", revokeAndIssue);

      assertThat(byReader.status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(afterReader).isZero();
      assertThat(byWriter.status()).isEqualTo(Status.OK);
      assertThat(generated.get()).isEqualTo(1);
      assertThat(vault.store(ns).as(SecretsVault.SYSTEM).get("api-key").value().asString()).isEqualTo("sk-live-1");
      assertThat(events(vault, ns)).extracting(e -> e.principal() + " " + e.action() + " " + e.outcome())
          .contains("reader ROTATED ACCESS_DENIED", "writer ROTATED OK")
          .doesNotContain("reader READ OK");
    }
  }
}
