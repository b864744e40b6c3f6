package dev.fieldvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Searches through the wrapper while a deterministic or PRF key rotates in place: rows whose value
 * is still under the old key and rows under the new primary are both found, by statements prepared
 * before or after the promotion, in batches too; once the rewrapper has moved every row and the old
 * key is disabled, the driver gets the SQL as written again. Tables are prefixed {@code jws_<pid>_}.
 */
class KeyRotationSearchTest {

  private static final String PREFIX = "jws_" + Long.toString(ProcessHandle.current().pid(), 36) + "_";
  private static final String TABLE = PREFIX + "person";
  private static final VaultTables VAULT_TABLES = VaultTables.withPrefix(PREFIX + "fv_");
  private static final String A = "Ann@Example.com";
  private static final String B = "Bob@Example.com";
  private static final String C = "Cid@Example.com";
  private static final String D = "Dee@Example.com";
  private static final String E = "Eve@Example.com";

  /** The searched column: a deterministic one, or the blind index of a randomized one. */
  enum Searched {
    DETERMINISTIC("email", KeyPurpose.DETERMINISTIC_AEAD),
    BLIND_INDEX("phone_bidx", KeyPurpose.PRF);

    final String column;
    final KeyPurpose purpose;

    Searched(String column, KeyPurpose purpose) {
      this.column = column;
      this.purpose = purpose;
    }
  }

  static Stream<Arguments> cases() {
    return TestDatabases.all().flatMap(kind -> Stream.of(Searched.values()).map(s -> Arguments.of(kind, s)));
  }

  private TestDatabase db;
  private Keyring keyring;
  private FieldCipher cipher;
  private EncryptedColumns columns;
  private EncryptingDataSource ds;
  /** Every SQL string the wrapper prepared on the driver. */
  private final List<String> sent = new CopyOnWriteArrayList<>();

