package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.MigrationPlan.ColumnPlan;
import dev.fieldvault.jdbc.rotation.MigrationPlan.Verdict;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18 (review b1218 findings 1-3): a legacy table whose columns have the database's native types
 * (as Hibernate or an application created them: INTEGER, BIGINT, SMALLINT, DOUBLE, REAL, NUMERIC,
 * BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMP WITH TIME ZONE / DATETIME for an {@code Instant} and an
 * {@code OffsetDateTime}, UUID, VARCHAR), declared encrypted with BINARY and with TEXT storage, on H2,
 * PostgreSQL and MariaDB: the plan's own DDL converts every value to a text the legacy reader takes (never
 * a native type's raw bytes), the plan is then ready, the wrapper reads every value and finds it by an
 * equality search under migration, the job encrypts every value, and a strict read gives every original
 * value back. Native types the plan does not trust are NOT_CONVERTIBLE (no DDL), and values that cannot
 * be read make a column UNREADABLE (no DDL, not ready).
 */
class MigrationPlanNativeTypesTest {

  private static final String PREFIX = "mpn_" + Long.toString(ProcessHandle.current().pid(), 36);

  /** A column: its name, its native SQL type per database (H2, PostgreSQL, MariaDB), its Java type, its values. */
  private record Col(String name, String h2, String pg, String maria, Class<?> type, Object... values) {
    String sql(TestDatabases.Kind kind) {
      return kind == TestDatabases.Kind.H2 ? h2 : kind == TestDatabases.Kind.POSTGRES ? pg : maria;
    }
  }

  private static final OffsetDateTime INDIA = OffsetDateTime.of(2024, 1, 31, 18, 0, 7, 250_000_000,
      ZoneOffset.ofHoursMinutes(5, 30));

