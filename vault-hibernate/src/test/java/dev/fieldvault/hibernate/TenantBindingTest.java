package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.hibernate.entities.TenantCustomer;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Entities with a @TenantId bind every @Encrypted value (and blind index) to the session's tenant. */
class TenantBindingTest {

  private static final String TABLE = "htn_customer";
  /**
   * The test JVM logs binds at TRACE (src/test/resources/logging.properties, for HibernateLoggingTest);
   * tenant entities refuse to start under it, so this class lowers it (held: JUL keeps loggers weakly).
   */
  private static final java.util.logging.Logger BIND = java.util.logging.Logger.getLogger("org.hibernate.orm.jdbc.bind");
  private static java.util.logging.Level bindLevel;

  @BeforeAll
  static void bindLoggingBelowTrace() {
    bindLevel = BIND.getLevel();
    BIND.setLevel(java.util.logging.Level.INFO);
  }

  @AfterAll
  static void restoreBindLogging() {
    BIND.setLevel(bindLevel);
  }

  @Test
  void traceBindLogging_withTenantEntities_failsAtStartup_namingTheAttributesAndTheLogger() {
    BIND.setLevel(java.util.logging.Level.ALL);
    try {
      TestDatabase db = TestDatabases.h2();
      Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
          () -> Jpa.build(db, Keyring.generate("htn-trace"), TenantCustomer.class).close());
      StringBuilder all = new StringBuilder();
      boolean typed = false;
      for (Throwable c = t; c != null; c = c.getCause()) {
        all.append(c.getMessage()).append('\n');
        typed |= c instanceof VaultConfigurationException;
      }
      assertThat(typed).as("a VaultConfigurationException in the cause chain of %s", t).isTrue();
      assertThat(all.toString()).contains("org.hibernate.orm.jdbc.bind", "TRACE", "TenantCustomer.email",
          "DEBUG or above");
      // entities without a tenant start under TRACE (their values are encrypted before the binder logs):
      // HibernateLoggingTest shows it and that no plaintext is logged
    } finally {
      BIND.setLevel(java.util.logging.Level.INFO);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void twoTenants_sameValues_differentCiphertexts_eachFindsOnlyItsOwnRows_andCopiesFail(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("htn"), TenantCustomer.class)) {
      TenantCustomer a = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      TenantCustomer b = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      persist(sf, "acme", a);
      persist(sf, "globex", b);
      assertThat((byte[]) Jpa.raw(db, TABLE, "email", a.id)).as("deterministic, but per tenant")
          .isNotEqualTo(Jpa.raw(db, TABLE, "email", b.id));
      assertThat((byte[]) Jpa.raw(db, TABLE, "phone_bidx", a.id)).isNotEqualTo(Jpa.raw(db, TABLE, "phone_bidx", b.id));

      HibernateVault vault = HibernateVault.of(sf);
      for (TenantCustomer mine : List.of(a, b)) {
        String tenant = mine == a ? "acme" : "globex";
        Jpa.call(sf, tenant, s -> {
          TenantCustomer loaded = s.find(TenantCustomer.class, mine.id);
          assertThat(loaded.email).isEqualTo("ann@example.com");
          assertThat(loaded.ssn).isEqualTo("111-11-1111");
          assertThat(loaded.phone).isEqualTo("555-0101");
          assertThat(byEmail(s, "ann@example.com")).extracting(c -> c.id).containsExactly(mine.id);
          assertThat(byEmailCriteria(s, "ann@example.com")).extracting(c -> c.id).containsExactly(mine.id);
          assertThat(s.createSelectionQuery("from TenantCustomer c where c.phoneIndex in :bis", TenantCustomer.class)
              .setParameter("bis", vault.blindIndexes(s, TenantCustomer.class, "phone", "555-0101"))
              .getResultList()).extracting(c -> c.id).containsExactly(mine.id);
          return null;
        });
      }
      // the other tenant's search values do not match these rows, even without Hibernate's tenant filter
      List<byte[]> acmeIndexes = Jpa.call(sf, "acme", s -> vault.blindIndexes(s, TenantCustomer.class, "phone", "555-0101"));
      assertThat(acmeIndexes).noneSatisfy(bi -> assertThat(bi).isEqualTo(rawBytes(db, "phone_bidx", b.id)));
      assertThatThrownBy(() -> vault.blindIndexes(TenantCustomer.class, "phone", "555-0101"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blindIndexes(session");

      // a ciphertext copied from acme's row into globex's row fails in globex's session
      for (String column : List.of("email", "phone")) {
        Object original = Jpa.raw(db, TABLE, column, b.id);
        Jpa.update(db, "update " + TABLE + " set " + column + " = ? where id = ?", Jpa.raw(db, TABLE, column, a.id), b.id);
        assertThatThrownBy(() -> Jpa.call(sf, "globex", s -> s.find(TenantCustomer.class, b.id)))
            .isInstanceOf(AttributeDecryptionException.class)
            .hasCauseInstanceOf(DecryptionFailedException.class)
            .hasMessageContaining("TenantCustomer." + column)
            .hasMessageNotContaining("ann@example.com").hasMessageNotContaining("555-0101");
        Jpa.update(db, "update " + TABLE + " set " + column + " = ? where id = ?", original, b.id);
      }
      assertThat(Jpa.call(sf, "globex", s -> s.find(TenantCustomer.class, b.id)).phone).isEqualTo("555-0101");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void perTenantKeyrings_areUsed_andForgettingATenantShredsOnlyItsRows(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    Keyring defaults = Keyring.generate("htn-default");
    Map<String, Keyring> tenantKeys = tenantKeyrings();
    FieldCipher cipher = FieldCipher.create(defaults, t -> Optional.ofNullable(tenantKeys.get(t)));
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, cipher), TenantCustomer.class)) {
      TenantCustomer a = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      TenantCustomer b = new TenantCustomer("bob@example.com", "222-22-2222", "555-0102");
      persist(sf, "acme", a);
      persist(sf, "globex", b);
      assertThat(keyIdOf(db, "phone", a.id)).isEqualTo(tenantKeys.get("acme").aead().orElseThrow().primary().keyId());
      assertThat(keyIdOf(db, "email", b.id))
          .isEqualTo(tenantKeys.get("globex").deterministic().orElseThrow().primary().keyId());

      tenantKeys.remove("acme"); // erasure request: the tenant's keysets are deleted
      cipher.forgetTenant("acme");

      assertThatThrownBy(() -> Jpa.call(sf, "acme", s -> s.find(TenantCustomer.class, a.id)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(KeyUnavailableException.class)
          .hasMessageContaining("acme");
      Jpa.call(sf, "globex", s -> {
        TenantCustomer loaded = s.find(TenantCustomer.class, b.id);
        assertThat(loaded.ssn).isEqualTo("222-22-2222");
        assertThat(byEmail(s, "bob@example.com")).extracting(c -> c.id).containsExactly(b.id);
        return null;
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void duringARotation_aTenantsOldRowsAreFound_andATenantWithMoreKeysThanPlannedFails_neverMissesRows(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    Keyring defaults = Keyring.generate("htn-default");
    Map<String, Keyring> tenantKeys = tenantKeyrings();
    FieldCipher cipher = FieldCipher.create(defaults, t -> Optional.ofNullable(tenantKeys.get(t)));
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, cipher), TenantCustomer.class)) {
      TenantCustomer a = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      TenantCustomer b = new TenantCustomer("bob@example.com", "222-22-2222", "555-0102");
      persist(sf, "acme", a);
      persist(sf, "globex", b);
      // a rotation: two readable deterministic keys by default and for globex, three for acme
      HibernateVault.of(sf).reload(defaults.with(defaults.deterministic().orElseThrow().rotate()));
      Keyring globex = tenantKeys.get("globex");
      tenantKeys.put("globex", globex.with(globex.deterministic().orElseThrow().rotate()));
      Keyring acme = tenantKeys.get("acme");
      tenantKeys.put("acme", acme.with(acme.deterministic().orElseThrow().rotate().rotate()));
      cipher.forgetTenant("globex");
      cipher.forgetTenant("acme");

      // globex's row is under its older key, and found by both query forms
      List<TenantCustomer> byHql = Jpa.call(sf, "globex", s -> byEmail(s, "bob@example.com"));
      List<TenantCustomer> byCriteria = Jpa.call(sf, "globex", s -> byEmailCriteria(s, "bob@example.com"));
      assertThat(byHql).extracting(c -> c.id).containsExactly(b.id);
      assertThat(byCriteria).extracting(c -> c.id).containsExactly(b.id);
      // acme's keyset has more readable keys than the query was planned for: refused, not a silent miss
      Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
          () -> Jpa.call(sf, "acme", s -> byEmail(s, "ann@example.com")));
      StringBuilder chain = new StringBuilder();
      for (Throwable c = refused; c != null; c = c.getCause()) {
        chain.append(c.getMessage()).append('\n');
      }
      assertThat(chain.toString()).contains("TenantCustomer.email").contains("readable deterministic keys")
          .doesNotContain("ann@example.com");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void rotation_rewrapsEachRowInItsTenantsContext(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    VaultTables work = VaultTables.withPrefix("htn_fv_");
    db.dropTables(TABLE, work.rotationRange(), work.rotation(), work.keyset());
    work.install(db.dataSource());
    Keyring keyring = Keyring.generate("htn-rot");
    try (SessionFactory sf = Jpa.build(db, keyring, TenantCustomer.class)) {
      for (String tenant : List.of("acme", "globex")) {
        Jpa.call(sf, tenant, s -> {
          for (int i = 0; i < 20; i++) {
            s.persist(new TenantCustomer(tenant + i + "@example.com", "ssn " + i, "phone " + i));
          }
          return null;
        });
      }
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attribute(TenantCustomer.class, "email").tenantColumn()).isEqualToIgnoringCase("tenant_id");
      List<EncryptedTable> tables = HibernateRotation.tables(vault);
      assertThat(tables).singleElement().satisfies(t -> assertThat(t.tenantColumn()).isEqualToIgnoringCase("tenant_id"));

      Keyring rotated = keyring.with(keyring.aead().orElseThrow().rotate())
          .with(keyring.deterministic().orElseThrow().rotate())
          .with(keyring.prf().orElseThrow().rotate());
      vault.reload(rotated);
      // before the rewrap, equality search in a tenant's session still finds rows under the old key
      List<TenantCustomer> duringRotation = Jpa.call(sf, "acme", s -> byEmail(s, "acme3@example.com"));
      assertThat(duringRotation).singleElement().satisfies(c -> assertThat(c.ssn).isEqualTo("ssn 3"));
      List<TenantCustomer> otherTenant = Jpa.call(sf, "globex", s -> byEmail(s, "acme3@example.com"));
      assertThat(otherTenant).isEmpty();
      RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(work).batchSize(8)
          .build().run();
      assertThat(result.complete()).isTrue();
      assertThat(result.rowsRewrapped()).isEqualTo(40);
      int aead = rotated.aead().orElseThrow().primary().keyId();
      assertThat(keyIds(db, "ssn")).containsExactly(aead);
      assertThat(keyIds(db, "phone")).containsExactly(aead);
      assertThat(keyIds(db, "email")).containsExactly(rotated.deterministic().orElseThrow().primary().keyId());

      for (String tenant : List.of("acme", "globex")) {
        Jpa.call(sf, tenant, s -> {
          List<TenantCustomer> found = byEmail(s, tenant + "7@example.com");
          assertThat(found).singleElement().satisfies(c -> {
            assertThat(c.ssn).isEqualTo("ssn 7");
            assertThat(c.phone).isEqualTo("phone 7");
          });
          assertThat(s.createSelectionQuery("from TenantCustomer c where c.phoneIndex in :bis", TenantCustomer.class)
              .setParameter("bis", vault.blindIndexes(s, TenantCustomer.class, "phone", "phone 7"))
              .getResultList()).extracting(c -> c.email).containsExactly(tenant + "7@example.com");
          return null;
        });
      }
    } finally {
      db.dropTables(work.rotationRange(), work.rotation(), work.keyset());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aTenantBoundAttributeReadWithoutItsEntityLoad_failsSayingHowToReadIt_neverLeaksTheSealedValue(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("htn-scalar"), TenantCustomer.class)) {
      TenantCustomer a = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      persist(sf, "acme", a);
      Jpa.call(sf, "acme", s -> {
        assertThatThrownBy(() -> s.createQuery("select c.phone from TenantCustomer c", Object.class).getResultList())
            .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("TenantCustomer.phone")
            .hasMessageContaining("Select the entity").hasMessageNotContaining("555-0101");
        assertThatThrownBy(() -> s.createQuery("select c.email from TenantCustomer c where c.email = :e",
            Object.class).setParameter("e", "ann@example.com").getResultList())
            .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("TenantCustomer.email");
        // what works: the entity, found by its deterministic attribute
        assertThat(s.createQuery("select c from TenantCustomer c where c.email = :e", TenantCustomer.class)
            .setParameter("e", "ann@example.com").getSingleResult().phone).isEqualTo("555-0101");
        return null;
      });
      try (org.hibernate.StatelessSession ss = sf.withStatelessOptions().tenantIdentifier("acme")
          .openStatelessSession()) {
        assertThatThrownBy(() -> ss.get(TenantCustomer.class, a.id))
            .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("StatelessSession")
            .hasMessageContaining("TenantCustomer.").hasMessageNotContaining("555-0101");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aSessionWithoutTenant_isRefusedWithAClearError(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("htn-none"), TenantCustomer.class)) {
      TenantCustomer a = new TenantCustomer("ann@example.com", "111-11-1111", "555-0101");
      persist(sf, "acme", a);
      // Hibernate itself refuses a session without a tenant once an entity has a @TenantId ...
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(TenantCustomer.class, a.id)))
          .isInstanceOf(HibernateException.class).hasMessageContaining("no tenant identifier");
      // ... and FieldVault refuses to compute a tenant entity's search values without a tenant
      try (SessionFactory plain = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, Keyring.generate("htn-plain"),
          "hibernate.hbm2ddl.auto", "none"), Customer.class); Session untenanted = plain.openSession()) {
        HibernateVault vault = HibernateVault.of(sf);
        assertThatThrownBy(() -> vault.blindIndexes(untenanted, TenantCustomer.class, "phone", "555-0101"))
            .isInstanceOf(VaultConfigurationException.class)
            .hasMessageContaining("TenantCustomer.phone").hasMessageContaining("@TenantId")
            .hasMessageContaining("tenantIdentifier");
      }
      assertThat(count(db)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void jdbcWrapperBridge_refusesTenantEntities_andOtherEntitiesHaveNoTenantColumn(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE, "hib_customer");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("htn-jdbc"), TenantCustomer.class, Customer.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attribute(Customer.class, "email").tenantColumn()).isNull();
      assertThatThrownBy(() -> HibernateJdbc.encryptedColumns(vault))
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("TenantCustomer.").hasMessageContaining("@TenantId");
    }
  }

  /** Persists one entity in a session of the tenant's. */
  private static void persist(SessionFactory sf, String tenant, Object entity) {
    Jpa.call(sf, tenant, s -> {
      s.persist(entity);
      return null;
    });
  }

  /** A keyring of its own for each of the tenants acme and globex, in a map the test may change (erasure, rotation). */
  private static Map<String, Keyring> tenantKeyrings() {
    return new ConcurrentHashMap<>(Map.of("acme", Keyring.generate("htn-acme"), "globex", Keyring.generate("htn-globex")));
  }

  private static List<TenantCustomer> byEmail(Session s, String email) {
    return s.createSelectionQuery("from TenantCustomer c where c.email = :e", TenantCustomer.class)
        .setParameter("e", email).getResultList();
  }

  private static List<TenantCustomer> byEmailCriteria(Session s, String email) {
    CriteriaBuilder cb = s.getCriteriaBuilder();
    CriteriaQuery<TenantCustomer> q = cb.createQuery(TenantCustomer.class);
    Root<TenantCustomer> root = q.from(TenantCustomer.class);
    q.where(cb.equal(root.get("email"), email));
    return s.createQuery(q).getResultList();
  }

  private static byte[] rawBytes(TestDatabase db, String column, Object id) throws Exception {
    return (byte[]) Jpa.raw(db, TABLE, column, id);
  }

  private static int keyIdOf(TestDatabase db, String column, Object id) throws Exception {
    return CiphertextHeader.parse(rawBytes(db, column, id)).keyId();
  }

  private static Set<Integer> keyIds(TestDatabase db, String column) throws Exception {
    Set<Integer> ids = new HashSet<>();
    try (Connection c = db.connect(); var st = c.createStatement();
        ResultSet rs = st.executeQuery("select " + column + " from " + TABLE)) {
      while (rs.next()) {
        ids.add(CiphertextHeader.parse(rs.getBytes(1)).keyId());
      }
    }
    return ids;
  }

  private static long count(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); var st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Under MIGRATE, a tenant's legacy plaintext rows are found by its equality searches (and only its
   * own), read, and written encrypted in the tenant's context (blind index included) at the flush.
   */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void underMigrate_aTenantsPlaintextRows_areFoundReadAndMigratedInItsContext(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables(TABLE);
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, Keyring.generate("htn-migrate"),
        FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE"), TenantCustomer.class)) {
      for (Object[] row : new Object[][] {{1L, "acme"}, {2L, "globex"}}) {
        Jpa.update(db, "insert into " + TABLE + " (id, tenant_id, email, ssn, phone) values (?, ?, ?, ?, ?)", row[0],
            row[1], "ann@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            ("ssn-" + row[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "555-0101".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      Jpa.call(sf, "acme", s -> {
        List<TenantCustomer> found = s.createQuery("select c from TenantCustomer c where c.email = :e",
            TenantCustomer.class).setParameter("e", "ann@example.com").getResultList();
        assertThat(found).extracting(c -> c.id).containsExactly(1L);
        assertThat(found.get(0).ssn).isEqualTo("ssn-1");
        return null;
      });
      assertThat(CiphertextHeader.hasCiphertextForm((byte[]) Jpa.raw(db, TABLE, "email", 1L))).isTrue();
      assertThat(CiphertextHeader.hasCiphertextForm((byte[]) Jpa.raw(db, TABLE, "ssn", 1L))).isTrue();
      assertThat(CiphertextHeader.hasCiphertextForm((byte[]) Jpa.raw(db, TABLE, "email", 2L)))
          .as("the other tenant's row was not loaded").isFalse();
      HibernateVault vault = HibernateVault.of(sf);
      Jpa.call(sf, "acme", s -> {
        TenantCustomer one = s.find(TenantCustomer.class, 1L);
        assertThat(one.email).isEqualTo("ann@example.com");
        assertThat(one.ssn).isEqualTo("ssn-1");
        assertThat(s.createQuery("select c.id from TenantCustomer c where c.phoneIndex in :idx", Long.class)
            .setParameter("idx", vault.blindIndexes(s, TenantCustomer.class, "phone", "555-0101")).getResultList())
            .as("the blind index was filled in acme's context").containsExactly(1L);
        return null;
      });
      TenantCustomer fromGlobex = Jpa.call(sf, "globex", s -> s.find(TenantCustomer.class, 1L));
      assertThat(fromGlobex).as("acme's row").isNull();
      assertThat(vault.plaintextReads()).containsEntry("TenantCustomer.email", 1L)
          .containsEntry("TenantCustomer.ssn", 1L).containsEntry("TenantCustomer.phone", 1L);
    }
  }

}
