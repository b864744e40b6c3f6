package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** rotate(name, generator), rotate(name, value) and policy rotations notify listeners; on every database. */
class RotationNotificationTest {

  private static final String P = "sn_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();
  private final List<RotationListener.Rotation> heard = new CopyOnWriteArrayList<>();

  private SecretsVault vault(Kind kind, String policyNamespace) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault.Builder b = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .clock(clock)
        .rotationListener(r -> {
          throw new IllegalStateException("a broken listener");
        })
        .rotationListener(heard::add);
    if (policyNamespace != null) {
      b.rotationPolicy(policyNamespace, null, Duration.ofDays(30), (name, cur) -> SecretValue.ofString(cur.asString() + "+p"));
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rotateWithAGenerator_writesItsValueFromTheCurrentOne_andTellsTheListeners(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, null);
    String ns = SecretsTestSupport.unique("gen");
    vault.createStore(ns, "acme", StoreOptions.DEFAULT);
    SecretStore store = vault.store(ns, "acme").as("ops");
    store.put("api-key", SecretValue.ofString("key-1"), PutOptions.builder().ttl(Duration.ofDays(3)).build());
    List<String> seenByGenerator = new CopyOnWriteArrayList<>();

    WriteResult r = store.rotate("api-key", (name, current) -> {
      seenByGenerator.add(name + "=" + current.asString());
      return SecretValue.ofString("key-2");
    });
    WriteResult byValue = store.rotate("api-key", SecretValue.ofString("key-3"));

    assertThat(r).isEqualTo(new WriteResult(Status.OK, 2));
    assertThat(byValue).isEqualTo(new WriteResult(Status.OK, 3));
    assertThat(seenByGenerator).containsExactly("api-key=key-1");
    assertThat(store.getVersion("api-key", 2).value().asString()).isEqualTo("key-2");
    assertThat(store.get("api-key").value().asString()).isEqualTo("key-3");
    assertThat(store.get("api-key").expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(3)));
    assertThat(heard).containsExactly(
        new RotationListener.Rotation(ns, "acme", "api-key", 2, "ops", clock.instant()),
        new RotationListener.Rotation(ns, "acme", "api-key", 3, "ops", clock.instant()));
    assertThat(heard.toString()).doesNotContain("key-");
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, "acme").action(AuditAction.ROTATED)).items())
        .hasSize(2);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rotateWithAGenerator_withoutAValueOrAfterAConcurrentWrite_writesNothingAndTellsNoOne(Kind kind)
      throws Exception {
    SecretsVault vault = vault(kind, null);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("nogen"), null, StoreOptions.DEFAULT).as("ops");
    store.put("short", SecretValue.ofString("s"), PutOptions.builder().ttl(Duration.ofSeconds(1)).build());
    store.put("raced", SecretValue.ofString("r1"));
    store.put("failing", SecretValue.ofString("f1"));
    clock.advance(Duration.ofSeconds(2));
    AtomicInteger calls = new AtomicInteger();
    RotationHandler counting = (name, cur) -> {
      calls.incrementAndGet();
      return SecretValue.ofString("x");
    };

    WriteResult missing = store.rotate("missing", counting);
    WriteResult expired = store.rotate("short", counting);
    WriteResult raced = store.rotate("raced", (name, cur) -> {
      store.put("raced", SecretValue.ofString("r2-concurrent"));
      return SecretValue.ofString("r3-lost");
    });

    assertThat(missing.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(expired.status()).isEqualTo(Status.EXPIRED);
    assertThat(calls).hasValue(0);
    assertThat(raced.status()).isEqualTo(Status.CONFLICT);
    assertThat(store.get("raced").value().asString()).isEqualTo("r2-concurrent");
    assertThatThrownBy(() -> store.rotate("failing", (name, cur) -> {
      throw new IllegalStateException("provider down");
    })).isInstanceOf(IllegalStateException.class).hasMessage("provider down");
    assertThat(store.get("failing").version()).isEqualTo(1);
    assertThat(heard).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void policyRotations_tellTheListenersToo(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("policy");
    SecretsVault vault = vault(kind, ns);
    SecretStore store = vault.createStore(ns, null, StoreOptions.DEFAULT).as("ops");
    store.put("db", SecretValue.ofString("pw"));
    clock.advance(Duration.ofDays(31));

    MaintenanceReport report = vault.runDueRotations();

    assertThat(report.changed()).isEqualTo(1);
    assertThat(store.get("db").value().asString()).isEqualTo("pw+p");
    assertThat(heard).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("db");
      assertThat(r.version()).isEqualTo(2);
      assertThat(r.principal()).isEqualTo("fieldvault-rotation");
    });
  }
}
