package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Declarative access rules (roles, principals, stores, name prefixes) and ADMIN, on every database. */
class AccessRulesTest {

  private static final String P = "sar_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SECRET = "a caller secret of enough length";

  private static SecretsVault vault(Kind kind, AccessRules rules, AccessPolicy callback) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault.Builder b = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .accessRules(rules);
    if (callback != null) {
      b.accessPolicy(callback);
    }
    return b.build();
  }

  /** The rules of the payments example: one namespace, tenants acme and globex. */
  private static AccessRules paymentsRules(String ns) {
    return AccessRules.builder()
        .role("payments-app").grant(Action.READ, Action.WRITE).onStore(ns, "*").namesStartingWith("stripe/")
        .role("payments-app").deny(Action.WRITE).onStore(ns, "*").namesStartingWith("stripe/live/")
        .role("cleaner").grant(Action.DELETE).onStore(ns, "*").names("stripe/tmp")
        .principal("carol").grant(Action.READ).onStore(ns, "acme")
        .principal("ops").grant(Action.READ, Action.WRITE, Action.DELETE).onAnyStore()
        .principal("alice").hasRoles("payments-app")
        .roleResolver(p -> p.equals("bob") ? Set.of("cleaner") : null)
        .build();
  }

  private static List<AuditEvent> events(SecretsVault vault, String ns, String tenant, String principal) {
    return vault.auditEvents(AuditQuery.all().namespace(ns, tenant).principal(principal).limit(1_000)).items();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void eachAction_byNamePrefix_role_resolverRole_andStore(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("payments");
    try (SecretsVault vault = vault(kind, paymentsRules(ns), null)) {
      vault.createStore(ns, "acme", StoreOptions.DEFAULT);
      vault.createStore(ns, "globex", StoreOptions.DEFAULT);
      SecretStore ops = vault.store(ns, "acme").as("ops");
      for (String n : List.of("stripe/key", "stripe/live/key", "stripe/tmp", "stripe-x", "Stripe/a", "stripe")) {
        assertThat(ops.put(n, SecretValue.ofString("v:" + n)).status()).isEqualTo(Status.OK);
      }
      SecretStore alice = vault.store(ns, "acme").as("alice");
      SecretStore bob = vault.store(ns, "acme").as("bob");
      SecretStore carol = vault.store(ns, "acme").as("carol");
      SecretStore mallory = vault.store(ns, "acme").as("mallory");

      // READ by prefix: "stripe/" covers stripe/... only, character for character
      assertThat(alice.get("stripe/key").value().asString()).isEqualTo("v:stripe/key");
      assertThat(alice.get("stripe/live/key").status()).isEqualTo(Status.OK); // the denial is of WRITE only
      for (String outside : List.of("stripe-x", "Stripe/a", "stripe")) {
        assertThat(alice.get(outside).status()).as(outside).isEqualTo(Status.ACCESS_DENIED);
        assertThatThrownBy(() -> alice.has(outside)).isInstanceOf(SecretsAccessDeniedException.class);
        assertThatThrownBy(() -> alice.versions(outside)).isInstanceOf(SecretsAccessDeniedException.class);
        assertThat(alice.getVersion(outside, 1).status()).isEqualTo(Status.ACCESS_DENIED);
      }
      assertThat(alice.has("stripe/key")).isTrue();
      assertThat(alice.versions("stripe/key")).hasSize(1);

      // WRITE by prefix, an explicit denial winning over the grant
      assertThat(alice.put("stripe/new", SecretValue.ofString("n")).status()).isEqualTo(Status.OK);
      assertThat(alice.rotate("stripe/key", SecretValue.ofString("r")).status()).isEqualTo(Status.OK);
      assertThat(alice.rollback("stripe/key", 1).status()).isEqualTo(Status.OK);
      assertThat(alice.update("stripe/key", PutOptions.builder().metadata(Map.of("a", "b")).build()).status())
          .isEqualTo(Status.OK);
      assertThat(alice.put("stripe/live/key", SecretValue.ofString("x")).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(alice.put("stripe-x", SecretValue.ofString("x")).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(alice.update("stripe-x", PutOptions.builder().noExpiry().build()).status())
          .isEqualTo(Status.ACCESS_DENIED);
      assertThat(alice.rollback("stripe-x", 1).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(alice.rotate("stripe/live/key", (n, old) -> SecretValue.ofString("z")).status())
          .isEqualTo(Status.ACCESS_DENIED);
      // DELETE is not granted to alice's role
      assertThat(alice.remove("stripe/new")).isEqualTo(Status.ACCESS_DENIED);

      // bob's role comes from the application's resolver: DELETE of one exact name, nothing else
      assertThat(bob.remove("stripe/key")).isEqualTo(Status.ACCESS_DENIED);
      assertThat(bob.get("stripe/tmp").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(bob.remove("stripe/tmp")).isEqualTo(Status.OK);
      assertThat(ops.has("stripe/tmp")).isFalse();

      // carol reads every name of tenant acme only; mallory has no rule: denied by default
      assertThat(carol.get("stripe-x").status()).isEqualTo(Status.OK);
      assertThat(carol.put("stripe-x", SecretValue.ofString("c")).status()).isEqualTo(Status.ACCESS_DENIED);
      SecretStore carolGlobex = vault.store(ns, "globex").as("carol");
      assertThat(carolGlobex.get("stripe/key").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(mallory.get("stripe/key").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(mallory.put("stripe/key", SecretValue.ofString("m")).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(mallory.remove("stripe/key")).isEqualTo(Status.ACCESS_DENIED);

      // alice's tenant wildcard: globex too; another namespace: nothing
      SecretStore aliceGlobex = vault.store(ns, "globex").as("alice");
      assertThat(aliceGlobex.put("stripe/g", SecretValue.ofString("g")).status()).isEqualTo(Status.OK);
      String other = SecretsTestSupport.unique("other");
      vault.createStore(other, "acme", StoreOptions.DEFAULT);
      assertThat(vault.store(other, "acme").as("alice").put("stripe/key", SecretValue.ofString("o")).status())
          .isEqualTo(Status.ACCESS_DENIED);

      // whole-store operations need a grant without a name condition
      assertThat(carol.counts().entries()).isEqualTo(6); // six written, stripe/new added, stripe/tmp removed
      assertThatThrownBy(alice::counts).isInstanceOf(SecretsAccessDeniedException.class)
          .hasMessageContaining("alice");
      assertThat(alice.events(AuditQuery.all().name("stripe/key")).items()).isNotEmpty()
          .allSatisfy(e -> assertThat(e.name()).isEqualTo("stripe/key"));
      assertThatThrownBy(() -> alice.events(AuditQuery.all())).isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(() -> alice.events(AuditQuery.all().name("stripe-x")))
          .isInstanceOf(SecretsAccessDeniedException.class);

      // every refusal is audited with ACCESS_DENIED, its action and the name asked for
      assertThat(events(vault, ns, "acme", "alice")).filteredOn(e -> e.outcome().equals("ACCESS_DENIED"))
          .extracting(AuditEvent::action, AuditEvent::name, AuditEvent::detail)
          .contains(tuple(AuditAction.READ, "stripe-x", "READ"), tuple(AuditAction.CREATED, "stripe/live/key", "WRITE"),
              tuple(AuditAction.UPDATED, "stripe-x", "WRITE"), tuple(AuditAction.ROLLED_BACK, "stripe-x", "WRITE"),
              tuple(AuditAction.DELETED, "stripe/new", "DELETE"), tuple(AuditAction.READ, null, "READ"));
      assertThat(events(vault, ns, "acme", "bob")).extracting(AuditEvent::action, AuditEvent::name,
          AuditEvent::outcome).contains(tuple(AuditAction.DELETED, "stripe/key", "ACCESS_DENIED"),
              tuple(AuditAction.DELETED, "stripe/tmp", "OK"));
      assertThat(events(vault, ns, "acme", "mallory")).hasSize(3)
          .allSatisfy(e -> assertThat(e.outcome()).isEqualTo("ACCESS_DENIED"));
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void listing_showsOnlyReadableNames_onEveryPage_andLookupsByIdHideTheRest(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("listing");
    try (SecretsVault vault = vault(kind, paymentsRules(ns), null)) {
      vault.createStore(ns, "acme", StoreOptions.DEFAULT);
      SecretStore ops = vault.store(ns, "acme").as("ops");
      List<String> readable = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        // interleaved by name: hidden names sort between readable ones
        String visible = "stripe/" + (char) ('a' + i);
        ops.put(visible, SecretValue.ofString("v"), PutOptions.builder().metadata(Map.of("env", "prod")).build());
        ops.put("stripe-" + (char) ('a' + i), SecretValue.ofString("h"),
            PutOptions.builder().metadata(Map.of("env", "prod")).build());
        ops.put("stripe" + (char) ('a' + i), SecretValue.ofString("h"));
        readable.add(visible);
      }
      SecretStore alice = vault.store(ns, "acme").as("alice");
      for (ListQuery q : List.of(ListQuery.byName().limit(5), ListQuery.byName().descending().limit(4),
          ListQuery.byUpdatedAt().limit(3), ListQuery.byUpdatedAt().descending().metadata("env", "prod").limit(7))) {
        List<String> seen = new ArrayList<>();
        Page<SecretInfo> page = alice.list(q);
        seen.addAll(page.items().stream().map(SecretInfo::name).toList());
        while (page.hasNext()) {
          assertThat(page.items()).hasSize(q.limit()); // full pages despite the hidden names between
          page = alice.list(q.after(page.nextCursor()));
          seen.addAll(page.items().stream().map(SecretInfo::name).toList());
        }
        assertThat(seen).as(q.toString()).containsExactlyInAnyOrderElementsOf(readable);
      }
      assertThat(vault.store(ns, "acme").as("carol").list(ListQuery.byName().limit(100)).items()).hasSize(36);
      assertThatThrownBy(() -> vault.store(ns, "acme").as("mallory").list(ListQuery.byName()))
          .isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(() -> vault.store(ns, "acme").as("bob").list(ListQuery.byName()))
          .isInstanceOf(SecretsAccessDeniedException.class); // bob has DELETE only

      // by id: a hidden entry is not shown, a readable one is
      String hiddenId = ops.info("stripe-a").orElseThrow().id();
      String visibleId = ops.info("stripe/a").orElseThrow().id();
      assertThat(alice.findById(hiddenId)).isEmpty();
      assertThat(alice.getById(hiddenId).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(alice.findById(visibleId).orElseThrow().name()).isEqualTo("stripe/a");
      assertThat(alice.getById(visibleId).value().asString()).isEqualTo("v");

      // several names: each checked, in the order given
      Map<String, SecretResult> many = alice.getMany(List.of("stripe-b", "stripe/b", "stripeb", "stripe/c"));
      assertThat(many.keySet()).containsExactly("stripe-b", "stripe/b", "stripeb", "stripe/c");
      assertThat(many.values()).extracting(SecretResult::status)
          .containsExactly(Status.ACCESS_DENIED, Status.OK, Status.ACCESS_DENIED, Status.OK);

      // the listing's own audit events name no entry; refusals name what was asked for
      List<AuditEvent> aliceEvents = events(vault, ns, "acme", "alice");
      assertThat(aliceEvents).filteredOn(e -> "list".equals(e.detail())).isNotEmpty()
          .allSatisfy(e -> assertThat(e.name()).isNull());
      assertThat(aliceEvents).filteredOn(e -> e.outcome().equals("ACCESS_DENIED")).extracting(AuditEvent::name)
          .containsExactlyInAnyOrder("stripe-a", "stripe-a", "stripe-b", "stripeb");
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedStore_rulesSeeThePlainName_theAuditKeepsOnlyItsHash(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("sealed");
    AccessRules rules = AccessRules.builder()
        .principal("user-42").grant(Action.READ, Action.WRITE).onStore(ns).namesStartingWith("2fa/")
        .build();
    try (SecretsVault vault = vault(kind, rules, null)) {
      vault.createStore(ns, null, StoreOptions.sealedStore());
      SecretStore user = vault.store(ns).as("user-42").withSecret(SECRET);
      assertThat(user.put("2fa/codes", SecretValue.ofString("1111")).status()).isEqualTo(Status.OK);
      assertThat(user.get("2fa/codes").value().asString()).isEqualTo("1111");
      assertThat(user.put("backup-codes", SecretValue.ofString("2222")).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(user.get("backup-codes").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(user.remove("2fa/codes")).isEqualTo(Status.ACCESS_DENIED);
      assertThatThrownBy(user::counts).isInstanceOf(SecretsAccessDeniedException.class);

      List<AuditEvent> all = vault.auditEvents(AuditQuery.all().namespace(ns, null).limit(1_000)).items();
      assertThat(all).filteredOn(e -> e.outcome().equals("ACCESS_DENIED")).hasSize(4)
          .allSatisfy(e -> assertThat(e.name()).isNotIn("backup-codes", "2fa/codes"));
      assertThat(all.toString()).doesNotContain("backup-codes").doesNotContain("2fa/codes");
      // the owner finds the refusal by the plain name, through the hash
      assertThat(user.events(AuditQuery.all().name("2fa/codes")).items())
          .extracting(AuditEvent::action, AuditEvent::outcome).contains(tuple(AuditAction.DELETED, "ACCESS_DENIED"));
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rulesAndCallback_bothMustAllow_andTheCallbackSeesTheName(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("both");
    AccessRules rules = AccessRules.builder()
        .principal("alice").grant(Action.READ, Action.WRITE).onStore(ns)
        .principal("bob").grant(Action.READ, Action.WRITE).onStore(ns)
        .build();
    List<String> namesSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    AccessPolicy callback = r -> {
      namesSeen.add(String.valueOf(r.name()));
      return !r.principal().equals("bob") && (r.name() == null || !r.name().startsWith("night/"));
    };
    try (SecretsVault vault = vault(kind, rules, callback)) {
      vault.createStore(ns, null, StoreOptions.DEFAULT);
      SecretStore alice = vault.store(ns).as("alice");
      assertThat(alice.put("day/a", SecretValue.ofString("a")).status()).isEqualTo(Status.OK);
      assertThat(alice.put("night/a", SecretValue.ofString("a")).status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(vault.store(ns).as("bob").get("day/a").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(vault.store(ns).as("carol").get("day/a").status()).isEqualTo(Status.ACCESS_DENIED);
      assertThat(namesSeen).contains("day/a", "night/a");
      assertThat(alice.list(ListQuery.byName()).items()).extracting(SecretInfo::name).containsExactly("day/a");
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void admin_perStoreAndVaultWide_refusalsAuditedWithThePrincipal(Kind kind) throws Exception {
    String ns = SecretsTestSupport.unique("admin");
    AccessRules rules = AccessRules.builder()
        .role("operators").grant(Action.ADMIN).onAnyStore()
        .principal("acme-admin").grant(Action.ADMIN).onStore("*", "acme")
        .principal("root").hasRoles("operators")
        .build();
    Path dir = Files.createTempDirectory("s16c-admin");
    try (SecretsVault vault = vault(kind, rules, null)) {
      VaultAdmin root = vault.admin("root");
      VaultAdmin acme = vault.admin("acme-admin");
      String intruder = SecretsTestSupport.unique("intruder");
      VaultAdmin mallory = vault.admin(intruder);

      SecretStore created = acme.createStore(ns, "acme", StoreOptions.DEFAULT.withMaxVersions(3));
      assertThat(created.toString()).contains("principal=acme-admin");
      assertThatThrownBy(() -> acme.createStore(ns, "globex", StoreOptions.DEFAULT))
          .isInstanceOf(SecretsAccessDeniedException.class).hasMessageContaining("acme-admin")
          .hasMessageContaining("globex");
      assertThatThrownBy(() -> vault.store(ns, "globex")).isInstanceOf(SecretStoreNotFoundException.class);
      root.createStore(ns, "globex", StoreOptions.DEFAULT);

      Path acmeFile = dir.resolve("acme.jsonl");
      Path globexFile = dir.resolve("globex.jsonl");
      assertThat(acme.exportStore(ns, "acme", acmeFile).dryRun()).isFalse();
      assertThatThrownBy(() -> acme.exportStore(ns, "globex", globexFile))
          .isInstanceOf(SecretsAccessDeniedException.class);
      assertThat(globexFile).doesNotExist();
      root.exportStore(ns, "globex", globexFile);
      assertThat(acme.importStore(acmeFile, true).dryRun()).isTrue();
      assertThatThrownBy(() -> acme.importStore(globexFile, true)).isInstanceOf(SecretsAccessDeniedException.class);

      // vault-wide operations need a grant on any store
      assertThatThrownBy(() -> acme.purgeAuditEvents(Duration.ZERO)).isInstanceOf(SecretsAccessDeniedException.class)
          .hasMessageContaining("vault-wide");
      assertThatThrownBy(() -> acme.cleanupExpired(Duration.ZERO)).isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(() -> acme.rotateKeys(KeyRotation.builder().build()))
          .isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(acme::verifyAuditChain).isInstanceOf(SecretsAccessDeniedException.class);
      assertThat(acme.auditEvents(AuditQuery.all().namespace(ns, "acme")).items()).isNotEmpty();
      assertThatThrownBy(() -> acme.auditEvents(AuditQuery.all())).isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(() -> mallory.upgradeSealedKdf(ns, "acme")).isInstanceOf(SecretsAccessDeniedException.class);
      assertThatThrownBy(mallory::pruneVersions).isInstanceOf(SecretsAccessDeniedException.class);
      assertThat(root.cleanupExpired(Duration.ZERO)).isNotNull();
      // (other tests' vaults MAC'd events with other keys, so the shared chain is not checked for integrity here)
      assertThat(root.verifyAuditChain()).isNotNull(); // allowed: a refusal would throw

      // ADMIN does not read values, nor do READ/WRITE grants administer
      assertThat(created.get("anything").status()).isEqualTo(Status.ACCESS_DENIED);

      assertThat(vault.auditEvents(AuditQuery.all().principal("acme-admin").limit(1_000)).items())
          .extracting(AuditEvent::action, AuditEvent::namespace, AuditEvent::tenant, AuditEvent::outcome)
          .contains(tuple(AuditAction.STORE_CREATED, ns, "acme", "OK"),
              tuple(AuditAction.EXPORTED, ns, "acme", "OK"),
              tuple(AuditAction.STORE_CREATED, ns, "globex", "ACCESS_DENIED"),
              tuple(AuditAction.EXPORTED, ns, "globex", "ACCESS_DENIED"),
              tuple(AuditAction.IMPORTED, ns, "globex", "ACCESS_DENIED"),
              tuple(AuditAction.AUDIT_PURGED, null, null, "ACCESS_DENIED"),
              tuple(AuditAction.EXPIRED_CLEANUP, null, null, "ACCESS_DENIED"),
              tuple(AuditAction.KEY_ROTATED, null, null, "ACCESS_DENIED"));
      assertThat(vault.auditEvents(AuditQuery.all().principal(intruder).limit(1_000)).items())
          .extracting(AuditEvent::action, AuditEvent::detail)
          .containsExactly(tuple(AuditAction.KEY_ROTATED, "ADMIN upgradeSealedKdf"),
              tuple(AuditAction.VERSIONS_PRUNED, "ADMIN pruneVersions"));
      assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, "globex").action(AuditAction.STORE_CREATED))
          .items()).extracting(AuditEvent::principal, AuditEvent::outcome)
          .contains(tuple("root", "OK"));
    }
  }

  @Test
  void wholeStoreRequests_listingGate_andDenialsWithoutADatabase() {
    AccessRules rules = AccessRules.builder()
        .principal("p").grant(Action.READ).onStore("ns").namesStartingWith("a/")
        .principal("q").grant(Action.READ).onStore("ns")
        .principal("q").deny(Action.READ).onStore("ns").names("a/secret")
        .principal("r").grant(Action.READ).onStore("ns", "*")
        .principal("r").deny(Action.READ).onStore("ns", "*")
        .build();
    AccessPolicy.Request p = new AccessPolicy.Request("p", "ns", null, Action.READ);
    AccessPolicy.Request q = new AccessPolicy.Request("q", "ns", null, Action.READ);
    assertThat(rules.allows(p)).isFalse();                       // the whole store: not with a prefix grant
    assertThat(rules.allowsSome(p)).isTrue();                    // a listing: yes, filtered
    assertThat(rules.allows(p.withName("a/x"))).isTrue();
    assertThat(rules.allows(p.withName("ax"))).isFalse();
    assertThat(rules.allows(new AccessPolicy.Request("p", "ns", "t1", Action.READ, "a/x"))).isFalse(); // null tenant
    assertThat(rules.allows(q)).isFalse();                       // a denied name is part of the whole store
    assertThat(rules.allowsSome(q)).isTrue();
    assertThat(rules.allows(q.withName("a/secret"))).isFalse();
    assertThat(rules.allows(q.withName("a/other"))).isTrue();
    AccessPolicy.Request r = new AccessPolicy.Request("r", "ns", "t", Action.READ, "x");
    assertThat(rules.allows(r)).isFalse();                        // explicit deny wins
    assertThat(rules.allowsSome(r.withName(null))).isFalse();
    assertThat(rules.allows(new AccessPolicy.Request("p", null, null, Action.ADMIN))).isFalse();
    assertThat(p.withName("a/very-private-name").toString()).doesNotContain("very-private");
  }

  @Test
  void builder_refusesIncompleteRules_andBuiltRulesCannotBeChangedAfterwards() {
    assertThatThrownBy(() -> AccessRules.builder().principal("p").grant(Action.READ).build())
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("onStore");
    assertThatThrownBy(() -> AccessRules.builder().principal("p").grant())
        .isInstanceOf(VaultConfigurationException.class);
    assertThatThrownBy(() -> AccessRules.builder().principal("p").grant(Action.READ).onStore("n").namesStartingWith(""))
        .isInstanceOf(VaultConfigurationException.class);
    assertThatThrownBy(() -> AccessRules.builder().role("r").hasRoles("x"))
        .isInstanceOf(VaultConfigurationException.class);
    assertThatThrownBy(() -> AccessRules.builder().principal(" ")).isInstanceOf(InvalidSecretNameException.class);

    AccessRules.Builder b = AccessRules.builder();
    AccessRules.Rule rule = b.principal("p").grant(Action.READ).onStore("ns").namesStartingWith("a/");
    AccessRules built = b.build();
    rule.namesStartingWith("b/");
    assertThat(built.allows(new AccessPolicy.Request("p", "ns", null, Action.READ, "b/x"))).isFalse();

    AtomicInteger calls = new AtomicInteger();
    AccessRules resolved = AccessRules.builder().role("ops").grant(Action.WRITE).onAnyStore()
        .roleResolver(pr -> {
          calls.incrementAndGet();
          return pr.equals("dave") ? Set.of("ops") : Set.of();
        }).build();
    assertThat(resolved.allows(new AccessPolicy.Request("dave", "x", "y", Action.WRITE, "n"))).isTrue();
    assertThat(resolved.allows(new AccessPolicy.Request("erin", "x", "y", Action.WRITE, "n"))).isFalse();
    assertThat(resolved.allows(new AccessPolicy.Request("dave", "x", "y", Action.READ, "n"))).isFalse();
    assertThat(calls.get()).isEqualTo(2); // not asked when no rule of the action could apply
    assertThat(resolved.toString()).isEqualTo("AccessRules{1 rules}");
  }
}
