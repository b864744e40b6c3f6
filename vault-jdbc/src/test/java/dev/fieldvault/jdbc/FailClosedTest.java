package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Paths by which a plaintext could reach the database past the wrapper: SQL strings with more
 * than one statement, dynamic SQL, procedure calls, {@code unwrap}; and statements the wrapper
 * must not refuse. Each refused statement is checked on the raw tables (unchanged) and on what
 * the driver received (nothing of it).
 */
class FailClosedTest {

  private static final String DBS = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String SERVERS = "dev.fieldvault.testsupport.TestDatabases#servers";
  private static final String PLAINTEXT = "plain-secret-74";

  private TestDatabase db;
  private DriverRecorder driver;
  private EncryptingDataSource ds;

  private void setUp(TestDatabases.Kind kind, EncryptedColumns columns) throws SQLException {
    db = TestDatabases.get(kind);
    JdbcFixtures.createTables(db);
    driver = new DriverRecorder();
    ds = EncryptingDataSource.wrap(driver.wrap(db.dataSource()), JdbcFixtures.CIPHER, columns);
  }

  private void setUp(TestDatabases.Kind kind) throws SQLException {
    setUp(kind, JdbcFixtures.columns());
  }

  private static String t(String sql) {
    return JdbcFixtures.t(sql);
  }