  /** Row i (1-based) holds values[i - 1] of every column (null past its values), one more row all null. */
  private static final List<Col> COLUMNS = List.of(
      new Col("c_int", "INTEGER", "INTEGER", "INTEGER", Integer.class, 825373492, 42, -7, 0, Integer.MAX_VALUE,
          Integer.MIN_VALUE),
      new Col("c_big", "BIGINT", "BIGINT", "BIGINT", Long.class, 3544952156018063160L, 7L, -5L, Long.MAX_VALUE,
          Long.MIN_VALUE),
      new Col("c_small", "SMALLINT", "SMALLINT", "SMALLINT", Short.class, (short) 12594, (short) -1,
          Short.MAX_VALUE),
      new Col("c_dbl", "DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE", Double.class, 1e20, 0.1, -1e-5,
          0.30000000000000004, 12345678.9, 1.2345678901234567e-300),
      // MariaDB turns a FLOAT into text with 6 significant digits (its driver reads it so too): values with 6
      new Col("c_real", "REAL", "REAL", "FLOAT", Float.class, 1.5f, 0.1f, 1e10f, -2.5e-6f, 123456f),
      new Col("c_num", "NUMERIC(12,3)", "NUMERIC(12,3)", "DECIMAL(12,3)", BigDecimal.class, new BigDecimal("2.500"),
          new BigDecimal("-5.000"), new BigDecimal("0.001"), new BigDecimal("123456789.123")),
      new Col("c_bool", "BOOLEAN", "BOOLEAN", "BOOLEAN", Boolean.class, true, false, true),
      new Col("c_date", "DATE", "DATE", "DATE", LocalDate.class, LocalDate.of(2024, 1, 31), LocalDate.of(1970, 1, 1),
          LocalDate.of(2024, 2, 29)),
      new Col("c_time", "TIME(6)", "TIME(6)", "TIME(6)", LocalTime.class, LocalTime.of(10, 15, 1, 500_000_000),
          LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_000), LocalTime.of(10, 15)),
      new Col("c_ts", "TIMESTAMP(6)", "TIMESTAMP(6)", "DATETIME(6)", LocalDateTime.class,
          LocalDateTime.of(2024, 1, 31, 10, 15, 1, 500_000_000), LocalDateTime.of(2024, 1, 31, 0, 0),
          LocalDateTime.of(2024, 6, 1, 12, 0, 0, 1000)),
      new Col("c_ins", "TIMESTAMP(6) WITH TIME ZONE", "TIMESTAMPTZ(6)", "DATETIME(6)", Instant.class,
          Instant.parse("2024-01-31T10:15:01.500Z"), Instant.parse("2024-01-31T10:15:01.123456Z"),
          Instant.parse("2024-06-01T00:00:00Z"), Instant.parse("2024-01-31T10:15:30Z")),
      new Col("c_odt", "TIMESTAMP(6) WITH TIME ZONE", "TIMESTAMPTZ(6)", "DATETIME(6)", OffsetDateTime.class,
          OffsetDateTime.of(2024, 1, 31, 10, 15, 1, 500_000_000, ZoneOffset.UTC), INDIA,
          OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 1000, ZoneOffset.UTC)),
      new Col("c_uuid", "UUID", "UUID", "UUID", UUID.class, UUID.fromString("0f0e0d0c-0b0a-0908-0706-0504030201aa"),
          UUID.fromString("AF0E0D0C-0B0A-0908-0706-0504030201AA"), UUID.fromString("00000000-0000-0000-0000-000000000007")),
      new Col("c_text", "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)", String.class, "héllo wörld", "1234", "  x  "),
      // MariaDB only: Hibernate's BIT for a Boolean, and a TIMESTAMP (kept in UTC, shown in the session's zone)
      new Col("c_bit", null, null, "BIT(1)", Boolean.class, true, false),
      new Col("c_mts", null, null, "TIMESTAMP(6) NULL", Instant.class, Instant.parse("2024-01-31T10:15:01.500Z"),
          Instant.parse("2024-06-01T23:30:00Z")));

  static Stream<Arguments> databasesAndStorages() {
    return TestDatabases.all().flatMap(k -> Stream.of(Arguments.of(k, ColumnStorage.BINARY),
        Arguments.of(k, ColumnStorage.TEXT)));
  }

  private static List<Col> columns(TestDatabases.Kind kind) {
    return COLUMNS.stream().filter(c -> c.sql(kind) != null).collect(Collectors.toList());
  }

  private static int rows(List<Col> cols) {
    return cols.stream().mapToInt(c -> c.values().length).max().orElse(0) + 1;
  }

  private static Object value(Col c, int row) {
    return row <= c.values().length ? c.values()[row - 1] : null;
  }

  /**
   * The value as the database keeps it: PostgreSQL's {@code timestamptz} and MariaDB's {@code DATETIME}
   * keep an instant, not its offset, so an {@code OffsetDateTime} comes back (and is encrypted) at UTC.
   */
  private static Object kept(TestDatabases.Kind kind, Object v) {
    return v instanceof OffsetDateTime && kind != TestDatabases.Kind.H2
        ? ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC) : v;
  }

  private static EncryptedColumns declared(String table, List<Col> cols, ColumnStorage storage, boolean legacy) {
    EncryptedColumns.Builder b = EncryptedColumns.builder();
    for (Col c : cols) {
      b.add(column(table, c, storage, legacy));
    }
    return b.build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static EncryptedColumn column(String table, Col c, ColumnStorage storage, boolean legacy) {
    return EncryptedColumn.builder(table, c.name(), (Class) c.type()).mode(EncryptionMode.DETERMINISTIC)
        .storage(storage).context("Native", c.name()).legacyPlaintext(legacy).build();
  }

  /** The value as bound for the native column (a time zone's instant as the database's driver takes it). */
  private static Object bindable(TestDatabases.Kind kind, Object v) {
    if (v instanceof Instant) {
      return kind == TestDatabases.Kind.MARIADB ? LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC)
          : ((Instant) v).atOffset(ZoneOffset.UTC);
    }
    if (v instanceof OffsetDateTime && kind == TestDatabases.Kind.MARIADB) {
      return LocalDateTime.ofInstant(((OffsetDateTime) v).toInstant(), ZoneOffset.UTC);
    }
    if (v instanceof UUID && kind == TestDatabases.Kind.MARIADB) {
      return v.toString();
    }
    return v;
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

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndStorages")
  void thePlansDdl_convertsEveryNativeType_toReadableText_andEveryValueSurvivesTheMigration(TestDatabases.Kind kind,
      ColumnStorage storage) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String table = PREFIX + "_" + storage.name().charAt(0) + "_types";
    VaultTables vaultTables = VaultTables.withPrefix(table + "_fv_");
    List<Col> cols = columns(kind);
    int rows = rows(cols);
    db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
    try {
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, "
            + cols.stream().map(col -> col.name() + " " + col.sql(kind)).collect(Collectors.joining(", ")) + ")");
        if (kind == TestDatabases.Kind.MARIADB) {
          // the TIMESTAMP's values are written in another zone: the plan's DDL must still give their UTC text
          st.execute("SET time_zone = '+05:00'");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, "
            + cols.stream().map(Col::name).collect(Collectors.joining(", ")) + ") VALUES (?"
            + ", ?".repeat(cols.size()) + ")")) {
          for (int r = 1; r <= rows; r++) {
            ps.setLong(1, r);
            for (int i = 0; i < cols.size(); i++) {
              Object v = value(cols.get(i), r);
              if (v != null && cols.get(i).name().equals("c_mts")) {
                v = LocalDateTime.ofInstant((Instant) v, ZoneOffset.ofHours(5));
              } else {
                v = bindable(kind, v);
              }
              ps.setObject(i + 2, v);
            }
            ps.executeUpdate();
          }
        }
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("native-plan"));
      EncryptedColumns legacyColumns = declared(table, cols, storage, true);
      List<EncryptedTable> tables = List.of(EncryptedTable.builder(table).primaryKey("id")
          .columnsOf(legacyColumns.all()).build());

      MigrationPlan plan = MigrationPlan.scan(db.dataSource(), cipher, tables);

      Map<String, ColumnPlan> byName = plan.columns().stream().collect(Collectors.toMap(ColumnPlan::column, p -> p));
      for (Col col : cols) {
        ColumnPlan p = byName.get(col.name());
        assertThat(p.plaintextValues()).as(col.name() + " readable before the DDL\n" + plan.describe())
            .isEqualTo(col.values().length);
        assertThat(p.unreadableValues()).as(col.name()).isZero();
        assertThat(p.verdict()).as(col.name()).isEqualTo(col.type() == String.class && storage == ColumnStorage.TEXT
            ? Verdict.TOO_NARROW : Verdict.WRONG_TYPE);
        assertThat(p.ddl()).as(col.name()).isNotEmpty();
      }
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        for (String ddl : plan.ddl()) {
          st.execute(ddl.substring(0, ddl.length() - 1));
        }
      }
      MigrationPlan after = MigrationPlan.scan(db.dataSource(), cipher, tables);
      assertThat(after.ready()).as(after.describe()).isTrue();
      assertThat(after.columns()).allSatisfy(p -> assertThat(p.unreadableValues()).isZero());

      // under migration, through the wrapper: every value read back, and found by an equality search
      EncryptingDataSource migrating = EncryptingDataSource.wrap(db.dataSource(), cipher, legacyColumns);
      assertEveryValue(kind, migrating, table, cols, rows, "legacy");

      vaultTables.install(db.dataSource());
      RotationResult result = Rewrapper.builder(db.dataSource(), cipher).tables(tables).vaultTables(vaultTables)
          .migratePlaintext(true).build().run();
      assertThat(result.complete()).as(result.describeRemaining()).isTrue();
      assertThat(result.plaintextValues()).isZero();

      EncryptingDataSource strict = EncryptingDataSource.wrap(db.dataSource(), cipher,
          declared(table, cols, storage, false));
      assertEveryValue(kind, strict, table, cols, rows, "strict");
      try (Connection c = db.connect(); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT c_int FROM " + table + " WHERE id = 1")) {
        rs.next();
        assertThat(storage == ColumnStorage.BINARY ? new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8)
            : rs.getString(1)).as("encrypted in place").doesNotContain("825373492");
      }
    } finally {
      db.dropTables(table, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anUntrustedNativeType_isNotConvertible_andUnreadableValues_giveNoDdl(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    String table = PREFIX + "_refused";
    db.dropTables(table);
    try {
      String untrusted = kind == TestDatabases.Kind.H2 ? "TIME(0) WITH TIME ZONE"
          : kind == TestDatabases.Kind.POSTGRES ? "INTERVAL" : "YEAR";
      String untrustedValue = kind == TestDatabases.Kind.H2 ? "TIME WITH TIME ZONE '10:00:00+02'"
          : kind == TestDatabases.Kind.POSTGRES ? "INTERVAL '1 day'" : "2024";
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, odd " + untrusted
            + ", age VARCHAR(200), born DATE)");
        st.execute("INSERT INTO " + table + " VALUES (1, " + untrustedValue + ", '42', DATE '2024-01-31')");
        st.execute("INSERT INTO " + table + " VALUES (2, NULL, 'forty-two', NULL)");
      }
      FieldCipher cipher = FieldCipher.create(Keyring.generate("native-refused"));
      List<EncryptedTable> tables = List.of(EncryptedTable.builder(table).primaryKey("id")
          .column(EncryptedColumn.builder(table, "odd", LocalTime.class).storage(ColumnStorage.BINARY).build())
          .column(EncryptedColumn.builder(table, "age", Integer.class).storage(ColumnStorage.TEXT).build())
          // a date read as an Integer: the database's text is not one
          .column(EncryptedColumn.builder(table, "born", Integer.class).storage(ColumnStorage.BINARY).build())
          .build());

      MigrationPlan plan = MigrationPlan.scan(db.dataSource(), cipher, tables);

      Map<String, ColumnPlan> byName = plan.columns().stream().collect(Collectors.toMap(ColumnPlan::column, p -> p));
      assertThat(byName.get("odd").verdict()).as(plan.describe()).isEqualTo(Verdict.NOT_CONVERTIBLE);
      assertThat(byName.get("odd").ddl()).isEmpty();
      assertThat(byName.get("age").verdict()).isEqualTo(Verdict.UNREADABLE);
      assertThat(byName.get("age").unreadableValues()).isEqualTo(1);
      assertThat(byName.get("age").plaintextValues()).isEqualTo(1);
      assertThat(byName.get("age").ddl()).isEmpty();
      assertThat(byName.get("born").verdict()).isEqualTo(Verdict.UNREADABLE);
      assertThat(byName.get("born").ddl()).isEmpty();
      assertThat(plan.ready()).isFalse();
      assertThat(plan.ddl()).isEmpty();
      assertThat(plan.describe()).contains("NOT_CONVERTIBLE", "UNREADABLE").doesNotContain("forty-two");
    } finally {
      db.dropTables(table);
    }
  }

  private static void assertEveryValue(TestDatabases.Kind kind, EncryptingDataSource ds, String table, List<Col> cols, int rows, String phase)
      throws SQLException {
    List<String> wrong = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, " + cols.stream().map(Col::name)
          .collect(Collectors.joining(", ")) + " FROM " + table + " ORDER BY id"); ResultSet rs = ps.executeQuery()) {
        int r = 0;
        while (rs.next()) {
          r++;
          assertThat(rs.getLong(1)).isEqualTo(r);
          for (Col col : cols) {
            Object got = rs.getObject(col.name(), col.type());
            if (!same(value(col, r), got)) {
              wrong.add(phase + " read " + col.name() + " row " + r + ": " + got + ", want " + value(col, r));
            }
          }
        }
        assertThat(r).isEqualTo(rows);
      }
      for (Col col : cols) {
        Map<Object, List<Long>> expected = new LinkedHashMap<>();
        for (int r = 1; r <= rows; r++) {
          if (value(col, r) != null) {
            expected.computeIfAbsent(kept(kind, value(col, r)), v -> new ArrayList<>()).add((long) r);
          }
        }
        for (Map.Entry<Object, List<Long>> e : expected.entrySet()) {
          List<Long> got = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE " + col.name()
              + " = ? ORDER BY id")) {
            ps.setObject(1, e.getKey());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                got.add(rs.getLong(1));
              }
            }
          }
          if (!got.equals(e.getValue())) {
            wrong.add(phase + " search " + col.name() + " = " + e.getKey() + ": " + got + ", want " + e.getValue());
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }
}
