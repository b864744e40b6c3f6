package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.MigrationPlan;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18 (review b1218 findings 1-3) through Hibernate: a table Hibernate created for an entity's
 * native types (Boolean, Double, Float, LocalDateTime, LocalTime, OffsetDateTime, Instant, BigDecimal,
 * UUID, Integer, Short, LocalDate, Long, String) whose attributes then become {@code @Encrypted}, with
 * BINARY and with TEXT storage, on H2, PostgreSQL and MariaDB: the migration plan's DDL, the plan ready
 * after it, every value loaded under {@code MIGRATE} equal to the value the plain mapping loaded, every
 * value found by an equality query, the migration job complete, and every value equal again under the
 * strict policy. Tables {@code hib_nat_b}, {@code hib_nat_t}.
 */
class MigrationPlanNativeColumnsTest {

  private static final String[] ATTRS = {"flag", "dbl", "flt", "ldt", "lt", "odt", "ins", "dcm", "uid", "num", "sml", "dt", "lng", "txt"};

  /** Plain mapping of hib_nat_b. */
  @Entity(name = "NatPlainB")
  @Table(name = "hib_nat_b")
  public static class NatPlainB {
    @Id
    public Long id;
    public Boolean flag;
    public Double dbl;
    public Float flt;
    public LocalDateTime ldt;
    public LocalTime lt;
    public OffsetDateTime odt;
    public Instant ins;
    @Column(precision = 12, scale = 3)
    public BigDecimal dcm;
    public UUID uid;
    public Integer num;
    public Short sml;
    public LocalDate dt;
    public Long lng;
    @Column(length = 20)
    public String txt;
  }

