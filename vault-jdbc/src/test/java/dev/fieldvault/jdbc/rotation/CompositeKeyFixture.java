package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.RowContext;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two tables with composite primary keys (prefix {@code rck_}): {@code rck_<name>_acct} keyed by
 * (tenant_id BIGINT, code VARCHAR) whose codes all contain characters that would break a naive
 * text encoding of a key (comma, quotes, brackets, backslash, non-ASCII), with a binary column and
 * a row-bound text column whose row id comes from a {@link RowContext}; and {@code rck_<name>_ledger}
 * keyed by (region VARCHAR, account BIGINT, seq INT) with one binary column.
 */
final class CompositeKeyFixture {

  static final FieldSpec<String> SECRET = FieldSpec.builder("Account", "secret", String.class).build();
  static final FieldSpec<String> BOUND = FieldSpec.builder("Account", "bound", String.class).rowBound(true).build();
  static final FieldSpec<String> AMOUNT = FieldSpec.builder("Ledger", "amount", String.class).build();
  /** Codes are one of these followed by a number: every key's text needs escaping. */
  static final List<String> MARKS = List.of("a,b", "q\"t'", "[x]", "\u65e5\u672c\u00fc", "b\\s", "\"],[\"", "{k:1}");
  static final int TENANTS = 4;
  static final int CODES = 120;
  static final int REGIONS = 2;
  static final int ACCOUNTS = 10;
  static final int SEQS = 12;

  final TestDatabase db;
  final String accounts;
  final String ledger;
  final VaultTables vaultTables;

  CompositeKeyFixture(TestDatabases.Kind kind, String name) {
    this.db = TestDatabases.get(kind);
    this.accounts = "rck_" + name + "_acct";
    this.ledger = "rck_" + name + "_ledger";
    this.vaultTables = VaultTables.withPrefix("rck_" + name + "_fv_");
  }

  static int accountRows() {
    return TENANTS * CODES;
  }

  static int ledgerRows() {
    return REGIONS * ACCOUNTS * SEQS;
  }

  static int rows() {
    return accountRows() + ledgerRows();
  }

  /** The row context of the row-bound column: its row id is "tenant_id/code". */
  static EncryptionContext boundContext(long tenant, String code) {
    return EncryptionContext.of("Account", "bound", null, tenant + "/" + code);
  }

  List<EncryptedTable> declaration() {
    return List.of(
        EncryptedTable.builder(accounts).primaryKey("tenant_id", "code")
            .column(EncryptedColumn.builder(accounts, "secret", SECRET).build())
            .column(EncryptedColumn.builder(accounts, "bound", BOUND).storage(ColumnStorage.TEXT)
                .rowContext(row -> boundContext(row.getLong("tenant_id"), row.getString("CODE")), "tenant_id", "code")
                .build())
            .build(),
        EncryptedTable.builder(ledger).primaryKey("region", "account", "seq")
            .column(EncryptedColumn.builder(ledger, "amount", AMOUNT).build())
            .build());
  }

  Rewrapper.Builder rewrapper(FieldCipher cipher) {
    return Rewrapper.builder(db.dataSource(), cipher).tables(declaration()).vaultTables(vaultTables);
  }

  static String code(int i) {
    return MARKS.get(i % MARKS.size()) + "#" + i;
  }

  static String secret(long tenant, String code) {
    return "secret of " + tenant + "/" + code;
  }

  static String amount(String region, long account, int seq) {
    return region + ":" + account + ":" + seq;
  }