  private void setUp(TestDatabases.Kind kind) throws SQLException {
    db = TestDatabases.get(kind);
    dropTables();
    String bin = JdbcFixtures.binary(kind);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100), email " + bin + ", phone "
          + bin + ", phone_bidx " + bin + ")");
    }
    VAULT_TABLES.install(db.dataSource());
    keyring = Keyring.generate("jws");
    cipher = FieldCipher.create(keyring);
    columns = EncryptedColumns.builder()
        .add(EncryptedColumn.builder(TABLE, "email", String.class).mode(EncryptionMode.DETERMINISTIC)
            .context("Person", "email").build())
        .add(EncryptedColumn.builder(TABLE, "phone", String.class).context("Person", "phone")
            .blindIndexColumn("phone_bidx", 16, Normalizers.caseInsensitive()).build())
        .build();
    ds = EncryptingDataSource.wrap(recording(db.dataSource()), cipher, columns);
  }

  @AfterEach
  void dropTables() throws SQLException {
    if (db != null) {
      db.dropTables(TABLE, VAULT_TABLES.keyset(), VAULT_TABLES.rotation(), VAULT_TABLES.rotationRange());
    }
  }

  // --------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("cases")
  void searches_matchRowsUnderBothKeys_duringARotation_andTheSqlIsAsWrittenAfterIt(TestDatabases.Kind kind,
      Searched searched) throws Exception {
    setUp(kind);
    String col = searched.column;
    insert(1, A);
    insert(2, B);
    insert(3, C);
    promote(searched.purpose);
    insert(4, D);
    insert(5, E);
    insert(6, A);
    assertThat(keyId(searched, 6)).as("rows 1 and 6 hold A under different keys").isNotEqualTo(keyId(searched, 1));

    String equal = "SELECT id FROM " + TABLE + " WHERE " + col + " = ?";
    assertThat(ids(equal, A)).containsExactly(1L, 6L);
    assertThat(sent).contains("SELECT id FROM " + TABLE + " WHERE " + col + " IN (?, ?)");
    assertThat(ids("SELECT p.id FROM " + TABLE + " p WHERE p." + col + " IN (?, ?)", B, D)).containsExactly(2L, 4L);
    assertThat(ids("SELECT id FROM " + TABLE + " WHERE " + col + " <> ?", A)).containsExactly(2L, 3L, 4L, 5L);
    assertThat(ids("SELECT id FROM " + TABLE + " WHERE " + col + " NOT IN (?, ?)", A, D))
        .containsExactly(2L, 3L, 5L);
    assertThat(ids("SELECT a.id FROM " + TABLE + " a JOIN " + TABLE + " b ON b.id = a.id WHERE ? = b." + col
        + " AND a.id > ?", A, 1L)).containsExactly(6L);

    assertThat(update("UPDATE " + TABLE + " SET name = ? WHERE " + col + " = ?", "renamed", A)).isEqualTo(2);
    assertThat(ids("SELECT id FROM " + TABLE + " WHERE name = ?", "renamed")).containsExactly(1L, 6L);
    assertThat(update("DELETE FROM " + TABLE + " WHERE " + col + " = ?", B)).isEqualTo(1);
    assertThat(update("DELETE FROM " + TABLE + " WHERE " + col + " = ?", D)).isEqualTo(1);
    assertThat(ids("SELECT id FROM " + TABLE + " WHERE id > ?", 0L)).containsExactly(1L, 3L, 5L, 6L);

    Keyring during = keyring;
    disableOldest(searched.purpose);
    assertThat(ids(equal, A)).as("a value under a disabled key is not found").containsExactly(6L);
    reload(during);

    rewrap();
    assertThat(keyId(searched, 1)).isEqualTo(keyId(searched, 6));
    disableOldest(searched.purpose);
    sent.clear();
    assertThat(ids(equal, A)).containsExactly(1L, 6L);
    assertThat(ids("SELECT id FROM " + TABLE + " WHERE " + col + " NOT IN (?, ?)", A, C)).containsExactly(5L);
    assertThat(sent).containsExactly(equal, "SELECT id FROM " + TABLE + " WHERE " + col + " NOT IN (?, ?)");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aKeyringChange_whileAStatementIsOpen_isSeenWhenItRunsAgain(TestDatabases.Kind kind, Searched searched)
      throws Exception {
    setUp(kind);
    insert(1, A);
    insert(2, B);
    String sql = "SELECT id FROM " + TABLE + " WHERE " + searched.column + " = ? AND id > ? ORDER BY id";
    sent.clear();
    try (Connection c = ds.getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
      q.setMaxRows(10);
      q.setString(1, A);
      q.setLong(2, 0);
      assertThat(ids(q)).containsExactly(1L);
      assertThat(sent).containsExactly(sql);

      promote(searched.purpose);
      insert(3, A);
      assertThat(ids(q)).as("prepared again for two keys, parameters kept").containsExactly(1L, 3L);
      assertThat(sent).contains(sql.replace(searched.column + " = ?", searched.column + " IN (?, ?)"));
      assertThat(q.unwrap(PreparedStatement.class).getMaxRows()).isEqualTo(10);
      assertThat(q.getParameterMetaData().getParameterCount()).as("the application's parameters").isEqualTo(2);
      q.setLong(2, 1);
      assertThat(ids(q)).containsExactly(3L);

      rewrap();
      disableOldest(searched.purpose);
      q.setLong(2, 0);
      assertThat(ids(q)).as("one readable key: its value repeated").containsExactly(1L, 3L);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void batches_bindEveryRowAndTheParametersAfterASearch_evenWhenTheKeyringChangesMidBatch(TestDatabases.Kind kind,
      Searched searched) throws Exception {
    setUp(kind);
    insert(1, A);
    insert(2, B);
    insert(3, C);
    try (Connection c = ds.getConnection(); PreparedStatement u = c.prepareStatement(
        "UPDATE " + TABLE + " SET name = ? WHERE " + searched.column + " = ? AND id > ?")) {
      addBatch(u, "x", A, 0);
      promote(searched.purpose);
      insert(4, B);
      insert(5, C);
      addBatch(u, "y", B, 0);
      addBatch(u, "z", C, 3);
      u.executeBatch();
      assertThat(names()).containsExactly("1=x", "2=y", "3=n3", "4=y", "5=z");

      insert(6, A);
      addBatch(u, "w", A, 1);
      addBatch(u, "v", E, 0);
      u.executeBatch();
      assertThat(names()).containsExactly("1=x", "2=y", "3=n3", "4=y", "5=z", "6=w");
    }
  }

  // --------------------------------------------------------------------------------------------

  private void insert(long id, String value) throws SQLException {
    update("INSERT INTO " + TABLE + " (id, name, email, phone, phone_bidx) VALUES (?, ?, ?, ?, ?)",
        id, "n" + id, value, value, value);
  }

  private void promote(KeyPurpose purpose) {
    reload(keyring.with(keyring.get(purpose).orElseThrow().rotate()));
  }

  private void disableOldest(KeyPurpose purpose) {
    reload(keyring.with(keyring.get(purpose).orElseThrow().disable(1)));
  }

  private void reload(Keyring next) {
    keyring = next;
    cipher.reload(next);
  }

  private void rewrap() {
    // the wrapper's own model columns: one declaration for both
    EncryptedColumn email = columns.find(TABLE, "email").orElseThrow();
    EncryptedColumn phone = columns.find(TABLE, "phone").orElseThrow();
    Rewrapper.builder(db.dataSource(), cipher).vaultTables(VAULT_TABLES)
        .table(EncryptedTable.builder(TABLE).primaryKey("id").column(email).column(phone).build())
        .build().run();
  }

  /** The key id of the stored value (ciphertext or blind index) of the searched column. */
  private int keyId(Searched searched, long id) throws SQLException {
    byte[] raw = JdbcFixtures.rawBytes(db, TABLE, searched.column, id);
    return searched == Searched.DETERMINISTIC ? CiphertextHeader.parse(raw).keyId() : FieldCipher.blindIndexKeyId(raw);
  }

  /** The ids a query finds, sorted. */
  private List<Long> ids(String sql, Object... params) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<Long> ids = ids(ps);
      ids.sort(null);
      return ids;
    }
  }

  private static List<Long> ids(PreparedStatement ps) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private int update(String sql, Object... params) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static void addBatch(PreparedStatement ps, String name, String value, long afterId) throws SQLException {
    ps.setString(1, name);
    ps.setString(2, value);
    ps.setLong(3, afterId);
    ps.addBatch();
  }

  private List<String> names() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, name FROM " + TABLE + " ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "=" + rs.getString(2));
      }
    }
    return out;
  }

  /** The data source, recording the SQL of every statement prepared on its connections. */
  private DataSource recording(DataSource real) {
    return proxy(DataSource.class, real, (m, args) -> { });
  }

  private interface Observer {
    void called(Method m, Object[] args);
  }

  private <T> T proxy(Class<T> iface, T real, Observer observer) {
    return iface.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, (p, m, args) -> {
      observer.called(m, args);
      Object result;
      try {
        result = m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof Connection && m.getName().equals("getConnection")) {
        return proxy(Connection.class, (Connection) result, (cm, cargs) -> {
          if (cm.getName().equals("prepareStatement")) {
            sent.add((String) cargs[0]);
          }
        });
      }
      return result;
    }));
  }
}
