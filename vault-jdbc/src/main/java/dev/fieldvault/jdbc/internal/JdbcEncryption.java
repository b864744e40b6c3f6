package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.EncryptedColumn;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.PreEncrypted;
import dev.fieldvault.jdbc.StatementRefusedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.IdentityHashMap;
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

  private final EncryptedColumns columns;
  private final Map<EncryptedColumn, FieldEncryptor<Object>> encryptors = new IdentityHashMap<>();
  private final PlanCache plans;
  private final boolean empty;

  @SuppressWarnings("unchecked")
  public JdbcEncryption(FieldCipher cipher, EncryptedColumns columns, int planCacheSize) {
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

  /** What is bound to the database for a parameter target: ciphertext or blind index, in storage form. */
  Object stored(ParamTarget t, Object value, Object rowId) throws SQLException {
    if (value == null) {
      return null;
    }
    byte[] bytes;
    if (value instanceof PreEncrypted) {
      if (t.kind == ParamTarget.Kind.BLIND_INDEX) {
        throw new StatementRefusedException("A blind-index column of " + t.column.qualifiedName() + " cannot take"
            + " a PreEncrypted value: bind the plaintext and FieldVault computes the blind index");
      }
      bytes = ((PreEncrypted) value).ciphertext();
    } else {
      Object v = Conversions.toColumnType(value, t.column);
      FieldEncryptor<Object> enc = encryptors.get(t.column);
      switch (t.kind) {
        case VALUE:
          bytes = enc.encrypt(v, null, rowId);
          break;
        case SEARCH:
          bytes = enc.encrypt(v);
          break;
        case BLIND_INDEX:
          bytes = enc.blindIndex(v, null);
          break;
        default:
          throw new IllegalStateException(String.valueOf(t.kind));
      }
    }
    return t.column.storage() == dev.fieldvault.jdbc.ColumnStorage.TEXT
        ? Base64.getEncoder().encodeToString(bytes) : bytes;
  }
}
