package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.SecretsTestSupport.MutableClock;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stable opaque ids per entry, creation time and creator, lookup by id; on every database. */
class StableIdsTest {

  private static final String P = "si_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";

  private final MutableClock clock = new MutableClock();
  private final FieldCipher cipher = SecretsTestSupport.cipher();

  private SecretsVault vault(Kind kind, String prefix) throws Exception {
    TestDatabase db = SecretsTestSupport.migrated(kind, prefix);
    return SecretsVault.builder(db.dataSource(), cipher).tablePrefix(prefix).clock(clock).build();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void id_survivesEveryUpdate_notARemoveAndCreateAgain_andFindsTheEntry(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, P);
    String ns = SecretsTestSupport.unique("ids");
    vault.createStore(ns, null, StoreOptions.DEFAULT);
    SecretStore alice = vault.store(ns).as("alice");
    SecretStore bob = vault.store(ns).as("bob");
    Instant created = clock.instant();
    alice.put("db", SecretValue.ofString("pw-1"), PutOptions.builder().metadata(Map.of("env", "prod")).build());
    SecretInfo first = alice.info("db").orElseThrow();
    clock.advance(Duration.ofMinutes(5));
    bob.put("db", SecretValue.ofString("pw-2"));
    bob.update("db", PutOptions.builder().ttl(Duration.ofDays(1)).build());
    bob.rotate("db", SecretValue.ofString("pw-3"));
    bob.rollback("db", 1);
    SecretInfo later = bob.info("db").orElseThrow();
    SecretInfo listed = alice.list(ListQuery.byName()).items().get(0);
    SecretInfo byId = bob.findById(first.id()).orElseThrow();
    SecretResult valueById = bob.getById(first.id());
    alice.put("other", SecretValue.ofString("o"));
    alice.remove("db");
    SecretResult goneById = alice.getById(first.id());
    alice.put("db", SecretValue.ofString("pw-new"));
    SecretInfo recreated = alice.info("db").orElseThrow();

    assertThat(first.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(later.id()).isEqualTo(first.id());
    assertThat(later.version()).isEqualTo(4); // put, put, update (no version), rotate, rollback
    assertThat(later.createdAt()).isEqualTo(created);
    assertThat(later.createdBy()).isEqualTo("alice");
    assertThat(later.updatedAt()).isEqualTo(clock.instant());
    assertThat(listed).isEqualTo(later);
    assertThat(byId).isEqualTo(later);
    assertThat(valueById.value().asString()).isEqualTo("pw-1");
    assertThat(valueById.version()).isEqualTo(4);
    assertThat(goneById.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(alice.findById(first.id())).isEmpty();
    assertThat(recreated.id()).isNotEqualTo(first.id());
    assertThat(alice.info("other").orElseThrow().id()).isNotIn(first.id(), recreated.id());
    assertThat(alice.info("missing")).isEmpty();
    assertThat(bob.versions("db")).singleElement().satisfies(v -> {
      assertThat(v.createdBy()).isEqualTo("alice");
      assertThat(v.createdAt()).isEqualTo(clock.instant());
    });
    assertThat(byId.toString()).doesNotContain("pw-");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void lookupById_refusesMalformedIdsWithoutEchoingThem_andSealedStores(Kind kind) throws Exception {
    SecretsVault vault = vault(kind, P);
    String ns = SecretsTestSupport.unique("bad-ids");
    SecretStore store = vault.createStore(ns, null, StoreOptions.DEFAULT).as("alice");
    vault.createStore("sealed-" + ns, null, StoreOptions.sealedStore());
    SecretStore sealed = vault.store("sealed-" + ns).as("alice").withSecret("0123456789abcdef-secret");
    sealed.put("2fa", SecretValue.ofString("codes"));

    assertThatThrownBy(() -> store.getById("db-password-hunter2")).isInstanceOf(InvalidSecretNameException.class)
        .hasMessageContaining("36-character").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> store.findById(null)).isInstanceOf(InvalidSecretNameException.class);
    assertThat(store.getById("00000000-0000-0000-0000-000000000000").status()).isEqualTo(Status.NOT_FOUND);
    assertThatThrownBy(() -> sealed.info("2fa")).isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("sealed");
    assertThatThrownBy(() -> sealed.getById("00000000-0000-0000-0000-000000000000"))
        .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("sealed");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void idAndCreator_travelWithAnExport(Kind kind, @TempDir Path dir) throws Exception {
    SecretsVault source = vault(kind, P);
    SecretsVault target = vault(kind, "si2_");
    String ns = SecretsTestSupport.unique("export");
    source.createStore(ns, null, StoreOptions.DEFAULT).as("carol").put("k", SecretValue.ofString("v"));
    SecretInfo before = source.store(ns).info("k").orElseThrow();
    source.exportStore(ns, null, dir.resolve("s.jsonl"));

    target.importStore(dir.resolve("s.jsonl"), false);
    SecretInfo after = target.store(ns).info("k").orElseThrow();

    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.createdBy()).isEqualTo("carol");
    assertThat(target.store(ns).getById(before.id()).value().asString()).isEqualTo("v");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void entriesFromBeforeIds_getOneFromTheChangelog_orAtTheirNextWrite(Kind kind) throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    String p = "si_old_";
    SecretsTestSupport.dropAll(db, p);
    SecretsTestSupport.migrate(db, p, 1); // the tables as the first release created them
    long storeId;
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO " + p + "store (tenant, name, sealed, max_versions, created_ms)"
          + " VALUES ('', 'tokens', " + (kind == Kind.POSTGRES ? "FALSE" : "0") + ", 10, 0)");
      try (ResultSet rs = st.executeQuery("SELECT id FROM " + p + "store WHERE name = 'tokens'")) {
        rs.next();
        storeId = rs.getLong(1);
      }
    }
    StoreMeta meta = new StoreMeta(storeId, "tokens", null, false, 10);
    insertOldEntry(db, p, meta, "a");
    insertOldEntry(db, p, meta, "b");

    SecretsTestSupport.migrate(db, p); // the rest of the changelog, with the ids' backfill
    SecretsVault vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(p).build();
    SecretStore store = vault.store("tokens").as("dave");
    SecretInfo a = store.info("a").orElseThrow();
    SecretInfo b = store.info("b").orElseThrow();
    // an older instance, still running, creates an entry without an id after the upgrade
    insertOldEntry(db, p, meta, "c");
    SecretInfo cBefore = store.info("c").orElseThrow();
    store.put("c", SecretValue.ofString("new"));
    SecretInfo cAfter = store.info("c").orElseThrow();
    store.put("a", SecretValue.ofString("new"));

    assertThat(a.id()).isNotNull().isNotEqualTo(b.id());
    assertThat(a.createdBy()).isNull();
    assertThat(store.getById(a.id()).value().asString()).isEqualTo("new");
    assertThat(cBefore.id()).isNull();
    assertThat(cAfter.id()).isNotNull().isNotIn(a.id(), b.id());
    assertThat(store.findById(cAfter.id()).orElseThrow().name()).isEqualTo("c");
  }

  private void insertOldEntry(TestDatabase db, String p, StoreMeta meta, String name) throws Exception {
    byte[] ct = cipher.encrypt(SecretValue.ofString("old " + name).encode(), meta.context(name, 1),
        EncryptionMode.RANDOMIZED);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "entry"
        + " (store_id, name_key, version, value_ct, created_ms, updated_ms, value_ms) VALUES (?, ?, 1, ?, 0, 0, 0)")) {
      ps.setLong(1, meta.id());
      ps.setString(2, name);
      ps.setBytes(3, ct);
      ps.executeUpdate();
    }
  }
}
