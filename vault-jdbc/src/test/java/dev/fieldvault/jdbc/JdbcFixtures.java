package dev.fieldvault.jdbc;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tables (all prefixed jw_), column configuration and helpers shared by the wrapper's tests. */
final class JdbcFixtures {

  enum Color { RED, GREEN }

  static final Keyring KEYRING = Keyring.generate("jw-test");
  static final FieldCipher CIPHER = FieldCipher.create(KEYRING);

  /** Every codec type: column name to a sample value. */
  static final Map<String, Object> TYPE_SAMPLES = new LinkedHashMap<>();

  static {
    TYPE_SAMPLES.put("c_string", "Zoë O'Brien, 東京");
    TYPE_SAMPLES.put("c_bytes", new byte[] {0, 1, 2, (byte) 0xff});
    TYPE_SAMPLES.put("c_bool", Boolean.TRUE);
    TYPE_SAMPLES.put("c_byte", (byte) -7);
    TYPE_SAMPLES.put("c_short", (short) 12345);
    TYPE_SAMPLES.put("c_int", -123456789);
    TYPE_SAMPLES.put("c_long", 9_007_199_254_740_993L);
    TYPE_SAMPLES.put("c_float", 3.25f);
    TYPE_SAMPLES.put("c_double", -0.1);
    TYPE_SAMPLES.put("c_bigint", new BigInteger("123456789012345678901234567890"));
    TYPE_SAMPLES.put("c_bigdec", new BigDecimal("-12345.678900"));
    TYPE_SAMPLES.put("c_date", LocalDate.of(1999, 12, 31));
    TYPE_SAMPLES.put("c_time", LocalTime.of(23, 59, 58, 123_456_789));
    TYPE_SAMPLES.put("c_datetime", LocalDateTime.of(2024, 2, 29, 12, 0, 1, 5));
    TYPE_SAMPLES.put("c_instant", Instant.ofEpochSecond(1_700_000_000L, 42));
    TYPE_SAMPLES.put("c_odt", OffsetDateTime.parse("2025-06-01T10:15:30.5+05:30"));
    TYPE_SAMPLES.put("c_uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    TYPE_SAMPLES.put("c_enum", Color.GREEN);
  }

  /**
   * Table names carry the test JVM's process id ({@code jw_<pid>_customer}): the server databases
   * are shared, and the same suite may run at the same time from another checkout.
   */
  static final String RUN = "jw_" + Long.toString(ProcessHandle.current().pid(), 36) + "_";

  private static final java.util.Set<TestDatabase> USED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final String[] TABLES = {"customer", "customer_copy", "types", "auto", "plain", "conc"};

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (TestDatabase db : USED) {
        try {
          String[] names = new String[TABLES.length];
          for (int i = 0; i < TABLES.length; i++) {
            names[i] = RUN + TABLES[i];
          }
          db.dropTables(names);
        } catch (SQLException | RuntimeException e) {
          // best effort: the next run of this process id drops them first anyway
        }
      }
    }));
  }

  /** The SQL (or name) with this run's table names: {@code jw_x} becomes {@code jw_<pid>_x}. */
  static String t(String sql) {
    return sql.replace("jw_", RUN);
  }

  /** Remembers a server database whose tables are dropped when the JVM exits. */
  static TestDatabase used(TestDatabase db) {
    if (db.kind() != TestDatabases.Kind.H2) {
      USED.add(db);
    }
    return db;
  }

  private JdbcFixtures() {}

  static EncryptedColumns columns() {
    EncryptedColumns.Builder b = EncryptedColumns.builder()
        .add(EncryptedColumn.builder(t("jw_customer"), "email", String.class)
            .mode(EncryptionMode.DETERMINISTIC).context("Customer", "email").build())
        .add(EncryptedColumn.builder(t("jw_customer"), "ssn", String.class)
            .context("Customer", "ssn").rowIdColumn("id").build())
        .add(EncryptedColumn.builder(t("jw_customer"), "phone", String.class)
            .context("Customer", "phone").blindIndexColumn("phone_bidx", 16, Normalizers.caseInsensitive()).build())
        .add(EncryptedColumn.builder(t("jw_customer"), "note", String.class)
            .context("Customer", "note").storage(ColumnStorage.TEXT).build())
        .add(EncryptedColumn.builder(t("jw_customer_copy"), "email", String.class)
            .mode(EncryptionMode.DETERMINISTIC).context("Customer", "email").build())
        .add(EncryptedColumn.builder(t("jw_auto"), "secret", String.class).build());
    for (Map.Entry<String, Object> e : TYPE_SAMPLES.entrySet()) {
      b.add(EncryptedColumn.builder(t("jw_types"), e.getKey(), typeOf(e.getValue())).build());
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  static <T> Class<T> typeOf(Object sample) {
    return (Class<T>) (sample instanceof Enum ? ((Enum<?>) sample).getDeclaringClass() : sample.getClass());
  }

  static String binary(TestDatabases.Kind kind) {
    return kind == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(1024)";
  }

  static String identity(TestDatabases.Kind kind) {
    return kind == TestDatabases.Kind.MARIADB ? "BIGINT AUTO_INCREMENT PRIMARY KEY"
        : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  }

  /** Drops and creates the test tables. */
  static void createTables(TestDatabase db) throws SQLException {
    used(db);
    db.dropTables(t("jw_customer"), t("jw_customer_copy"), t("jw_types"), t("jw_auto"), t("jw_plain"));
    String bin = binary(db.kind());
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(t("CREATE TABLE jw_customer (id BIGINT PRIMARY KEY, name VARCHAR(100), email ") + bin + ", ssn "
          + bin + ", phone " + bin + ", phone_bidx " + bin + ", note VARCHAR(2048))");
      st.execute(t("CREATE TABLE jw_customer_copy (id BIGINT PRIMARY KEY, name VARCHAR(100), email ") + bin + ")");
      StringBuilder types = new StringBuilder(t("CREATE TABLE jw_types (id BIGINT PRIMARY KEY"));
      for (String col : TYPE_SAMPLES.keySet()) {
        types.append(", ").append(col).append(' ').append(bin);
      }
      st.execute(types.append(')').toString());
      st.execute(t("CREATE TABLE jw_auto (id ") + identity(db.kind()) + ", label VARCHAR(50), secret " + bin + ")");
      st.execute(t("CREATE TABLE jw_plain (id BIGINT PRIMARY KEY, v VARCHAR(100))"));
    }
  }

  /** Every row of a table, raw (no wrapper), as lists of column values (byte arrays as hex), by id. */
  static List<List<Object>> rawRows(TestDatabase db, String table) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          row.add(v instanceof byte[] ? java.util.HexFormat.of().formatHex((byte[]) v) : v);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** One raw value of a table, read without the wrapper. */
  static byte[] rawBytes(TestDatabase db, String table, String column, long id) throws SQLException {
    try (Connection c = db.connect();
        var ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }
}