  void create(FieldCipher cipher) throws SQLException {
    drop();
    String bin = db.kind() == TestDatabases.Kind.POSTGRES ? "BYTEA" : "VARBINARY(300)";
    String text = db.kind() == TestDatabases.Kind.MARIADB ? " CHARACTER SET utf8mb4" : "";
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + accounts + " (tenant_id BIGINT NOT NULL, code VARCHAR(40)" + text + " NOT NULL,"
          + " secret " + bin + ", bound VARCHAR(400), PRIMARY KEY (tenant_id, code))");
      st.execute("CREATE TABLE " + ledger + " (region VARCHAR(10) NOT NULL, account BIGINT NOT NULL, seq INT NOT NULL,"
          + " amount " + bin + ", PRIMARY KEY (region, account, seq))");
    }
    vaultTables.install(db.dataSource());
    FieldEncryptor<String> secret = cipher.field(SECRET);
    FieldEncryptor<String> amount = cipher.field(AMOUNT);
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + accounts
          + " (tenant_id, code, secret, bound) VALUES (?, ?, ?, ?)")) {
        for (long t = 1; t <= TENANTS; t++) {
          for (int i = 0; i < CODES; i++) {
            String code = code(i);
            ps.setLong(1, t);
            ps.setString(2, code);
            ps.setBytes(3, secret.encrypt(secret(t, code)));
            ps.setString(4, java.util.Base64.getEncoder().encodeToString(cipher.encrypt(
                secret(t, code).getBytes(StandardCharsets.UTF_8), boundContext(t, code), BOUND.mode())));
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ledger
          + " (region, account, seq, amount) VALUES (?, ?, ?, ?)")) {
        for (String region : regions()) {
          for (long a = 1; a <= ACCOUNTS; a++) {
            for (int s = 1; s <= SEQS; s++) {
              ps.setString(1, region);
              ps.setLong(2, a);
              ps.setInt(3, s);
              ps.setBytes(4, amount.encrypt(amount(region, a, s)));
              ps.addBatch();
            }
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  static List<String> regions() {
    return List.of("eu", "us");
  }

  /** Every stored value of both tables, by table and key text. */
  Map<String, byte[]> snapshot() throws SQLException {
    Map<String, byte[]> out = new HashMap<>();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT tenant_id, code, secret, bound FROM " + accounts)) {
        while (rs.next()) {
          String k = rs.getLong(1) + "/" + rs.getString(2);
          out.put("secret " + k, rs.getBytes(3));
          out.put("bound " + k, rs.getString(4).getBytes(StandardCharsets.US_ASCII));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT region, account, seq, amount FROM " + ledger)) {
        while (rs.next()) {
          out.put("amount " + rs.getString(1) + "/" + rs.getLong(2) + "/" + rs.getInt(3), rs.getBytes(4));
        }
      }
    }
    return out;
  }

  static long changed(Map<String, byte[]> before, Map<String, byte[]> after) {
    return before.keySet().stream().filter(k -> !Arrays.equals(before.get(k), after.get(k))).count();
  }

  /**
   * Every value decrypts to what was written ({@code secrets} overrides the secret column by
   * "tenant/code") and every value is under a key of {@code keyIds}.
   */
  void assertEveryValue(FieldCipher cipher, Map<String, String> secrets, List<Integer> keyIds) throws SQLException {
    FieldEncryptor<String> secret = cipher.field(SECRET);
    FieldEncryptor<String> amount = cipher.field(AMOUNT);
    List<Integer> seen = new ArrayList<>();
    int rows = 0;
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT tenant_id, code, secret, bound FROM " + accounts)) {
        while (rs.next()) {
          long t = rs.getLong(1);
          String code = rs.getString(2);
          byte[] s = rs.getBytes(3);
          byte[] b = CiphertextHeader.decodeText(rs.getString(4));
          assertThat(secret.decrypt(s)).isEqualTo(secrets.getOrDefault(t + "/" + code, secret(t, code)));
          assertThat(new String(cipher.decrypt(b, boundContext(t, code)), StandardCharsets.UTF_8))
              .isEqualTo(secret(t, code));
          seen.add(CiphertextHeader.parse(s).keyId());
          seen.add(CiphertextHeader.parse(b).keyId());
          rows++;
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT region, account, seq, amount FROM " + ledger)) {
        while (rs.next()) {
          byte[] a = rs.getBytes(4);
          assertThat(amount.decrypt(a)).isEqualTo(amount(rs.getString(1), rs.getLong(2), rs.getInt(3)));
          seen.add(CiphertextHeader.parse(a).keyId());
          rows++;
        }
      }
    }
    assertThat(rows).isEqualTo(rows());
    assertThat(seen).isSubsetOf(keyIds);
  }

  List<String> checkpoints(String rotationId) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT checkpoint_key FROM "
        + vaultTables.rotationRange() + " WHERE rotation_id = ? AND checkpoint_key IS NOT NULL")) {
      ps.setString(1, rotationId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  long sumRewrappedInWorkTable(String rotationId) throws SQLException {
    return RotationFixture.rangeAggregate(db, vaultTables, "COALESCE(SUM(rows_rewrapped), 0)", rotationId, "");
  }

  long rangeCount(String rotationId) throws SQLException {
    return RotationFixture.rangeAggregate(db, vaultTables, "COUNT(*)", rotationId, "");
  }

  void drop() throws SQLException {
    db.dropTables(accounts, ledger, vaultTables.keyset(), vaultTables.rotation(), vaultTables.rotationRange());
  }
}
