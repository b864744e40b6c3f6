package dev.fieldvault.jdbc;

import static dev.fieldvault.jdbc.JdbcFixtures.TYPE_SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EncryptingDataSourceTest {

  private static final String DBS = "dev.fieldvault.testsupport.TestDatabases#all";

  private TestDatabase db;
  private EncryptingDataSource ds;

  private void setUp(TestDatabases.Kind kind) throws SQLException {
    db = TestDatabases.get(kind);
    JdbcFixtures.createTables(db);
    ds = EncryptingDataSource.wrap(db.dataSource(), JdbcFixtures.CIPHER, JdbcFixtures.columns());
  }

  private void insertCustomer(Connection c, long id, String name, String email, String ssn, String phone,
      String note) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        JdbcFixtures.t("INSERT INTO jw_customer (id, name, email, ssn, phone, phone_bidx, note) VALUES (?, ?, ?, ?, ?, ?, ?)"))) {
      ps.setLong(1, id);
      ps.setString(2, name);
      ps.setString(3, email);
      ps.setString(4, ssn);
      ps.setString(5, phone);
      ps.setString(6, phone);
      ps.setString(7, note);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private List<String> names(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    while (rs.next()) {
      out.add(rs.getString("name"));
    }
    return out;
  }

  // --------------------------------------------------------------------------------------------
  // Round trips

  @ParameterizedTest
  @MethodSource(DBS)
  void everyCodecType_roundTripsThroughTheWrapper_andRawReadsSeeCiphertext(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    StringBuilder sql = new StringBuilder(JdbcFixtures.t("INSERT INTO jw_types (id"));
    StringBuilder marks = new StringBuilder("?");
    for (String col : TYPE_SAMPLES.keySet()) {
      sql.append(", ").append(col);
      marks.append(", ?");
    }
    sql.append(") VALUES (").append(marks).append(')');
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setLong(1, 1);
        int i = 2;
        for (Object v : TYPE_SAMPLES.values()) {
          ps.setObject(i++, v);
        }
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT * FROM jw_types WHERE id = ?"))) {
        ps.setLong(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          for (Map.Entry<String, Object> e : TYPE_SAMPLES.entrySet()) {
            assertThat(rs.getObject(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            Object typed = rs.getObject(e.getKey(), JdbcFixtures.typeOf(e.getValue()));
            assertThat(typed).as(e.getKey()).isEqualTo(e.getValue());
          }
          assertThat(rs.getString("c_string")).isEqualTo(TYPE_SAMPLES.get("c_string"));
          assertThat(rs.getBytes("c_bytes")).isEqualTo((byte[]) TYPE_SAMPLES.get("c_bytes"));
          assertThat(rs.getBoolean("c_bool")).isTrue();
          assertThat(rs.getByte("c_byte")).isEqualTo((byte) -7);
          assertThat(rs.getShort("c_short")).isEqualTo((short) 12345);
          assertThat(rs.getInt("c_int")).isEqualTo(-123456789);
          assertThat(rs.getLong("c_long")).isEqualTo(9_007_199_254_740_993L);
          assertThat(rs.getFloat("c_float")).isEqualTo(3.25f);
          assertThat(rs.getDouble("c_double")).isEqualTo(-0.1);
          assertThat(rs.getBigDecimal("c_bigdec")).isEqualTo(new BigDecimal("-12345.678900"));
          assertThat(rs.getDate("c_date").toLocalDate()).isEqualTo(LocalDate.of(1999, 12, 31));
          assertThat(rs.getString("c_enum")).isEqualTo("GREEN");
          assertThat(rs.getString("c_uuid")).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        }
      }
    }
    for (Map.Entry<String, Object> e : TYPE_SAMPLES.entrySet()) {
      byte[] raw = JdbcFixtures.rawBytes(db, JdbcFixtures.t("jw_types"), e.getKey(), 1);
      assertThat(CiphertextHeader.looksLikeCiphertext(raw)).as(e.getKey()).isTrue();
      assertThat(CiphertextHeader.parse(raw).mode()).isEqualTo(EncryptionMode.RANDOMIZED);
    }
    assertThat(new String(JdbcFixtures.rawBytes(db, JdbcFixtures.t("jw_types"), "c_string", 1), StandardCharsets.ISO_8859_1))
        .doesNotContain("Brien");
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void customerColumns_roundTripWithAliases_textStorage_andRowBinding(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 7, "Ann", "ann@example.com", "123-45-6789", "+1 555 0100", "likes tea");
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("SELECT c.id AS ident, c.email AS mail, c.ssn, c.note AS n, c.name FROM jw_customer c WHERE c.id = ?"))) {
        ps.setLong(1, 7);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("mail")).isEqualTo("ann@example.com");
          assertThat(rs.getString(2)).isEqualTo("ann@example.com");
          assertThat(rs.getObject("SSN")).isEqualTo("123-45-6789");
          assertThat(rs.getString("n")).isEqualTo("likes tea");
          assertThat(rs.getString("name")).isEqualTo("Ann");
          assertThat(rs.getStatement()).isSameAs(ps);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("UPDATE jw_customer SET ssn = ?, note = ? WHERE id = ?"))) {
        ps.setString(1, "987-65-4321");
        ps.setString(2, null);
        ps.setLong(3, 7);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT * FROM jw_customer"))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("ssn")).isEqualTo("987-65-4321");
        assertThat(rs.getString("note")).isNull();
        assertThat(rs.wasNull()).isTrue();
      }
    }
    String rawNote;
    try (Connection raw = db.connect(); Statement st = raw.createStatement();
        ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT email, note FROM jw_customer"))) {
      rs.next();
      assertThat(CiphertextHeader.parse(rs.getBytes(1)).mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
      rawNote = rs.getString(2);
    }
    assertThat(rawNote).isNull();
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void rowBoundValue_copiedToAnotherRow_failsToDecrypt(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 1, "A", "a@x", "111", "p1", null);
      insertCustomer(c, 2, "B", "b@x", "222", "p2", null);
    }
    try (Connection raw = db.connect(); Statement st = raw.createStatement()) {
      st.executeUpdate(JdbcFixtures.t("UPDATE jw_customer SET ssn = (SELECT ssn FROM (SELECT ssn FROM jw_customer WHERE id = 1) x)")
          + " WHERE id = 2");
    }
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT id, ssn FROM jw_customer WHERE id = 2"))) {
      rs.next();
      assertThatThrownBy(() -> rs.getString("ssn")).isInstanceOf(SQLException.class)
          .hasMessageContaining(JdbcFixtures.t("jw_customer.ssn")).hasMessageNotContaining("111")
          .hasCauseInstanceOf(DecryptionFailedException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22000"));
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void rowBoundColumn_readWithoutItsId_saysToSelectTheId(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 1, "A", "a@x", "111", "p1", null);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT ssn FROM jw_customer"))) {
        rs.next();
        assertThatThrownBy(() -> rs.getString(1)).isInstanceOf(SQLException.class)
            .hasMessageContaining(JdbcFixtures.t("jw_customer.ssn")).hasMessageContaining("select id");
      }
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void rowBoundColumn_writtenWithANullOrUnboundId_isRefused_andTheRowIsUnchanged(TestDatabases.Kind kind)
      throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 1, "A", "a@x", "111", "p1", null);
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("UPDATE jw_customer SET ssn = ? WHERE id = ?"))) {
        ps.setString(1, "999");
        ps.setNull(2, java.sql.Types.BIGINT);
        assertThatThrownBy(ps::executeUpdate).isInstanceOf(StatementRefusedException.class)
            .hasMessageContaining(JdbcFixtures.t("jw_customer.ssn")).hasMessageContaining("parameter 2 (id) is null")
            .hasMessageNotContaining("999");
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("UPDATE jw_customer SET ssn = ? WHERE id = ?"))) {
        ps.setString(1, "999");
        assertThatThrownBy(ps::executeUpdate).isInstanceOf(StatementRefusedException.class)
            .hasMessageContaining("parameter 2 (id) is not bound").hasMessageNotContaining("999");
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT id, ssn FROM jw_customer WHERE id = 1"))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("ssn")).isEqualTo("111");
      }
    }
  }

  // --------------------------------------------------------------------------------------------
  // Searching, batches, generated keys, multi-row and INSERT ... SELECT

  @ParameterizedTest
  @MethodSource(DBS)
  void deterministicColumn_isFoundWithEqualsAndIn_blindIndexWithEquals(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 1, "Ann", "ann@x", "1", "555-0100", null);
      insertCustomer(c, 2, "Bob", "bob@x", "2", "555-0200", null);
      insertCustomer(c, 3, "Cy", "cy@x", "3", "555-0300", null);
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT name FROM jw_customer WHERE email = ?"))) {
        ps.setString(1, "bob@x");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(names(rs)).containsExactly("Bob");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("SELECT name FROM jw_customer WHERE email IN (?, ?) AND id > ? ORDER BY id"))) {
        ps.setString(1, "cy@x");
        ps.setString(2, "ann@x");
        ps.setInt(3, 0);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(names(rs)).containsExactly("Ann", "Cy");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT name, phone FROM jw_customer WHERE phone_bidx = ?"))) {
        ps.setString(1, "555-0200");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("phone")).isEqualTo("555-0200");
          assertThat(rs.next()).isFalse();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("DELETE FROM jw_customer WHERE email = ?"))) {
        ps.setString(1, "ann@x");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void batchInserts_multiRowInsert_andInsertSelect_areEncrypted(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("INSERT INTO jw_customer (id, name, email, ssn, phone, phone_bidx) VALUES (?, ?, ?, ?, ?, ?)"))) {
        for (int i = 1; i <= 20; i++) {
          ps.setLong(1, i);
          ps.setString(2, "n" + i);
          ps.setString(3, "user" + i + "@x");
          ps.setString(4, "ssn" + i);
          ps.setString(5, "phone" + i);
          ps.setString(6, "phone" + i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(20);
      }
      c.commit();
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("INSERT INTO jw_customer (id, name, email, ssn) VALUES (?, ?, ?, ?), (?, ?, ?, ?)"))) {
        ps.setLong(1, 101);
        ps.setString(2, "m1");
        ps.setString(3, "m1@x");
        ps.setString(4, "s101");
        ps.setLong(5, 102);
        ps.setString(6, "m2");
        ps.setString(7, "m2@x");
        ps.setString(8, "s102");
        assertThat(ps.executeUpdate()).isEqualTo(2);
      }
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("INSERT INTO jw_customer_copy (id, name, email) SELECT id, name, ? FROM jw_customer WHERE email = ?"))) {
        ps.setString(1, "copied@x");
        ps.setString(2, "user5@x");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement ps = c.prepareStatement(
          JdbcFixtures.t("INSERT INTO jw_customer_copy (id, name, email) SELECT id, name, email FROM jw_customer WHERE id = ?"))) {
        ps.setLong(1, 6);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT email FROM jw_customer_copy WHERE id IN (?, ?) ORDER BY id"))) {
        ps.setLong(1, 5);
        ps.setLong(2, 6);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("copied@x");
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("user6@x");
        }
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT id, email, ssn, phone FROM jw_customer ORDER BY id"))) {
        int n = 0;
        while (rs.next()) {
          long id = rs.getLong("id");
          String expected = id > 100 ? "m" + (id - 100) + "@x" : "user" + id + "@x";
          assertThat(rs.getString("email")).isEqualTo(expected);
          assertThat(rs.getString("ssn")).isEqualTo(id > 100 ? "s" + id : "ssn" + id);
          n++;
        }
        assertThat(n).isEqualTo(22);
      }
    }
    assertThat(CiphertextHeader.looksLikeCiphertext(JdbcFixtures.rawBytes(db, JdbcFixtures.t("jw_customer_copy"), "email", 5)))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void generatedKeys_areReturned_andTheValueReadsBack(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    long id;
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("INSERT INTO jw_auto (label, secret) VALUES (?, ?)"),
          new String[] {"id"})) {
        ps.setString(1, "first");
        ps.setString(2, "top secret");
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertThat(keys.next()).isTrue();
          id = keys.getLong(1);
          assertThat(keys.getStatement()).isSameAs(ps);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT secret FROM jw_auto WHERE id = ?"))) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("top secret");
        }
      }
    }
    assertThat(CiphertextHeader.looksLikeCiphertext(JdbcFixtures.rawBytes(db, JdbcFixtures.t("jw_auto"), "secret", id))).isTrue();
  }

  // --------------------------------------------------------------------------------------------
  // Fail closed

  @ParameterizedTest
  @MethodSource(DBS)
  void unmappableWrites_areRefused_andTheTableIsUnchanged(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      insertCustomer(c, 1, "Ann", "ann@x", "1", "p", "n");
    }
    List<List<Object>> before = JdbcFixtures.rawRows(db, JdbcFixtures.t("jw_customer"));
    String[] prepared = {
        JdbcFixtures.t("INSERT INTO jw_customer (id, name, email) VALUES (2, 'Eve', 'eve@plaintext.example')"),
        JdbcFixtures.t("INSERT INTO jw_customer (id, email) VALUES (?, UPPER(?))"),
        JdbcFixtures.t("INSERT INTO jw_customer VALUES (?, ?, ?, ?, ?, ?, ?)"),
        JdbcFixtures.t("UPDATE jw_customer SET email = 'eve@plaintext.example' WHERE id = 1"),
        JdbcFixtures.t("UPDATE jw_customer SET note = CONCAT(note, ?) WHERE id = 1"),
        JdbcFixtures.t("UPDATE jw_customer SET ssn = ? WHERE name = ?"),
        JdbcFixtures.t("UPDATE jw_customer SET phone = ? WHERE id = ?"),
        JdbcFixtures.t("DELETE FROM jw_customer WHERE email = 'ann@x'"),
        JdbcFixtures.t("SELECT * FROM jw_customer WHERE email LIKE ?"),
        JdbcFixtures.t("SELECT * FROM jw_customer WHERE ssn = ?"),
        JdbcFixtures.t("INSERT INTO jw_customer_copy (id, email) SELECT id, name FROM jw_customer"),
        JdbcFixtures.t("INSERT INTO jw_customer (id, email) VALUES (?, ?) ))) this is not SQL"),
        JdbcFixtures.t("MERGE INTO jw_customer USING jw_plain ON (jw_customer.id = jw_plain.id) WHEN MATCHED THEN UPDATE SET")
            + JdbcFixtures.t(" email = jw_plain.v"),
    };
    try (Connection c = ds.getConnection()) {
      for (String sql : prepared) {
        assertThatThrownBy(() -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
              ps.setString(i, "eve@plaintext.example");
            }
            ps.executeUpdate();
          }
        }).as(sql).isInstanceOf(StatementRefusedException.class)
            .hasMessageNotContaining("plaintext.example").hasMessageContaining(JdbcFixtures.t("jw_customer"));
      }
      try (Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeUpdate(
            JdbcFixtures.t("INSERT INTO jw_customer (id, name, email) VALUES (3, 'Eve', 'eve@plaintext.example')")))
            .isInstanceOf(StatementRefusedException.class).hasMessageContaining(JdbcFixtures.t("jw_customer.email"));
        assertThatThrownBy(() -> st.executeQuery(JdbcFixtures.t("SELECT * FROM jw_customer WHERE email = 'eve@plaintext.example'")))
            .isInstanceOf(StatementRefusedException.class).hasMessageContaining(JdbcFixtures.t("jw_customer.email"))
            .hasMessageContaining("?");
      }
    }
    assertThat(JdbcFixtures.rawRows(db, JdbcFixtures.t("jw_customer"))).isEqualTo(before);
    assertThat(JdbcFixtures.rawRows(db, JdbcFixtures.t("jw_customer_copy"))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void refusal_namesTheColumn_andSaysHowToWriteIt(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      assertThatThrownBy(() -> c.prepareStatement(JdbcFixtures.t("INSERT INTO jw_customer (id, email) VALUES (1, 'x@y')")))
          .isInstanceOf(StatementRefusedException.class)
          .hasMessageContaining(JdbcFixtures.t("jw_customer.email"))
          .hasMessageContaining("bind it as a ? parameter")
          .hasMessageContaining("PreEncrypted")
          .hasMessageNotContaining("x@y")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(StatementRefusedException.SQL_STATE));
      assertThatThrownBy(() -> c.prepareStatement(JdbcFixtures.t("UPDATE jw_customer SET phone = ? WHERE id = ?")))
          .hasMessageContaining("phone_bidx");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void preEncryptedValue_isStoredAsItIs(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    @SuppressWarnings("unchecked")
    dev.fieldvault.keys.FieldSpec<String> spec = (dev.fieldvault.keys.FieldSpec<String>)
        JdbcFixtures.columns().find(JdbcFixtures.t("jw_customer"), "note").get().spec();
    byte[] ct = JdbcFixtures.CIPHER.field(spec).encrypt("from a backup");
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("INSERT INTO jw_customer (id, note) VALUES (?, ?)"))) {
        ps.setLong(1, 9);
        ps.setObject(2, PreEncrypted.of(ct));
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT note FROM jw_customer"))) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("from a backup");
      }
    }
    try (Connection raw = db.connect(); Statement st = raw.createStatement();
        ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT note FROM jw_customer"))) {
      rs.next();
      assertThat(Base64.getDecoder().decode(rs.getString(1))).isEqualTo(ct);
    }
  }

  // --------------------------------------------------------------------------------------------
  // Pass-through and wrapping

  @ParameterizedTest
  @MethodSource(DBS)
  void statementsWithoutEncryptedColumns_passThroughUntouched(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      try (Statement st = c.createStatement()) {
        st.executeUpdate(JdbcFixtures.t("INSERT INTO jw_plain (id, v) VALUES (1, 'literal is fine here')"));
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("INSERT INTO jw_plain (id, v) VALUES (?, ?)"))) {
        ps.setInt(1, 2);
        ps.setString(2, "bound");
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT c.name FROM jw_customer c WHERE c.id = 1 AND c.name = 'x'"))) {
        assertThat(ps.executeQuery().next()).isFalse();
      }
    }
    assertThat(JdbcFixtures.rawRows(db, JdbcFixtures.t("jw_plain")))
        .containsExactly(List.of(1L, "literal is fine here"), List.of(2L, "bound"));
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void wrappers_handOutWrappers_andUnwrapReceiverFirst(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    assertThat(ds.isWrapperFor(javax.sql.DataSource.class)).isTrue();
    assertThat(ds.isWrapperFor(EncryptingDataSource.class)).isTrue();
    assertThat(ds.unwrap(javax.sql.DataSource.class)).isSameAs(ds);
    assertThat(ds.unwrap(EncryptingDataSource.class)).isSameAs(ds);
    assertThatThrownBy(() -> ds.unwrap(java.util.List.class)).isInstanceOf(StatementRefusedException.class)
        .hasMessageContaining("unencryptedDataSource()");
    assertThat(ds.unencryptedDataSource()).isNotSameAs(ds).isNotInstanceOf(EncryptingDataSource.class);
    try (Connection c = ds.getConnection()) {
      assertThat(c.unwrap(Connection.class)).isSameAs(c);
      assertThat(c.isWrapperFor(Connection.class)).isTrue();
      assertThat(c.isWrapperFor(java.util.List.class)).isFalse();
      DatabaseMetaData md = c.getMetaData();
      assertThat(md.getConnection()).isSameAs(c);
      assertThat(md.unwrap(DatabaseMetaData.class)).isSameAs(md);
      try (Statement st = c.createStatement()) {
        assertThat(st.getConnection()).isSameAs(c);
        assertThat(st.unwrap(Statement.class)).isSameAs(st);
        try (ResultSet rs = st.executeQuery(JdbcFixtures.t("SELECT id FROM jw_plain"))) {
          assertThat(rs.getStatement()).isSameAs(st);
          assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(JdbcFixtures.t("SELECT id FROM jw_plain WHERE id = ?"))) {
        assertThat(ps.getConnection()).isSameAs(c);
        assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(ps);
        assertThat(ps.unwrap(Statement.class)).isSameAs(ps);
      }
    }
  }
}