  /** Runs the statement through every API that takes SQL; each must refuse it before the driver sees it. */
  private void assertRefusedEverywhere(String sql, String... messageParts) throws SQLException {
    List<List<Object>> before = JdbcFixtures.rawRows(db, t("jw_customer"));
    int mark = driver.mark();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      List<ThrowingRun> runs = List.of(
          () -> st.execute(sql), () -> st.executeUpdate(sql), () -> st.executeQuery(sql), () -> st.addBatch(sql),
          () -> st.execute(sql, Statement.RETURN_GENERATED_KEYS), () -> st.executeLargeUpdate(sql),
          () -> bindAndRun(c.prepareStatement(sql)), () -> bindAndRun(c.prepareCall(sql)),
          // the Statement methods of a prepared statement take SQL too
          () -> onPrepared(c, ps -> ps.execute(sql, Statement.RETURN_GENERATED_KEYS)),
          () -> onPrepared(c, ps -> ps.executeUpdate(sql, new int[] {1})),
          () -> onPrepared(c, ps -> ps.executeLargeUpdate(sql)),
          () -> onPrepared(c, ps -> ps.executeQuery(sql)),
          () -> onPrepared(c, ps -> ps.addBatch(sql)));
      for (ThrowingRun run : runs) {
        assertThatThrownBy(run::run).as(sql).isInstanceOf(StatementRefusedException.class)
            .hasMessageNotContaining(PLAINTEXT).hasMessageContainingAll(messageParts);
      }
    }
    assertThat(driver.since(mark)).as("reached the driver: " + sql)
        .noneMatch(o -> o instanceof DriverRecorder.Sql && ((DriverRecorder.Sql) o).text().equals(sql));
    assertThat(driver.plaintextSince(mark, List.of(PLAINTEXT))).isNull();
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer"))).isEqualTo(before);
  }

  private static void bindAndRun(PreparedStatement ps) throws SQLException {
    try (ps) {
      for (int i = 1; i <= 4; i++) {
        ps.setString(i, PLAINTEXT);
      }
      ps.execute();
    }
  }

  private static void onPrepared(Connection c, PreparedUse use) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      use.accept(ps);
    }
  }

  @FunctionalInterface
  private interface PreparedUse {
    void accept(PreparedStatement ps) throws Exception;
  }

  @FunctionalInterface
  private interface ThrowingRun {
    void run() throws Exception;
  }

  // --------------------------------------------------------------------------------------------
  // 1. More than one statement in one SQL string

  @ParameterizedTest
  @MethodSource(DBS)
  void multiStatementString_mentioningAnEncryptedTable_isRefusedByEveryApi(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    for (String sql : List.of(
        t("SELECT 1; INSERT INTO jw_customer (id, note) VALUES (74, '" + PLAINTEXT + "')"),
        t("SELECT 1; INSERT INTO jw_customer (id, note) VALUES (?, ?)"),
        t("SELECT 1; SELECT id FROM jw_customer WHERE email = ?"),
        t("INSERT INTO jw_plain (id, v) VALUES (1, 'a');INSERT INTO jw_customer (id, note) VALUES (?, ?)"),
        // a string PostgreSQL splits in two and MariaDB reads as one literal: not split with certainty
        t("SELECT 'a\\'; INSERT INTO jw_customer (id, note) VALUES (75, '" + PLAINTEXT + "'); -- '"),
        // "--1" starts no comment on MariaDB
        t("SELECT 1 --1; INSERT INTO jw_customer (id, note) VALUES (76, '" + PLAINTEXT + "')"),
        // MariaDB runs the text of /*! ... */
        t("SELECT id FROM jw_customer WHERE id = ? /*! OR email = '" + PLAINTEXT + "' */"))) {
      assertRefusedEverywhere(sql, "not sent");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void oneStatementWithATrailingSemicolon_isStillEncrypted(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer (id, note) VALUES (?, ?) ; "))) {
      ps.setLong(1, 1);
      ps.setString(2, PLAINTEXT);
      ps.executeUpdate();
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer")).toString()).doesNotContain(PLAINTEXT);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(t("SELECT note FROM jw_customer;"))) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(PLAINTEXT);
    }
  }

  // --------------------------------------------------------------------------------------------
  // 2. Dynamic SQL

  @ParameterizedTest
  @MethodSource(DBS)
  void dynamicSql_ofEveryVendorForm_isRefused_evenWhenTheTableNameIsBuiltAtRunTime(TestDatabases.Kind kind)
      throws Exception {
    setUp(kind);
    String table = t("jw_customer");
    String half = table.substring(0, 4);
    String rest = table.substring(4);
    for (String sql : List.of(
        "EXECUTE IMMEDIATE 'INSERT INTO " + table + " (id, note) VALUES (31, ''" + PLAINTEXT + "'')'",
        "EXECUTE IMMEDIATE CONCAT('INSERT INTO " + half + "', '" + rest + " (id, note) VALUES (32, ''"
            + PLAINTEXT + "'')')",
        "PREPARE s FROM 'INSERT INTO " + table + " (id, note) VALUES (33, ?)'",
        "EXECUTE s USING '" + PLAINTEXT + "'",
        "PREPARE p (text) AS INSERT INTO " + table + " (id, note) VALUES (34, $1)",
        "EXECUTE p('" + PLAINTEXT + "')",
        "DO $$ BEGIN EXECUTE 'INSERT INTO " + half + "' || '" + rest + " (id, note) VALUES (35, ''" + PLAINTEXT
            + "'')'; END $$",
        "BEGIN NOT ATOMIC INSERT INTO " + table + " (id, note) VALUES (36, '" + PLAINTEXT + "'); END",
        "SELECT query_to_xml('INSERT INTO " + half + "' || '" + rest + " (id, note) VALUES (37, ''" + PLAINTEXT
            + "'') RETURNING id', true, false, '')",
        "SELECT dblink_exec('dbname=x', 'INSERT INTO " + table + " (id, note) VALUES (38, ''" + PLAINTEXT + "'')')",
        "EXECUTE IMMEDIATE 'SELECT 1'")) {
      assertRefusedEverywhere(sql, "cannot see");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void unanalysedStatementKinds_mentioningAnEncryptedTable_areRefused(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    for (String sql : List.of(
        t("EXPLAIN SELECT * FROM jw_customer WHERE email = '" + PLAINTEXT + "'"),
        t("SET @x = (SELECT id FROM jw_customer WHERE email = '" + PLAINTEXT + "')"),
        t("CREATE VIEW jw_v AS SELECT id FROM jw_customer WHERE email = '" + PLAINTEXT + "'"))) {
      assertRefusedEverywhere(sql, t("jw_customer"));
    }
  }

  // --------------------------------------------------------------------------------------------
  // 3. Stored procedures

  private void createProcedures() throws SQLException {
    proceduresCreated = true;
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      if (db.kind() == TestDatabases.Kind.POSTGRES) {
        st.execute(t("DROP PROCEDURE IF EXISTS jw_put_note"));
        st.execute(t("DROP FUNCTION IF EXISTS jw_get_note"));
        st.execute(t("CREATE PROCEDURE jw_put_note(p_id BIGINT, p_note VARCHAR) LANGUAGE SQL AS $$"
            + " INSERT INTO jw_customer (id, note) VALUES (p_id, p_note) $$"));
        st.execute(t("CREATE FUNCTION jw_get_note(p_id BIGINT) RETURNS TABLE (id BIGINT, note VARCHAR)"
            + " LANGUAGE SQL AS $$ SELECT c.id, c.note FROM jw_customer c WHERE c.id = p_id $$"));
        st.execute(t("DROP FUNCTION IF EXISTS jw_note_len"));
        st.execute(t("CREATE FUNCTION jw_note_len(p_note VARCHAR) RETURNS INT LANGUAGE SQL AS $$"
            + " SELECT length(p_note) $$"));
      } else {
        st.execute(t("DROP PROCEDURE IF EXISTS jw_put_note"));
        st.execute(t("DROP PROCEDURE IF EXISTS jw_get_note"));
        st.execute(t("CREATE PROCEDURE jw_put_note(IN p_id BIGINT, IN p_note VARCHAR(2048))"
            + " INSERT INTO jw_customer (id, note) VALUES (p_id, p_note)"));
        st.execute(t("CREATE PROCEDURE jw_get_note(IN p_id BIGINT)"
            + " SELECT c.id, c.note FROM jw_customer c WHERE c.id = p_id"));
        st.execute(t("DROP FUNCTION IF EXISTS jw_note_len"));
        st.execute(t("CREATE FUNCTION jw_note_len(p_note VARCHAR(2048)) RETURNS INT DETERMINISTIC"
            + " RETURN CHAR_LENGTH(p_note)"));
      }
    }
  }

  private boolean proceduresCreated;

  @AfterEach
  void dropProcedures() throws SQLException {
    if (!proceduresCreated) {
      return;
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(t("DROP PROCEDURE IF EXISTS jw_put_note"));
      st.execute(t(db.kind() == TestDatabases.Kind.POSTGRES ? "DROP FUNCTION IF EXISTS jw_get_note"
          : "DROP PROCEDURE IF EXISTS jw_get_note"));
      st.execute(t("DROP FUNCTION IF EXISTS jw_note_len"));
    }
  }

  private static EncryptedColumns withProcedures() {
    EncryptedColumns plain = JdbcFixtures.columns();
    EncryptedColumn note = plain.find(t("jw_customer"), "note").orElseThrow();
    return EncryptedColumns.builder().addAll(plain.all())
        .procedure(EncryptedProcedure.builder(t("jw_put_note")).encryptedParameter(2, note).build())
        .procedure(EncryptedProcedure.builder(t("jw_get_note")).decryptedResult("note", note).build())
        .procedure(EncryptedProcedure.builder(t("jw_note_len")).encryptedParameter(1, note).build())
        .build();
  }

  @ParameterizedTest
  @MethodSource(SERVERS)
  void procedureCallWithArguments_isRefused_unlessDeclared(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    createProcedures();
    assertRefusedEverywhere(t("CALL jw_put_note(?, ?)"), t("jw_put_note"), "not declared");
    assertRefusedEverywhere(t("{call jw_put_note(?, ?)}"), t("jw_put_note"), "not declared");
    assertRefusedEverywhere(t("CALL jw_put_note(74, '" + PLAINTEXT + "')"), "not declared");
  }

  @ParameterizedTest
  @MethodSource(SERVERS)
  void declaredProcedure_encryptsItsParameters_andDecryptsItsResults(TestDatabases.Kind kind) throws Exception {
    setUp(kind, withProcedures());
    createProcedures();
    try (Connection c = ds.getConnection(); CallableStatement call = c.prepareCall(t("CALL jw_put_note(?, ?)"))) {
      call.setLong(1, 41);
      call.setString(2, PLAINTEXT);
      call.execute();
    }
    List<List<Object>> raw = JdbcFixtures.rawRows(db, t("jw_customer"));
    assertThat(raw).hasSize(1);
    assertThat(raw.toString()).doesNotContain(PLAINTEXT);
    try (Connection c = ds.getConnection()) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(t("SELECT id, note FROM jw_customer"))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("note")).isEqualTo(PLAINTEXT);
      }
      String get = kind == TestDatabases.Kind.POSTGRES ? t("{call jw_get_note(?)}") : t("CALL jw_get_note(?)");
      try (CallableStatement call = c.prepareCall(get)) {
        call.setLong(1, 41);
        List<String> notes = new ArrayList<>();
        try (ResultSet rs = call.executeQuery()) {
          while (rs.next()) {
            notes.add(rs.getString("note"));
          }
        }
        assertThat(notes).containsExactly(PLAINTEXT);
      }
      // {? = call f(?)}: the function's argument is JDBC parameter 2, and it receives the ciphertext
      int mark = driver.mark();
      try (CallableStatement call = c.prepareCall(t("{? = call jw_note_len(?)}"))) {
        call.registerOutParameter(1, java.sql.Types.INTEGER);
        call.setString(2, PLAINTEXT);
        call.execute();
        assertThat(call.getInt(1)).as("length of what the function received")
            .isGreaterThan(PLAINTEXT.length() + 30);
      }
      assertThat(driver.plaintextSince(mark, List.of(PLAINTEXT))).isNull();
      // an encrypted argument given inline, or set by name, is refused
      assertThatThrownBy(() -> c.prepareCall(t("CALL jw_put_note(42, '" + PLAINTEXT + "')")))
          .isInstanceOf(StatementRefusedException.class).hasMessageContaining("Argument 2")
          .hasMessageNotContaining(PLAINTEXT);
      try (CallableStatement call = c.prepareCall(t("CALL jw_put_note(?, ?)"))) {
        assertThatThrownBy(() -> call.setString("p_note", PLAINTEXT)).isInstanceOf(StatementRefusedException.class)
            .hasMessageContaining("by its index");
      }
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer"))).hasSize(1);
  }

  @Test
  void procedureDeclaration_isValidated_whenBuilt() {
    EncryptedColumns plain = JdbcFixtures.columns();
    EncryptedColumn ssn = plain.find(t("jw_customer"), "ssn").orElseThrow();
    EncryptedColumn note = plain.find(t("jw_customer"), "note").orElseThrow();
    assertThatThrownBy(() -> EncryptedProcedure.builder("p").encryptedParameter(1, ssn))
        .hasMessageContaining("row's id");
    assertThatThrownBy(() -> EncryptedProcedure.builder("p").encryptedParameter(0, note))
        .hasMessageContaining("start at 1");
    assertThatThrownBy(() -> EncryptedProcedure.builder("s.p; DROP")).hasMessageContaining("unquoted identifier");
    assertThatThrownBy(() -> EncryptedProcedure.builder("p").blindIndexParameter(1, note))
        .hasMessageContaining("no blind index");
    EncryptedColumn stranger = EncryptedColumn.builder("other", "note", String.class).build();
    assertThatThrownBy(() -> EncryptedColumns.builder().addAll(plain.all())
        .procedure(EncryptedProcedure.builder("p").encryptedParameter(1, stranger).build()).build())
        .hasMessageContaining("other.note").hasMessageContaining("not added");
    assertThatThrownBy(() -> EncryptedProcedure.builder("p").encryptedParameter(1, note).encryptedParameter(1, note))
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> EncryptedColumns.builder().addAll(plain.all())
        .procedure(EncryptedProcedure.builder("P").build()).procedure(EncryptedProcedure.builder("p").build()))
        .hasMessageContaining("Procedure p is declared twice");
    EncryptedProcedure declared = EncryptedProcedure.builder("Put_Note").encryptedParameter(2, note).build();
    assertThatThrownBy(() -> declared.parameters().put(1, null)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(EncryptedColumns.builder().addAll(plain.all()).procedure(declared).build().procedure("PUT_NOTE"))
        .containsSame(declared);
  }

  // --------------------------------------------------------------------------------------------
  // 4. unwrap never hands out the driver's objects

  @ParameterizedTest
  @MethodSource(DBS)
  void unwrap_toTheDriversClasses_isRefused_andTheEscapeHatchIsNamed(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    Class<?> rawConnection;
    try (Connection raw = db.connect()) {
      rawConnection = raw.getClass();
    }
    try (Connection c = ds.getConnection()) {
      assertThat(c.isWrapperFor(rawConnection)).isFalse();
      assertThatThrownBy(() -> c.unwrap(rawConnection)).isInstanceOf(StatementRefusedException.class)
          .hasMessageContaining("unencryptedDataSource()");
      // a framework that unwraps to "the real connection" still writes through the wrapper
      Connection unwrapped = c.unwrap(Connection.class);
      try (PreparedStatement ps = unwrapped.prepareStatement(t("INSERT INTO jw_customer (id, note) VALUES (?, ?)"))) {
        ps.setLong(1, 1);
        ps.setString(2, PLAINTEXT);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(t("SELECT id FROM jw_customer WHERE email = ?"))) {
        assertThat(ps.isWrapperFor(ps.getClass())).isTrue();
        assertThatThrownBy(() -> ps.unwrap(rawConnection)).isInstanceOf(StatementRefusedException.class);
      }
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer")).toString()).doesNotContain(PLAINTEXT);
    javax.sql.DataSource pool = ds.unencryptedDataSource();
    assertThat(ds.isWrapperFor(pool.getClass())).isFalse();
    assertThatThrownBy(() -> ds.unwrap(pool.getClass())).isInstanceOf(StatementRefusedException.class)
        .hasMessageContaining("unencryptedDataSource()");
  }

  // --------------------------------------------------------------------------------------------
  // 5. Statements that must not be refused

  @ParameterizedTest
  @MethodSource(DBS)
  void multiRowValues_whoseRowCountEqualsItsColumnCount_isEncrypted(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer_copy (id, email) VALUES (?, ?), (?, ?)"))) {
        ps.setLong(1, 1);
        ps.setString(2, "one@x");
        ps.setLong(3, 2);
        ps.setString(4, "two@x");
        assertThat(ps.executeUpdate()).isEqualTo(2);
      }
      try (PreparedStatement ps = c.prepareStatement(
          t("INSERT INTO jw_customer (id, name, note) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)"))) {
        for (int row = 0; row < 3; row++) {
          ps.setLong(row * 3 + 1, 10 + row);
          ps.setString(row * 3 + 2, "n" + row);
          ps.setString(row * 3 + 3, PLAINTEXT + row);
        }
        assertThat(ps.executeUpdate()).isEqualTo(3);
      }
      try (PreparedStatement ps = c.prepareStatement(t("SELECT id FROM jw_customer_copy WHERE email = ?"))) {
        ps.setString(1, "two@x");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(2);
        }
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(t("SELECT note FROM jw_customer ORDER BY id"))) {
        List<String> notes = new ArrayList<>();
        while (rs.next()) {
          notes.add(rs.getString(1));
        }
        assertThat(notes).containsExactly(PLAINTEXT + 0, PLAINTEXT + 1, PLAINTEXT + 2);
      }
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer")).toString()).doesNotContain(PLAINTEXT);
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer_copy")).toString()).doesNotContain("one@x");
  }

  // --------------------------------------------------------------------------------------------
  // 6. Errors say what to use, with the wrapper's refusal type

  @ParameterizedTest
  @MethodSource(DBS)
  void prepareCallOfAnInsert_saysPrepareCall_andToUsePrepareStatement(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      assertThatThrownBy(() -> c.prepareCall(t("INSERT INTO jw_customer (id, note) VALUES (?, ?)")))
          .isInstanceOf(StatementRefusedException.class)
          .hasMessageContaining("prepareCall").hasMessageContaining("use prepareStatement")
          .hasMessageNotContaining("plain Statement");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void setBytesOnAStringColumn_isRefusedWithTheWrappersType(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer (id, note) VALUES (?, ?)"))) {
      ps.setLong(1, 1);
      ps.setBytes(2, PLAINTEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThatThrownBy(ps::executeUpdate).isInstanceOf(StatementRefusedException.class)
          .hasMessageContaining(t("jw_customer.note")).hasMessageNotContaining(PLAINTEXT)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(StatementRefusedException.SQL_STATE));
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer"))).isEmpty();
  }

  // --------------------------------------------------------------------------------------------
  // 7. A ? that meets an encrypted column in a place the wrapper does not map

  @ParameterizedTest
  @MethodSource(DBS)
  void parameterMeetingAnEncryptedColumnThroughASubqueryOrFunction_isRefusedBeforeTheDriver(TestDatabases.Kind kind)
      throws Exception {
    setUp(kind);
    for (String sql : List.of(
        "SELECT id FROM jw_customer WHERE email = (SELECT ?)",
        "SELECT id FROM jw_customer WHERE email IN (SELECT ?)",
        "SELECT id FROM jw_customer WHERE email IN (SELECT ? UNION SELECT v FROM jw_plain)",
        "SELECT id FROM jw_customer WHERE NULLIF(email, ?) IS NULL",
        "SELECT id FROM jw_customer WHERE GREATEST(email, ?) IS NOT NULL",
        "SELECT id FROM jw_customer WHERE COALESCE(CASE WHEN email = ? THEN ? END, 'n') = 'y'",
        "SELECT id FROM jw_customer c WHERE EXISTS (SELECT 1 FROM jw_plain p WHERE c.email = (SELECT ?))",
        "SELECT id FROM jw_customer WHERE EXISTS (SELECT 1 FROM (SELECT ? AS v) x WHERE x.v = email)",
        "WITH p AS (SELECT ? AS v) SELECT id FROM jw_customer, p WHERE email = p.v",
        "SELECT id FROM jw_customer WHERE phone_bidx = (SELECT ?)",
        "SELECT id, NULLIF(email, ?) AS e FROM jw_customer",
        "UPDATE jw_customer SET name = 'hit' WHERE email = (SELECT ?)",
        "UPDATE jw_customer SET name = NULLIF(email, ?) WHERE id = 1",
        "DELETE FROM jw_customer WHERE email IN (SELECT ?)")) {
      assertRefusedEverywhere(t(sql), "encrypted column");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void mappedComparisonsInsideCaseAndExists_stillFindTheRow(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer (id, email) VALUES (?, ?)"))) {
        ps.setLong(1, 2);
        ps.setString(2, "bob@x.com");
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(t("SELECT id, CASE WHEN email = ? THEN 1 ELSE 0 END AS hit"
          + " FROM jw_customer c WHERE EXISTS (SELECT 1 FROM jw_customer d WHERE d.id = c.id AND d.email = ?)"))) {
        ps.setString(1, "bob@x.com");
        ps.setString(2, "bob@x.com");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(2);
          assertThat(rs.getInt("hit")).isEqualTo(1);
        }
      }
    }
  }

  // --------------------------------------------------------------------------------------------
  // 8. H2 scripts, linked tables and file readers feed SQL or data the wrapper cannot see

  @ParameterizedTest
  @MethodSource(DBS)
  void h2ScriptsLinkedTablesAndFileReaders_areRefusedAsDynamicSql(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    java.nio.file.Path script = java.nio.file.Files.createTempFile("fv-runscript", ".sql");
    java.nio.file.Files.writeString(script, t("INSERT INTO jw_customer (id, note) VALUES (40, '" + PLAINTEXT
        + "');"));
    try {
      String file = script.toAbsolutePath().toString().replace('\\', '/');
      for (String sql : List.of(
          "RUNSCRIPT FROM '" + file + "'",
          "runscript from '" + file + "' CHARSET 'UTF-8'",
          "SCRIPT TO '" + file + ".out'",
          "CREATE LINKED TABLE lt_x('org.h2.Driver', 'jdbc:h2:mem:other', 'sa', '', 'T')",
          "CREATE FORCE LINKED TABLE lt_y('org.h2.Driver', 'jdbc:h2:mem:other', 'sa', '', 'T')",
          t("INSERT INTO jw_customer (id, note) SELECT id, note FROM CSVREAD('" + file + "')"),
          "SELECT FILE_READ('" + file + "')",
          "CALL LINK_SCHEMA('s', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')")) {
        assertRefusedEverywhere(sql, "cannot see");
      }
    } finally {
      java.nio.file.Files.deleteIfExists(script);
    }
  }

  // --------------------------------------------------------------------------------------------
  // 9. A blind index is filled from its column's value; a row id of row-bound values does not change

  @ParameterizedTest
  @MethodSource(DBS)
  void blindIndexWrittenWithoutItsColumn_isRefused(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    for (String sql : List.of(
        "UPDATE jw_customer SET phone_bidx = ? WHERE id = ?",
        "INSERT INTO jw_customer (id, phone_bidx) VALUES (?, ?)",
        "INSERT INTO jw_customer (id, phone, phone_bidx) VALUES (?, ?, NULL)",
        "INSERT INTO jw_customer (id, phone, phone_bidx) SELECT id, ?, NULL FROM jw_plain")) {
      assertRefusedEverywhere(t(sql), "phone_bidx", "blind");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void blindIndexBoundToAnotherValueThanItsColumn_isRefused_andTheSameValueIsSearchable(TestDatabases.Kind kind)
      throws Exception {
    setUp(kind);
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          t("INSERT INTO jw_customer (id, phone, phone_bidx) VALUES (?, ?, ?)"))) {
        ps.setLong(1, 2);
        ps.setString(2, "555-0002");
        ps.setString(3, "999-9999");
        assertThatThrownBy(ps::executeUpdate).isInstanceOf(StatementRefusedException.class)
            .hasMessageContaining("phone_bidx").hasMessageContaining("fills the blind index")
            .hasMessageNotContaining("555-0002").hasMessageNotContaining("999-9999");
      }
      assertThat(JdbcFixtures.rawRows(db, t("jw_customer"))).isEmpty();
      // the same value (the normalizer ignores case), or no value at all: the wrapper fills the index
      try (PreparedStatement ps = c.prepareStatement(
          t("INSERT INTO jw_customer (id, phone, phone_bidx) VALUES (?, ?, ?)"))) {
        ps.setLong(1, 3);
        ps.setString(2, "555-ABC");
        ps.setString(3, "555-abc");
        ps.executeUpdate();
        ps.clearParameters();
        ps.setLong(1, 4);
        ps.setString(2, "555-0004");
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          t("UPDATE jw_customer SET phone = ?, phone_bidx = ? WHERE id = ?"))) {
        ps.setString(1, "555-0005");
        ps.setString(2, "999-9999");
        ps.setLong(3, 3);
        assertThatThrownBy(ps::executeUpdate).isInstanceOf(StatementRefusedException.class)
            .hasMessageContaining("fills the blind index");
      }
      assertThat(idsWithPhone(c, "555-abc")).containsExactly(3L);
      assertThat(idsWithPhone(c, "555-0004")).containsExactly(4L);
      assertThat(idsWithPhone(c, "999-9999")).isEmpty();
    }
  }

  private static List<Long> idsWithPhone(Connection c, String phone) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(t("SELECT id FROM jw_customer WHERE phone_bidx = ? ORDER BY id"))) {
      ps.setString(1, phone);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void changingTheRowIdOfATableWithRowBoundColumns_isRefused(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    for (String sql : List.of(
        "UPDATE jw_customer SET id = ? WHERE id = ?",
        "UPDATE jw_customer SET ssn = ?, id = ? WHERE id = ?",
        "UPDATE jw_customer SET id = id + 100",
        "UPDATE jw_customer c SET c.id = 7 WHERE c.id = 1")) {
      assertRefusedEverywhere(t(sql), "row id", "insert it again");
    }
  }

  @ParameterizedTest
  @MethodSource(DBS)
  void assigningAComputationOnAnEncryptedColumnToAPlainColumn_isRefused(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    // found by SqlDifferentialFuzzTest (seed -6951068041995131010: SET n = n + det): the database would compute on
    // the ciphertext (MariaDB silently, as a number) and write the result into a plain column
    for (String sql : List.of(
        "UPDATE jw_customer SET name = CONCAT(note, 'x') WHERE id = 1",
        "UPDATE jw_customer SET name = UPPER(email)",
        "UPDATE jw_customer SET name = CASE WHEN id = 1 THEN note END",
        "UPDATE jw_customer SET name = (COALESCE(email, name)) WHERE id = 2")) {
      assertRefusedEverywhere(t(sql), "assigns to column name", "ciphertext, not the value");
    }
  }

  // --------------------------------------------------------------------------------------------
  // 10. Reading an expression of an encrypted column would return its ciphertext as the value

  @ParameterizedTest
  @MethodSource(DBS)
  void selectListExpressionOfAnEncryptedColumn_isRefused_butCountAndPredicatesAreRead(TestDatabases.Kind kind)
      throws Exception {
    setUp(kind);
    for (String sql : List.of(
        "SELECT CASE WHEN id = 2 THEN note END AS note FROM jw_customer WHERE id = 2",
        "SELECT COALESCE(note, name) FROM jw_customer",
        "SELECT MAX(note) AS note FROM jw_customer",
        "SELECT id, (SELECT note FROM jw_customer WHERE id = 1) AS n FROM jw_plain",
        "SELECT * FROM (SELECT MIN(email) AS email FROM jw_customer) x",
        "SELECT CONCAT(note, '') AS note FROM jw_customer")) {
      assertRefusedEverywhere(t(sql), "select list", "ciphertext");
    }
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer (id, note) VALUES (?, ?)"))) {
        ps.setLong(1, 1);
        ps.setString(2, PLAINTEXT);
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(t("SELECT COUNT(note) AS n,"
          + " MAX(CASE WHEN note IS NULL THEN 0 ELSE 1 END) AS has_note, MAX(id) AS m FROM jw_customer"))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("n")).isEqualTo(1);
        assertThat(rs.getInt("has_note")).isEqualTo(1);
      }
    }
  }

  // --------------------------------------------------------------------------------------------
  // 11. A malformed PreEncrypted value is a refusal of the wrapper's type

  @ParameterizedTest
  @MethodSource(DBS)
  void preEncryptedGarbage_isAStatementRefusedException_withTheTypedCause(TestDatabases.Kind kind) throws Exception {
    setUp(kind);
    PreEncrypted garbage = PreEncrypted.of(new byte[] {1, 2, 3});
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(t("INSERT INTO jw_customer (id, note) VALUES (?, ?)"))) {
      ps.setLong(1, 1);
      assertThatThrownBy(() -> ps.setObject(2, garbage)).isInstanceOf(StatementRefusedException.class)
          .hasMessageContaining("PreEncrypted").hasMessageContaining(t("jw_customer.note"))
          .hasCauseInstanceOf(dev.fieldvault.keys.MalformedCiphertextException.class);
    }
    assertThat(JdbcFixtures.rawRows(db, t("jw_customer"))).isEmpty();
  }
}
