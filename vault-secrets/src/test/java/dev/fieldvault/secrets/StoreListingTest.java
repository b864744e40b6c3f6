package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.SecretInfo.State;
import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Listing (orders, filters, cursors), per-store counts and audit queries, on every database. */
class StoreListingTest {

  private static final String P = "sq_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();

  private SecretsVault vault(Kind kind, AccessPolicy policy) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).clock(clock)
        .accessPolicy(policy).build();
  }

  private SecretsVault vault(Kind kind) throws Exception {
    return vault(kind, req -> true);
  }

  private static List<SecretInfo> all(SecretStore store, ListQuery query) {
    List<SecretInfo> out = new ArrayList<>();
    Page<SecretInfo> page = store.list(query);
    out.addAll(page.items());
    while (page.hasNext()) {
      page = store.list(query.after(page.nextCursor()));
      assertThat(page.items()).isNotEmpty();
      out.addAll(page.items());
    }
    return out;
  }

  private static List<String> names(List<SecretInfo> infos) {
    return infos.stream().map(SecretInfo::name).toList();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void list_ordersByNameOrByUpdatedAt_ascendingOrDescending_pageByPage(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("order"), null, StoreOptions.DEFAULT).as("alice");
    // written in another order than their names, two of them at the same instant, one updated later
    for (String n : List.of("s05", "s02", "s07", "s01", "s04", "s06", "s03")) {
      store.put(n, SecretValue.ofString("value of " + n));
      if (!n.equals("s07")) {
        clock.advance(Duration.ofSeconds(1));
      }
    }
    store.update("s02", PutOptions.builder().metadata(Map.of("touched", "yes")).build());

    List<SecretInfo> byName = all(store, ListQuery.byName().limit(3));
    List<SecretInfo> byNameDesc = all(store, ListQuery.byName().descending().limit(3));
    List<SecretInfo> byTime = all(store, ListQuery.byUpdatedAt().limit(3));
    List<SecretInfo> byTimeDesc = all(store, ListQuery.byUpdatedAt().descending().limit(2));

    assertThat(names(byName)).containsExactly("s01", "s02", "s03", "s04", "s05", "s06", "s07");
    assertThat(names(byNameDesc)).containsExactly("s07", "s06", "s05", "s04", "s03", "s02", "s01");
    // s07 and s01 share an instant: ties go by name
    assertThat(names(byTime)).containsExactly("s05", "s01", "s07", "s04", "s06", "s03", "s02");
    assertThat(names(byTimeDesc)).containsExactly("s02", "s03", "s06", "s04", "s07", "s01", "s05");
    assertThat(byTime).extracting(SecretInfo::updatedAt).isSortedAccordingTo(Comparator.naturalOrder());
    assertThat(byName.toString()).doesNotContain("value of");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void list_filtersByStateAndMetadata_withFullPagesAndNoEmptyLastPage(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("filter"), null, StoreOptions.DEFAULT).as("alice");
    for (int i = 0; i < 12; i++) {
      store.put(String.format("k%02d", i), SecretValue.ofString("v" + i), PutOptions.builder()
          .metadata(Map.of("team", i % 2 == 0 ? "a" : "b", "env", i < 6 ? "prod" : "dev"))
          .ttl(Duration.ofMinutes(i % 3 == 0 ? 1 : 60)).build());
    }
    clock.advance(Duration.ofMinutes(2));

    List<SecretInfo> activeA = all(store, ListQuery.byName().state(State.ACTIVE).metadata("team", "a").limit(2));
    List<SecretInfo> expired = all(store, ListQuery.byName().state(State.EXPIRED).limit(10));
    List<SecretInfo> prodB = all(store, ListQuery.byUpdatedAt().descending().metadata("team", "b")
        .metadata("env", "prod").limit(1));
    Page<SecretInfo> exactlyFull = store.list(ListQuery.byName().metadata("team", "a").metadata("env", "dev").limit(3));

    assertThat(names(activeA)).containsExactly("k02", "k04", "k08", "k10");
    assertThat(activeA).allSatisfy(i -> assertThat(i.state()).isEqualTo(State.ACTIVE));
    assertThat(names(expired)).containsExactly("k00", "k03", "k06", "k09");
    assertThat(expired).allSatisfy(i -> assertThat(i.state()).isEqualTo(State.EXPIRED));
    assertThat(names(prodB)).containsExactly("k05", "k03", "k01");
    assertThat(names(exactlyFull.items())).containsExactly("k06", "k08", "k10");
    assertThat(exactlyFull.nextCursor()).isNull();
    assertThat(names(all(store, ListQuery.byName().metadata("team", "c")))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void list_cursorKeepsItsPlace_whileOtherEntriesAreWrittenAndRemoved(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("stable"), null, StoreOptions.DEFAULT).as("alice");
    List<String> stable = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String n = String.format("m%02d", i * 2);
      stable.add(n);
      store.put(n, SecretValue.ofString("x"));
      store.put(String.format("m%02d", i * 2 + 1), SecretValue.ofString("gone soon"));
      clock.advance(Duration.ofMillis(10));
    }

    for (Function<ListQuery, ListQuery> order : List.<Function<ListQuery, ListQuery>>of(q -> q,
        ListQuery::descending)) {
      for (ListQuery base : List.of(ListQuery.byName(), ListQuery.byUpdatedAt())) {
        ListQuery q = order.apply(base).limit(3);
        List<String> seen = new ArrayList<>();
        Page<SecretInfo> page = store.list(q);
        int round = 0;
        while (true) {
          page.items().forEach(i -> seen.add(i.name()));
          // between pages: remove an odd entry, add a new one, on both sides of the cursor
          store.remove(String.format("m%02d", (round * 7 % 20) * 2 + 1));
          store.put("n" + q.order() + q.reversed() + round, SecretValue.ofString("new"));
          store.put("a" + q.order() + q.reversed() + round, SecretValue.ofString("new"));
          clock.advance(Duration.ofMillis(1));
          round++;
          if (!page.hasNext()) {
            break;
          }
          page = store.list(q.after(page.nextCursor()));
        }
        List<String> stableSeen = seen.stream().filter(stable::contains).toList();
        assertThat(stableSeen).as(q.toString()).hasSize(stable.size()).doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(stable);
        assertThat(seen).as(q.toString()).doesNotHaveDuplicates();
      }
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void list_refusesACursorOfAnotherOrderOrGarbage_andSealedStores(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("cursor"), null, StoreOptions.DEFAULT).as("alice");
    store.put("a", SecretValue.ofString("1"));
    store.put("b", SecretValue.ofString("2"));
    String cursor = store.list(ListQuery.byName().limit(1)).nextCursor();
    vault.createStore("sealed-" + store.namespace(), null, StoreOptions.sealedStore());
    SecretStore sealed = vault.store("sealed-" + store.namespace()).as("alice").withSecret("0123456789abcdef-secret");

    assertThat(cursor).isNotNull();
    assertThat(names(store.list(ListQuery.byName().after(cursor)).items())).containsExactly("b");
    assertThatThrownBy(() -> store.list(ListQuery.byName().descending().after(cursor)))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("another order");
    assertThatThrownBy(() -> store.list(ListQuery.byUpdatedAt().after(cursor)))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("another order");
    assertThatThrownBy(() -> store.list(ListQuery.byName().after("not a cursor!")))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("Not a listing cursor");
    assertThatThrownBy(() -> ListQuery.byName().limit(0)).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("1 to 10000");
    assertThatThrownBy(() -> sealed.list(ListQuery.byName())).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("cannot be listed");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void counts_entriesExpiredAndVersions_ofPlainAndSealedStores(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    SecretStore store = vault.createStore(SecretsTestSupport.unique("count"), null, StoreOptions.DEFAULT.withMaxVersions(3))
        .as("alice");
    SecretStore other = vault.createStore(SecretsTestSupport.unique("count"), null, StoreOptions.DEFAULT).as("alice");
    vault.createStore("sealed-" + store.namespace(), null, StoreOptions.sealedStore());
    SecretStore sealed = vault.store("sealed-" + store.namespace()).as("alice").withSecret("0123456789abcdef-secret");
    for (int v = 0; v < 5; v++) {
      store.put("five-writes", SecretValue.ofString("v" + v));
    }
    store.put("short", SecretValue.ofString("s"), PutOptions.builder().ttl(Duration.ofSeconds(1)).build());
    store.put("long", SecretValue.ofString("l"), PutOptions.builder().ttl(Duration.ofDays(1)).build());
    other.put("elsewhere", SecretValue.ofString("e"));
    sealed.put("hidden", SecretValue.ofString("h"));
    sealed.put("hidden", SecretValue.ofString("h2"));
    StoreCounts before = store.counts();
    clock.advance(Duration.ofSeconds(2));

    assertThat(before).isEqualTo(new StoreCounts(3, 0, 5));
    assertThat(store.counts()).isEqualTo(new StoreCounts(3, 1, 5));
    assertThat(store.counts().active()).isEqualTo(2);
    assertThat(other.counts()).isEqualTo(new StoreCounts(1, 0, 1));
    assertThat(sealed.counts()).isEqualTo(new StoreCounts(1, 0, 2));
    assertThat(vault.store("sealed-" + store.namespace()).counts()).isEqualTo(new StoreCounts(1, 0, 2));
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void auditEvents_filterByNameActionPrincipalAndPeriod_paged(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("events");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    SecretStore alice = vault.store(ns).as("alice");
    SecretStore bob = vault.store(ns).as("bob");
    Instant start = clock.instant();
    alice.put("db", SecretValue.ofString("p1"));
    alice.put("api", SecretValue.ofString("k1"));
    clock.advance(Duration.ofMinutes(10));
    Instant middle = clock.instant();
    bob.put("db", SecretValue.ofString("p2"));
    bob.get("db");
    alice.get("db");
    alice.remove("api");
    vault.flushAudit();

    AuditQuery inStore = AuditQuery.all().namespace(ns, null);
    List<AuditEvent> db = vault.auditEvents(inStore.name("db")).items();
    List<AuditEvent> bobsDb = vault.auditEvents(inStore.name("db").principal("bob")).items();
    List<AuditEvent> laterReads = vault.auditEvents(inStore.action(AuditAction.READ).between(middle, null)).items();
    List<AuditEvent> early = vault.auditEvents(inStore.between(start, middle)).items();
    List<AuditEvent> paged = new ArrayList<>();
    Page<AuditEvent> page = alice.events(AuditQuery.all().name("db").limit(1));
    paged.addAll(page.items());
    while (page.hasNext()) {
      page = alice.events(AuditQuery.all().name("db").limit(1).after(page.nextCursor()));
      paged.addAll(page.items());
    }

    assertThat(db).extracting(AuditEvent::action, AuditEvent::principal).containsExactly(
        org.assertj.core.groups.Tuple.tuple(AuditAction.CREATED, "alice"),
        org.assertj.core.groups.Tuple.tuple(AuditAction.UPDATED, "bob"),
        org.assertj.core.groups.Tuple.tuple(AuditAction.READ, "bob"),
        org.assertj.core.groups.Tuple.tuple(AuditAction.READ, "alice"));
    assertThat(bobsDb).extracting(AuditEvent::action).containsExactly(AuditAction.UPDATED, AuditAction.READ);
    assertThat(laterReads).extracting(AuditEvent::principal).containsExactly("bob", "alice");
    assertThat(early).extracting(AuditEvent::name).containsExactly(null, "db", "api"); // STORE_CREATED has no name
    assertThat(paged).extracting(AuditEvent::seq).containsExactlyElementsOf(db.stream().map(AuditEvent::seq).toList());
    assertThat(vault.auditEvents(inStore.name("api").action(AuditAction.DELETED)).items()).singleElement()
        .extracting(AuditEvent::principal).isEqualTo("alice");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedStoreEvents_filterByNameOnlyThroughAHandleWithTheSecret(Kind kind) throws Exception {
    SecretsVault vault = vault(kind);
    String ns = SecretsTestSupport.unique("sealed-events");
    vault.createStore(ns, null, StoreOptions.sealedStore());
    SecretStore mine = vault.store(ns).as("user:1").withSecret("user-one-secret-0123456789");
    SecretStore theirs = vault.store(ns).as("user:2").withSecret("user-two-secret-0123456789");
    mine.put("2fa", SecretValue.ofString("codes"));
    mine.get("2fa");
    theirs.put("2fa", SecretValue.ofString("other codes"));
    vault.flushAudit();

    List<AuditEvent> mineByName = mine.events(AuditQuery.all().name("2fa")).items();
    List<AuditEvent> theirsByName = theirs.events(AuditQuery.all().name("2fa")).items();

    assertThat(mineByName).extracting(AuditEvent::action).containsExactly(AuditAction.CREATED, AuditAction.READ);
    assertThat(mineByName).allSatisfy(e -> assertThat(e.name()).isNotEqualTo("2fa").isNotNull());
    assertThat(theirsByName).extracting(AuditEvent::principal).containsExactly("user:2");
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).name("2fa")).items()).isEmpty();
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).name(mineByName.get(0).name())).items())
        .hasSize(2);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void countsAndEvents_areRefusedAndAudited_whenThePolicySaysNo(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, req -> !req.principal().equals("mallory"));
    String ns = SecretsTestSupport.unique("denied");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    SecretStore mallory = vault.store(ns).as("mallory");

    assertThatThrownBy(mallory::counts).isInstanceOf(SecretsAccessDeniedException.class);
    assertThatThrownBy(() -> mallory.events(AuditQuery.all())).isInstanceOf(SecretsAccessDeniedException.class);
    assertThatThrownBy(() -> mallory.list(ListQuery.byUpdatedAt())).isInstanceOf(SecretsAccessDeniedException.class);
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).principal("mallory")).items())
        .hasSize(3).allSatisfy(e -> assertThat(e.outcome()).isEqualTo("ACCESS_DENIED"));
  }
}
