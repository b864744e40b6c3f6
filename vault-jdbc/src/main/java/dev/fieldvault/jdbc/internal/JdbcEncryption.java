package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.PreEncrypted;
import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.KeyPurpose;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: what every wrapper of one {@code EncryptingDataSource} shares: the columns, one
 * {@link FieldEncryptor} per column (validated against the keyring when created), and the bounded
 * cache of statement plans. Not an API; use {@code EncryptingDataSource}.
 */
public final class JdbcEncryption {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcEncryption.class);

  private final FieldCipher cipher;
  private final EncryptedColumns columns;
  private final Map<EncryptedColumn, FieldEncryptor<Object>> encryptors = new IdentityHashMap<>();
  private final PlanCache plans;
  private final boolean empty;
  /** Whether the database is MariaDB; null until a searching statement asks. */
  private volatile Boolean mariaDb;

  @SuppressWarnings("unchecked")
  public JdbcEncryption(FieldCipher cipher, EncryptedColumns columns, int planCacheSize) {
    this.cipher = cipher;
    this.columns = columns;
    for (EncryptedColumn c : columns.all()) {
      encryptors.put(c, (FieldEncryptor<Object>) cipher.field(c.spec()));
    }
    SqlAnalyzer analyzer = new SqlAnalyzer(columns);
    this.plans = new PlanCache(planCacheSize, sql -> {
      StatementPlan p = analyzer.analyze(sql);
      if (p.refusal != null) {
        LOG.debug("FieldVault refuses a statement: {}", p.refusal);
      }
      return p;
    });
    this.empty = columns.isEmpty();
  }

  /** Wraps a connection of the underlying data source. */
  public Connection wrap(Connection raw) {
    return new EncryptingConnection(raw, this);
  }

  public EncryptedColumns columns() {
    return columns;
  }

  StatementPlan plan(String sql) {
    return empty || sql == null ? StatementPlan.PASS_THROUGH : plans.get(sql);
  }

  int cachedPlans() {
    return plans.size();
  }

  FieldEncryptor<Object> encryptor(EncryptedColumn column) {
    return encryptors.get(column);
  }

  /**
   * How many values each searched parameter of a statement takes now: the number of readable keys of
   * the keysets it searches (deterministic AEAD, PRF), plus, when it searches a deterministic column that
   * may hold legacy plaintext, the number of legacy plaintext forms of that column's type
   * ({@link FieldEncryptor#legacySearchFormCount}, the most of the statement's columns), at least 1.
   */
  int searchSlots(StatementPlan plan) {
    SearchExpansion search = plan.search;
    int slots = 1;
    if (search.deterministic) {
      int keys = cipher.readableKeyCount(KeyPurpose.DETERMINISTIC_AEAD);
      slots = Math.max(slots, keys + legacyForms(plan));
    }
    if (search.blindIndex) {
      slots = Math.max(slots, cipher.readableKeyCount(KeyPurpose.PRF));
    }
    return slots;
  }

  /** The most legacy plaintext forms a searched parameter of the plan has (0 when none may hold plaintext). */
  private int legacyForms(StatementPlan plan) {
    int forms = 0;
    for (ParamTarget t : plan.params) {
      if (t != null && t.kind == ParamTarget.Kind.SEARCH && t.column.legacyPlaintext()) {
        forms = Math.max(forms, encryptors.get(t.column).legacySearchFormCount());
      }
    }
    return forms;
  }

  /**
   * Whether the searches of legacy plaintext in TEXT columns must name an exact collation on this
   * database ({@link SearchExpansion#EXACT_MARIADB}): on MariaDB, whose usual collations ignore case and
   * trailing spaces. Read once from the first connection that asks (one data source, one database).
   */
  boolean exactLegacyCompare(Connection raw) throws SQLException {
    Boolean exact = mariaDb;
    if (exact == null) {
      java.sql.DatabaseMetaData md = raw.getMetaData();
      String product = String.valueOf(md.getDatabaseProductName());
      String version = String.valueOf(md.getDatabaseProductVersion());
      exact = product.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
          || version.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
      mariaDb = exact;
    }
    return exact;
  }

  /** What is bound to the database for a written parameter: ciphertext or blind index, in storage form. */
  Object stored(ParamTarget t, Object value, Object rowId) throws SQLException {
    if (value == null) {
      return null;
    }
    if (value instanceof PreEncrypted) {
      return storage(t, preEncrypted(t, (PreEncrypted) value));
    }
    Object v = Conversions.toColumnType(value, t.column);
    FieldEncryptor<Object> enc = encryptors.get(t.column);
    switch (t.kind) {
      case VALUE:
        return storage(t, enc.encrypt(v, null, rowId));
      case BLIND_INDEX:
        return storage(t, enc.blindIndex(v, null));
      default:
        throw new IllegalStateException(String.valueOf(t.kind));
    }
  }

  /**
   * What a searched parameter is compared with, in storage form: its ciphertext or blind index under
   * every readable key, the primary's first ({@code [null]} for null), and last, for a deterministic
   * column that may hold legacy plaintext, every plaintext form of the value
   * ({@link FieldEncryptor#legacySearchForms}: the spellings the databases write for its type; a form
   * that has the form of a ciphertext is the primary key's ciphertext again). A {@link PreEncrypted}
   * value is searched as it is.
   */
  List<Object> searched(ParamTarget t, Object value) throws SQLException {
    if (value == null) {
      return Collections.singletonList(null);
    }
    if (value instanceof PreEncrypted) {
      return List.of(storage(t, preEncrypted(t, (PreEncrypted) value)));
    }
    Object v = Conversions.toColumnType(value, t.column);
    FieldEncryptor<Object> enc = encryptors.get(t.column);
    List<byte[]> all = t.kind == ParamTarget.Kind.SEARCH ? enc.searchCiphertexts(v, null)
        : enc.blindIndexesForSearch(v, null);
    boolean legacy = t.kind == ParamTarget.Kind.SEARCH && t.column.legacyPlaintext();
    List<Object> out = new ArrayList<>(all.size() + (legacy ? enc.legacySearchFormCount() : 0));
    for (byte[] b : all) {
      out.add(storage(t, b));
    }
    if (legacy) {
      out.addAll(enc.legacySearchForms(v, null, t.column.storage()));
    }
    return out;
  }

  private static byte[] preEncrypted(ParamTarget t, PreEncrypted value) throws StatementRefusedException {
    if (t.blindIndex()) {
      throw new StatementRefusedException("A blind-index column of " + t.column.qualifiedName() + " cannot take"
          + " a PreEncrypted value: bind the plaintext and FieldVault computes the blind index");
    }
    return value.ciphertext();
  }

  private static Object storage(ParamTarget t, byte[] bytes) {
    return t.column.storage() == dev.fieldvault.keys.ColumnStorage.TEXT
        ? Base64.getEncoder().encodeToString(bytes) : bytes;
  }
}