  /** Encrypted mapping of hib_nat_b. */
  @Entity(name = "NatEncB")
  @Table(name = "hib_nat_b")
  public static class NatEncB {
    @Id
    public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Boolean flag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Double dbl;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Float flt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public LocalDateTime ldt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public LocalTime lt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public OffsetDateTime odt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Instant ins;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    @Column(precision = 12, scale = 3)
    public BigDecimal dcm;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public UUID uid;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Integer num;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Short sml;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public LocalDate dt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    public Long lng;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.BINARY)
    @Column(length = 20)
    public String txt;
  }

  /** Plain mapping of hib_nat_t. */
  @Entity(name = "NatPlainT")
  @Table(name = "hib_nat_t")
  public static class NatPlainT {
    @Id
    public Long id;
    public Boolean flag;
    public Double dbl;
    public Float flt;
    public LocalDateTime ldt;
    public LocalTime lt;
    public OffsetDateTime odt;
    public Instant ins;
    @Column(precision = 12, scale = 3)
    public BigDecimal dcm;
    public UUID uid;
    public Integer num;
    public Short sml;
    public LocalDate dt;
    public Long lng;
    @Column(length = 20)
    public String txt;
  }

  /** Encrypted mapping of hib_nat_t. */
  @Entity(name = "NatEncT")
  @Table(name = "hib_nat_t")
  public static class NatEncT {
    @Id
    public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Boolean flag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Double dbl;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Float flt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public LocalDateTime ldt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public LocalTime lt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public OffsetDateTime odt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Instant ins;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    @Column(precision = 12, scale = 3)
    public BigDecimal dcm;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public UUID uid;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Integer num;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Short sml;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public LocalDate dt;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    public Long lng;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
    @Column(length = 20)
    public String txt;
  }

  static Stream<Arguments> databasesAndStorages() {
    return TestDatabases.all().flatMap(k -> Stream.of(Arguments.of(k, ColumnStorage.BINARY),
        Arguments.of(k, ColumnStorage.TEXT)));
  }

  private static final Object[][] VALUES = {
    {true, 1.0, 1.5f, LocalDateTime.of(2024, 1, 31, 10, 15), LocalTime.of(10, 15),
        OffsetDateTime.of(2024, 1, 31, 10, 15, 1, 0, ZoneOffset.UTC), Instant.parse("2024-01-31T10:15:01Z"),
        new BigDecimal("2.500"), UUID.fromString("0f0e0d0c-0b0a-0908-0706-0504030201aa"), 825373492, (short) 12594,
        LocalDate.of(2024, 1, 31), 3544952156018063160L, "héllo"},
    {false, 0.1, 0.1f, LocalDateTime.of(2024, 1, 31, 10, 15, 1, 500_000_000), LocalTime.of(10, 15, 1),
        OffsetDateTime.of(2024, 1, 31, 10, 15, 1, 500_000_000, ZoneOffset.UTC), Instant.parse("2024-01-31T10:15:01.500Z"),
        new BigDecimal("10.000"), UUID.fromString("AF0E0D0C-0B0A-0908-0706-0504030201AA"), -7, (short) -1,
        LocalDate.of(1999, 12, 31), -5L, "1234"},
    {true, 1e20, 1e10f, LocalDateTime.of(2024, 1, 31, 10, 15, 1, 123_456_000), LocalTime.of(23, 59, 59),
        OffsetDateTime.of(2024, 1, 31, 10, 15, 1, 123_456_000, ZoneOffset.UTC),
        Instant.parse("2024-01-31T10:15:01.123456Z"), new BigDecimal("0.001"),
        UUID.fromString("00000000-0000-0000-0000-000000000001"), Integer.MAX_VALUE, Short.MIN_VALUE,
        LocalDate.of(2024, 2, 29), Long.MIN_VALUE, "x"},
    {false, -1e-5, -2.5e-6f, LocalDateTime.of(2024, 6, 1, 12, 0, 0, 1000), LocalTime.MIDNIGHT,
        OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 1000, ZoneOffset.UTC), Instant.parse("2024-06-01T12:00:00.000001Z"),
        new BigDecimal("-5.000"), UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), 0, (short) 0,
        LocalDate.of(1970, 1, 1), 0L, ""},
    {null, null, null, null, null, null, null, null, null, null, null, null, null, null}};

  private static Object get(Object o, String f) throws ReflectiveOperationException {
    return o.getClass().getField(f).get(o);
  }

  private static boolean same(Object want, Object got) {
    if (want instanceof OffsetDateTime && got instanceof OffsetDateTime) {
      return ((OffsetDateTime) want).isEqual((OffsetDateTime) got);
    }
    if (want instanceof BigDecimal && got instanceof BigDecimal) {
      return ((BigDecimal) want).compareTo((BigDecimal) got) == 0;
    }
    return Objects.equals(want, got);
  }

  private static SessionFactory factory(TestDatabase db, Keyring keyring, String policy, boolean create,
      Class<?> entity) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    if (policy != null) {
      settings.put(FieldVaultSettings.PLAINTEXT_POLICY, policy);
    }
    settings.put("hibernate.hbm2ddl.auto", create ? "create" : "none");
    return Jpa.build(db, settings, entity);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndStorages")
  void nativeColumns_convertedByThePlan_loadSearchAndMigrate_withEveryValueKept(TestDatabases.Kind kind,
      ColumnStorage storage) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    boolean binary = storage == ColumnStorage.BINARY;
    String table = binary ? "hib_nat_b" : "hib_nat_t";
    Class<?> plainType = binary ? NatPlainB.class : NatPlainT.class;
    Class<?> encType = binary ? NatEncB.class : NatEncT.class;
    VaultTables vaultTables = VaultTables.withPrefix(table + "_fv_");
    db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
    try {
      // the application before encryption: Hibernate's own schema and values
      List<Object[]> stored = new ArrayList<>();
      try (SessionFactory plain = factory(db, Keyring.generate("unused"), null, true, plainType)) {
        Jpa.tx(plain, s -> {
          try {
            for (int r = 0; r < VALUES.length; r++) {
              Object p = plainType.getConstructor().newInstance();
              plainType.getField("id").set(p, (long) r + 1);
              for (int i = 0; i < ATTRS.length; i++) {
                plainType.getField(ATTRS[i]).set(p, VALUES[r][i]);
              }
              s.persist(p);
            }
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        });
        try (Session s = plain.openSession()) {
          for (long id = 1; id <= VALUES.length; id++) {
            Object p = s.find(plainType, id);
            Object[] row = new Object[ATTRS.length];
            for (int i = 0; i < ATTRS.length; i++) {
              row[i] = get(p, ATTRS[i]);
            }
            stored.add(row);
          }
        }
      }
      Keyring keyring = Keyring.generate("hib-native-plan");
      try (SessionFactory migrating = factory(db, keyring, "MIGRATE", false, encType)) {
        HibernateVault vault = HibernateVault.of(migrating);
        MigrationPlan plan = MigrationPlan.scan(db.dataSource(), vault.cipher(), HibernateRotation.tables(vault));
        assertThat(plan.ready()).isFalse();
        assertThat(plan.columns()).as(plan.describe()).allSatisfy(p -> assertThat(p.unreadableValues()).isZero());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
          for (String ddl : plan.ddl()) {
            st.execute(ddl.substring(0, ddl.length() - 1));
          }
        }
        MigrationPlan after = MigrationPlan.scan(db.dataSource(), vault.cipher(), HibernateRotation.tables(vault));
        assertThat(after.ready()).as(after.describe()).isTrue();

        assertEveryValue(migrating, encType, stored, "MIGRATE");

        vaultTables.install(db.dataSource());
        RotationResult result = HibernateRotation.rewrapper(vault, db.dataSource()).vaultTables(vaultTables)
            .migratePlaintext(true).build().run();
        assertThat(result.complete()).as(result.describeRemaining()).isTrue();
        assertThat(result.plaintextValues()).isZero();
      }
      try (SessionFactory strict = factory(db, keyring, null, false, encType)) {
        assertEveryValue(strict, encType, stored, "strict");
      }
    } finally {
      db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
    }
  }

  private static void assertEveryValue(SessionFactory sf, Class<?> type, List<Object[]> stored, String phase)
      throws ReflectiveOperationException {
    List<String> wrong = new ArrayList<>();
    String entity = type.getSimpleName();
    try (Session s = sf.openSession()) {
      for (long id = 1; id <= stored.size(); id++) {
        Object e = s.find(type, id);
        for (int i = 0; i < ATTRS.length; i++) {
          Object want = stored.get((int) id - 1)[i];
          Object got = get(e, ATTRS[i]);
          if (!same(want, got)) {
            wrong.add(phase + " load " + ATTRS[i] + " row " + id + ": " + got + ", want " + want);
          }
        }
      }
      s.clear();
      for (int i = 0; i < ATTRS.length; i++) {
        for (int r = 0; r < stored.size(); r++) {
          Object v = stored.get(r)[i];
          if (v == null) {
            continue;
          }
          List<Long> want = new ArrayList<>();
          for (int k = 0; k < stored.size(); k++) {
            if (Objects.equals(stored.get(k)[i], v)) {
              want.add((long) k + 1);
            }
          }
          List<Long> got = s.createQuery("select p.id from " + entity + " p where p." + ATTRS[i] + " = :v order by p.id",
              Long.class).setParameter("v", v).getResultList();
          if (!got.equals(want)) {
            wrong.add(phase + " search " + ATTRS[i] + " = " + v + ": " + got + ", want " + want);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }
}
