package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Key rotation of the secrets vault's stored values by the shared {@link Rewrapper} over
 * {@link SecretsVault#encryptedTables()}: tables prefixed {@code svr_}.
 */
class SecretsRotationTest {

  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SEALED_SECRET = "0123456789abcdef-rotation-secret";
  private static final int NAMES = 6;

  /** A vault with three stores (plain, tenant-scoped, sealed), each name written three times. */
  private static final class Setup {
    final TestDatabase db;
    final String prefix;
    final VaultTables work;
    final Keyring keyring;
    final FieldCipher cipher;
    final SecretsVault vault;
    final String plain = SecretsTestSupport.unique("plain");
    final String tenanted = SecretsTestSupport.unique("tenanted");
    final String sealed = SecretsTestSupport.unique("sealed");

    Setup(Kind kind, String name) throws Exception {
      this.prefix = "svr_" + name + "_";
      this.db = SecretsTestSupport.migrated(kind, prefix);
      this.work = SecretsTestSupport.rotationTables(db, prefix + "fv_");
      this.keyring = Keyring.generate("svr-" + name);
      this.cipher = FieldCipher.create(keyring);
      this.vault = SecretsVault.builder(db.dataSource(), cipher).tablePrefix(prefix).rotationTables(work)
          .readAudit(ReadAudit.OFF).build();
      vault.createStore(plain, null, StoreOptions.DEFAULT);
      vault.createStore(tenanted, "acme", StoreOptions.DEFAULT);
      vault.createStore(sealed, null, StoreOptions.sealedStore());
      List<SecretStore> stores = stores();
      for (int i = 0; i < NAMES; i++) {
        for (int v = 1; v <= 3; v++) {
          for (int k = 0; k < stores.size(); k++) {
            stores.get(k).put("n" + i, SecretValue.ofString(value(k, i, v)));
          }
        }
      }
    }

    List<SecretStore> stores() {
      return List.of(vault.store(plain), vault.store(tenanted, "acme"),
          vault.store(sealed).withSecret(SEALED_SECRET));
    }

    static String value(int store, int i, int version) {
      return "store " + store + "/n" + i + "@" + version;
    }

    /** Promotes a new AEAD key; returns its id. */
    int promote() {
      VaultKeyset rotated = keyring.aead().orElseThrow().rotate();
      cipher.reload(keyring.with(rotated));
      return rotated.primary().keyId();
    }

    Rewrapper.Builder rewrapper() {
      return Rewrapper.builder(db.dataSource(), cipher).tables(vault.encryptedTables()).vaultTables(work);
    }

    /** Every get and getVersion returns what was written last (or overridden by {@code latest}). */
    void assertEveryValueReads() {
      List<SecretStore> stores = stores();
      for (int k = 0; k < stores.size(); k++) {
        for (int i = 0; i < NAMES; i++) {
          SecretResult r = stores.get(k).get("n" + i);
          assertThat(r.value().asString()).as("store %d n%d", k, i).isEqualTo(value(k, i, (int) r.version()));
          for (int v = 1; v < r.version(); v++) {
            assertThat(stores.get(k).getVersion("n" + i, v).value().asString()).isEqualTo(value(k, i, v));
          }
        }
      }
    }

    List<Integer> keyIds() throws Exception {
      List<Integer> ids = new ArrayList<>();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        for (String t : List.of("entry", "version")) {
          try (ResultSet rs = st.executeQuery("SELECT dek_ct FROM " + prefix + t)) {
            while (rs.next()) {
              ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
            }
          }
        }
      }
      return ids;
    }

    /** Values in the entry (the current one) and version (every version) tables of the three stores. */
    int values() {
      return 3 * NAMES * (1 + 3);
    }
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sharedRewrapper_rotatesEveryStoreAndKeptVersion_andASecondRunIsANoOp(Kind kind) throws Exception {
    Setup s = new Setup(kind, "full");
    int newKey = s.promote();

    RotationResult first = s.rewrapper().rotationId("svr-full").batchSize(4).build().run();
    RotationResult again = s.rewrapper().rotationId("svr-full-again").batchSize(4).build().run();

    assertThat(first.complete()).isTrue();
    assertThat(first.rowsRewrapped()).isEqualTo(s.values());
    assertThat(first.valuesOffPrimary()).isZero();
    assertThat(s.keyIds()).hasSize(s.values()).containsOnly(newKey);
    assertThat(again.rowsScanned()).isEqualTo(s.values());
    assertThat(again.rowsRewrapped()).isZero();
    s.assertEveryValueReads();

    // a store created (by another instance, with the old keys) after this vault has rotated once
    Keyring old = s.keyring;
    SecretsVault other = SecretsVault.builder(s.db.dataSource(), FieldCipher.create(old)).tablePrefix(s.prefix)
        .readAudit(ReadAudit.OFF).build();
    String late = SecretsTestSupport.unique("late");
    other.createStore(late, "beta", StoreOptions.DEFAULT).put("x", SecretValue.ofString("late value"));
    RotationResult third = s.rewrapper().rotationId("svr-full-late").build().run();
    assertThat(third.rowsRewrapped()).as("its entry and version 1").isEqualTo(2);
    assertThat(s.vault.store(late, "beta").get("x").value().asString()).isEqualTo("late value");
    assertThat(s.keyIds()).containsOnly(newKey);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void stoppedRotation_resumedByAnotherWorker_completes(Kind kind) throws Exception {
    Setup s = new Setup(kind, "stop");
    int newKey = s.promote();
    AtomicInteger batches = new AtomicInteger();
    Rewrapper[] holder = new Rewrapper[1];
    holder[0] = s.rewrapper().rotationId("svr-stop").workerId("w1").batchSize(3).listener(p -> {
      if (batches.incrementAndGet() == 2) {
        holder[0].stop();
      }
    }).build();

    RotationResult stopped = holder[0].run();
    RotationResult resumed = s.rewrapper().rotationId("svr-stop").workerId("w2").batchSize(3).build().run();

    assertThat(stopped.stopped()).isTrue();
    assertThat(stopped.rowsRewrapped()).isEqualTo(6);
    assertThat(resumed.complete()).isTrue();
    assertThat(resumed.rowsScanned()).isEqualTo(s.values() - 6);
    assertThat(resumed.rowsRewrapped()).isEqualTo(s.values() - 6);
    assertThat(s.keyIds()).containsOnly(newKey);
    s.assertEveryValueReads();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void putsDuringTheRotation_areNeverOverwritten(Kind kind) throws Exception {
    Setup s = new Setup(kind, "busy");
    int newKey = s.promote();
    SecretStore store = s.vault.store(s.tenanted, "acme");
    AtomicBoolean rotating = new AtomicBoolean(true);
    AtomicInteger during = new AtomicInteger();
    String[] last = new String[NAMES];
    Thread writer = new Thread(() -> {
      for (int round = 0; rotating.get() || round < 3; round++) {
        for (int i = 0; i < NAMES; i++) {
          String v = "round " + round + " of n" + i;
          if (store.put("n" + i, SecretValue.ofString(v)).isWritten()) {
            last[i] = v;
            if (rotating.get()) {
              during.incrementAndGet();
            }
          }
        }
      }
    });
    writer.start();

    RotationResult result = s.rewrapper().batchSize(2).build().run();
    rotating.set(false);
    writer.join(60_000);

    assertThat(result.complete()).isTrue();
    assertThat(during.get()).as("puts overlapped the rotation").isGreaterThan(0);
    for (int i = 0; i < NAMES; i++) {
      assertThat(store.get("n" + i).value().asString()).isEqualTo(last[i]);
    }
    assertThat(s.keyIds()).containsOnly(newKey);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void oneRotation_overAnApplicationTableAndTheVault_rotatesBoth_andIsAudited(Kind kind) throws Exception {
    Setup s = new Setup(kind, "both");
    String table = s.prefix + "app";
    FieldSpec<String> note = FieldSpec.builder("Order", "note", String.class).build();
    FieldEncryptor<String> notes = s.cipher.field(note);
    s.db.dropTables(table);
    try (Connection c = s.db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, note "
          + (kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(200)") + ")");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
        for (long id = 1; id <= 40; id++) {
          ps.setLong(1, id);
          ps.setBytes(2, notes.encrypt("note " + id));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    int newKey = s.promote();

    RotationResult result = s.vault.rewrap(Rewrapper.builder(s.db.dataSource(), s.cipher)
        .table(EncryptedTable.builder(table).primaryKey("id").column(EncryptedColumn.builder(table, "note", note).build()).build())
        .vaultTables(s.work).rotationId("svr-both").batchSize(7));

    assertThat(result.complete()).isTrue();
    assertThat(result.tables()).extracting(p -> p.table() + "=" + p.rowsRewrapped())
        .containsExactly(table + "=40", s.prefix + "entry=" + 3 * NAMES, s.prefix + "version=" + 3 * 3 * NAMES);
    assertThat(result.valuesOffPrimary()).isZero();
    assertThat(s.keyIds()).containsOnly(newKey);
    try (Connection c = s.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, note FROM " + table)) {
      while (rs.next()) {
        assertThat(CiphertextHeader.parse(rs.getBytes(2)).keyId()).isEqualTo(newKey);
        assertThat(notes.decrypt(rs.getBytes(2))).isEqualTo("note " + rs.getLong(1));
      }
    }
    s.assertEveryValueReads();
    List<AuditEvent> rotated = s.vault.auditEvents(AuditQuery.all().action(AuditAction.KEY_ROTATED)).items();
    assertThat(rotated).filteredOn(e -> e.namespace() == null).singleElement()
        .satisfies(e -> assertThat(e.detail()).startsWith("rotation svr-both: " + s.values() + " data keys rewrapped"));
    // and one event per store, with that store's counts
    assertThat(rotated).filteredOn(e -> e.namespace() != null).hasSize(3)
        .allSatisfy(e -> assertThat(e.detail()).isEqualTo("rotation svr-both: " + s.values() / 3
            + " data keys rewrapped (" + s.values() / 3 + " to rewrap, 0 left)"));
    s.db.dropTables(table);
  }
}
