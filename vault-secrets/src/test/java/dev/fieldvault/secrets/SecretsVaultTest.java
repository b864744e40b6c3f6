package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store operations and each of their outcomes, on every database. */
class SecretsVaultTest {

  private static final String P = "sv_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();

  private SecretsVault vault(Kind kind, FieldCipher cipher) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(P).clock(clock).build();
  }

  private SecretStore newStore(SecretsVault vault, StoreOptions options) {
    return vault.createStore(SecretsTestSupport.unique("ns"), null, options).as("alice");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void putThenGet_returnsValueMetadataVersionAndTimes(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, SecretsTestSupport.cipher());
    SecretStore store = newStore(vault, StoreOptions.DEFAULT);

    WriteResult w = store.put("github", SecretValue.ofString("gho_refresh_123"),
        PutOptions.builder().metadata(Map.of("provider", "github", "user", "42")).ttl(Duration.ofHours(1)).build());
    SecretResult r = store.get("github");

    assertThat(w).isEqualTo(new WriteResult(Status.OK, 1));
    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.value().asString()).isEqualTo("gho_refresh_123");
    assertThat(r.metadata()).containsEntry("provider", "github").containsEntry("user", "42");
    assertThat(r.version()).isEqualTo(1);
    assertThat(r.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(r.updatedAt()).isEqualTo(clock.instant());
    assertThat(r.toString()).doesNotContain("gho_refresh_123");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void valuesOfEveryType_roundTrip(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", "abc");
    json.put("scopes", List.of("read", "write"));
    json.put("port", 5432);

    store.put("s", SecretValue.ofString("päss wörd ✓"));
    store.put("b", SecretValue.ofBytes(new byte[] {0, 1, (byte) 0xFF, 42}));
    store.put("j", SecretValue.ofJson(json));

    assertThat(store.get("s").value().asString()).isEqualTo("päss wörd ✓");
    assertThat(store.get("b").value().asBytes()).containsExactly(0, 1, 0xFF, 42);
    assertThat(store.get("b").value().type()).isEqualTo(SecretValue.Type.BYTES);
    Map<String, Object> back = store.get("j").value().asJson();
    assertThat(back).containsEntry("client_id", "abc").containsEntry("scopes", List.of("read", "write"))
        .containsEntry("port", 5432.0);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void missingName_isNotFound_andMissingStore_isAClearError(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, SecretsTestSupport.cipher());
    SecretStore store = newStore(vault, StoreOptions.DEFAULT);

    assertThat(store.get("nope").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.has("nope")).isFalse();
    assertThat(store.remove("nope")).isEqualTo(Status.NOT_FOUND);
    assertThatThrownBy(() -> store.get("nope").value()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NOT_FOUND");
    assertThatThrownBy(() -> vault.store("never-created"))
        .isInstanceOf(SecretStoreNotFoundException.class)
        .hasMessageContaining("never-created").hasMessageContaining("createStore");
    assertThatThrownBy(() -> vault.createStore(store.namespace(), null, StoreOptions.DEFAULT))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("already exists");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void expiredValue_isNotReturned_andHasIsFalse(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("ttl", SecretValue.ofString("x"), PutOptions.builder().ttl(Duration.ofMinutes(5)).build());
    store.put("abs", SecretValue.ofString("y"),
        PutOptions.builder().expiresAt(clock.instant().plus(Duration.ofMinutes(10))).build());

    clock.advance(Duration.ofMinutes(6));

    assertThat(store.get("ttl").status()).isEqualTo(Status.EXPIRED);
    assertThat(store.has("ttl")).isFalse();
    assertThat(store.get("abs").status()).isEqualTo(Status.OK);
    clock.advance(Duration.ofMinutes(5));
    assertThat(store.get("abs").status()).isEqualTo(Status.EXPIRED);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void update_changesMetadataAndExpiry_withoutANewVersion(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("k", SecretValue.ofString("v"), PutOptions.builder().metadata(Map.of("a", "1"))
        .ttl(Duration.ofMinutes(1)).build());

    WriteResult u = store.update("k", PutOptions.builder().metadata(Map.of("a", "2")).noExpiry().build());
    clock.advance(Duration.ofMinutes(2));
    SecretResult r = store.get("k");

    assertThat(u).isEqualTo(new WriteResult(Status.OK, 1));
    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.value().asString()).isEqualTo("v");
    assertThat(r.metadata()).containsExactly(Map.entry("a", "2"));
    assertThat(r.expiresAt()).isNull();
    assertThat(store.versions("k")).hasSize(1);
    assertThat(store.update("missing", PutOptions.builder().noExpiry().build()).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.update("k", PutOptions.builder().expectedVersion(7).noExpiry().build()).status())
        .isEqualTo(Status.CONFLICT);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void compareAndSet_writesOnlyOnTheExpectedVersion(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    PutOptions create = PutOptions.builder().expectedVersion(PutOptions.MUST_NOT_EXIST).build();

    assertThat(store.put("k", SecretValue.ofString("1"), create).status()).isEqualTo(Status.OK);
    assertThat(store.put("k", SecretValue.ofString("again"), create).status()).isEqualTo(Status.CONFLICT);
    assertThat(store.put("k", SecretValue.ofString("2"), PutOptions.builder().expectedVersion(1).build()))
        .isEqualTo(new WriteResult(Status.OK, 2));
    assertThat(store.put("k", SecretValue.ofString("stale"), PutOptions.builder().expectedVersion(1).build()).status())
        .isEqualTo(Status.CONFLICT);
    assertThat(store.get("k").value().asString()).isEqualTo("2");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void versions_areKeptListedReadableAndRolledBackAsANewVersion(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("k", SecretValue.ofString("one"), PutOptions.builder().metadata(Map.of("n", "1")).build());
    clock.advance(Duration.ofSeconds(1));
    store.as("bob").put("k", SecretValue.ofString("two"));

    List<SecretVersion> versions = store.versions("k");
    WriteResult rb = store.rollback("k", 1);
    SecretResult now = store.get("k");

    assertThat(versions).extracting(SecretVersion::version).containsExactly(2L, 1L);
    assertThat(versions).extracting(SecretVersion::createdBy).containsExactly("bob", "alice");
    assertThat(versions.get(0).createdAt()).isAfter(versions.get(1).createdAt());
    assertThat(store.getVersion("k", 2).value().asString()).isEqualTo("two");
    assertThat(store.getVersion("k", 9).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(rb).isEqualTo(new WriteResult(Status.OK, 3));
    assertThat(now.value().asString()).isEqualTo("one");
    assertThat(now.metadata()).containsEntry("n", "1");
    assertThat(store.rollback("k", 42).status()).isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void maxVersions_prunesTheOldestVersions(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT.withMaxVersions(3));
    for (int i = 1; i <= 5; i++) {
      store.put("k", SecretValue.ofString("v" + i));
    }

    assertThat(store.versions("k")).extracting(SecretVersion::version).containsExactly(5L, 4L, 3L);
    assertThat(store.getVersion("k", 2).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.getVersion("k", 3).value().asString()).isEqualTo("v3");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void remove_deletesTheEntryAndItsVersions(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("k", SecretValue.ofString("a"));
    store.put("k", SecretValue.ofString("b"));

    assertThat(store.has("k")).isTrue();
    assertThat(store.remove("k")).isEqualTo(Status.OK);
    assertThat(store.get("k").status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.versions("k")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void list_showsMetadataAndStatePageByPage_neverValues(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    for (int i = 0; i < 5; i++) {
      store.put("name-" + i, SecretValue.ofString("secret-" + i), PutOptions.builder()
          .metadata(Map.of("i", "" + i)).ttl(Duration.ofMinutes(i == 2 ? 1 : 60)).build());
    }
    clock.advance(Duration.ofMinutes(2));

    List<SecretInfo> all = new ArrayList<>();
    Page<SecretInfo> page = store.list(null, 2);
    int pages = 1;
    all.addAll(page.items());
    while (page.hasNext()) {
      page = store.list(page.nextCursor(), 2);
      all.addAll(page.items());
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(all).extracting(SecretInfo::name).containsExactly("name-0", "name-1", "name-2", "name-3", "name-4");
    assertThat(all).extracting(SecretInfo::state).containsExactly(SecretInfo.State.ACTIVE, SecretInfo.State.ACTIVE,
        SecretInfo.State.EXPIRED, SecretInfo.State.ACTIVE, SecretInfo.State.ACTIVE);
    assertThat(all.get(3).metadata()).containsEntry("i", "3");
    assertThat(all.toString()).doesNotContain("secret-");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void getMany_readsSeveralNamesWithTheirOwnOutcomes(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("a", SecretValue.ofString("A"));
    store.put("b", SecretValue.ofString("B"), PutOptions.builder().ttl(Duration.ofSeconds(1)).build());
    clock.advance(Duration.ofSeconds(2));

    Map<String, SecretResult> r = store.getMany(List.of("a", "b", "c"));

    assertThat(r).containsOnlyKeys("a", "b", "c");
    assertThat(r.get("a").value().asString()).isEqualTo("A");
    assertThat(r.get("b").status()).isEqualTo(Status.EXPIRED);
    assertThat(r.get("c").status()).isEqualTo(Status.NOT_FOUND);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void valueUnderADisabledKey_isKeyUnavailable(Kind kind) throws Exception {
    Keyring keyring = Keyring.generate("ku");
    FieldCipher cipher = FieldCipher.create(keyring);
    SecretStore store = newStore(vault(kind, cipher), StoreOptions.DEFAULT);
    store.put("old", SecretValue.ofString("under key 1"));

    VaultKeyset rotated = keyring.aead().orElseThrow().rotate().disable(1);
    cipher.reload(keyring.with(rotated));

    assertThat(store.get("old").status()).isEqualTo(Status.KEY_UNAVAILABLE);
    assertThat(store.getVersion("old", 1).status()).isEqualTo(Status.KEY_UNAVAILABLE);
    assertThat(store.rollback("old", 1).status()).isEqualTo(Status.KEY_UNAVAILABLE);
    store.put("new", SecretValue.ofString("under key 2"));
    assertThat(store.get("new").value().asString()).isEqualTo("under key 2");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void accessPolicy_deniesPerActionAndAuditsTheRefusal(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    AccessPolicy policy = req -> req.principal().equals("admin")
        || (req.principal().equals("reader") && req.action() == Action.READ);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .clock(clock).accessPolicy(policy).build();
    String ns = SecretsTestSupport.unique("policy");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    SecretStore admin = vault.store(ns).as("admin");
    SecretStore reader = vault.store(ns).as("reader");
    SecretStore stranger = vault.store(ns).as("mallory");
    admin.put("k", SecretValue.ofString("v"));

    assertThat(reader.get("k").value().asString()).isEqualTo("v");
    assertThat(reader.put("k", SecretValue.ofString("x")).status()).isEqualTo(Status.ACCESS_DENIED);
    assertThat(reader.remove("k")).isEqualTo(Status.ACCESS_DENIED);
    assertThat(stranger.get("k").status()).isEqualTo(Status.ACCESS_DENIED);
    assertThat(stranger.getMany(List.of("k")).get("k").status()).isEqualTo(Status.ACCESS_DENIED);
    assertThatThrownBy(() -> stranger.list(null, 10)).isInstanceOf(SecretsAccessDeniedException.class)
        .hasMessageContaining("mallory");
    assertThat(admin.get("k").value().asString()).isEqualTo("v");

    List<AuditEvent> denied = vault.auditEvents(AuditQuery.all().namespace(ns, null).principal("mallory")).items();
    assertThat(denied).isNotEmpty().allSatisfy(e -> assertThat(e.outcome()).isEqualTo("ACCESS_DENIED"));
    assertThat(vault.auditEvents(AuditQuery.all().namespace(ns, null).principal("reader")).items())
        .extracting(AuditEvent::action, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple(AuditAction.CREATED, "ACCESS_DENIED"),
            org.assertj.core.groups.Tuple.tuple(AuditAction.DELETED, "ACCESS_DENIED"));
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void readCache_servesRepeatedReadsForItsTtl_andWritesInvalidateIt(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, P);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P)
        .clock(clock).readCache(Duration.ofSeconds(30), 100).readAudit(ReadAudit.OFF).build();
    SecretStore store = newStore(vault, StoreOptions.DEFAULT);
    store.put("k", SecretValue.ofString("v1"));
    assertThat(store.get("k").value().asString()).isEqualTo("v1");

    // a change by another application instance is not seen while the entry is cached
    SecretsVault other = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(P).build();
    assertThat(other.store(store.namespace()).remove("k")).isEqualTo(Status.OK);
    assertThat(store.get("k").value().asString()).isEqualTo("v1");
    clock.advance(Duration.ofSeconds(31));
    assertThat(store.get("k").status()).isEqualTo(Status.NOT_FOUND);

    store.put("k", SecretValue.ofString("v2"));
    assertThat(store.get("k").value().asString()).isEqualTo("v2");
    store.put("k", SecretValue.ofString("v3"));
    assertThat(store.get("k").value().asString()).isEqualTo("v3");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void rotate_writesANewVersionKeepingMetadata(Kind kind) throws Exception {
    SecretStore store = newStore(vault(kind, SecretsTestSupport.cipher()), StoreOptions.DEFAULT);
    store.put("api", SecretValue.ofString("key-1"), PutOptions.builder().metadata(Map.of("p", "x")).build());

    assertThat(store.rotate("api", SecretValue.ofString("key-2"))).isEqualTo(new WriteResult(Status.OK, 2));
    assertThat(store.rotate("missing", SecretValue.ofString("z")).status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.get("api").value().asString()).isEqualTo("key-2");
    assertThat(store.get("api").metadata()).containsEntry("p", "x");
  }
}
