package dev.fieldvault.secrets;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.secrets.internal.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves values written before the envelope (docs/FORMAT.md, "Secrets vault envelope"; {@code dek_ct}
 * NULL, {@code value_ct} a FieldVault ciphertext in the legacy context) to it: each is decrypted,
 * sealed under a fresh data key wrapped by the primary key, and written back with compare-and-set
 * (only while the row still has no data key, so a concurrent put or another instance's migration is
 * never overwritten). Batches are keyset-paginated and each commits on its own; the selection is the
 * rows still without a data key, so a stopped or failed pass resumes by running again. Part of every
 * vault rotation ({@link VaultRewrap}), before the rewrapper runs.
 */
final class EnvelopeMigration {

  private static final Logger LOG = LoggerFactory.getLogger(EnvelopeMigration.class);

  /** Per store id: values moved to the envelope, and values that could not be (left as they are). */
  record Counts(Map<Long, Long> migrated, Map<Long, Long> failed) {
    long total() {
      return migrated.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalFailed() {
      return failed.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final SecretsVault vault;

  EnvelopeMigration(SecretsVault vault) {
    this.vault = vault;
  }

  /** Migrates every legacy value of the entry and version tables, in batches of {@code batchSize}. */
  Counts run(int batchSize) {
    Counts counts = new Counts(new HashMap<>(), new HashMap<>());
    migrateTable(vault.tables().entry, false, batchSize, counts);
    migrateTable(vault.tables().version, true, batchSize, counts);
    return counts;
  }

  private void migrateTable(String table, boolean versions, int batchSize, Counts counts) {
    Object[] after = null; // store_id, name_key, version of the last row seen
    while (true) {
      Object[] cursor = after;
      List<Object[]> rows = vault.call("find legacy values", c -> select(c, table, versions, cursor, batchSize));
      if (rows.isEmpty()) {
        return;
      }
      after = rows.get(rows.size() - 1);
      vault.tx("migrate to envelope", x -> {
        for (Object[] row : rows) {
          migrateRow(x, table, versions, row, counts);
        }
        return null;
      });
      if (rows.size() < batchSize) {
        return;
      }
    }
  }

  private List<Object[]> select(Connection c, String table, boolean versions, Object[] after, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT store_id, name_key, version, value_ct FROM " + table
        + " WHERE dek_ct IS NULL" + afterKey(versions, after) + " ORDER BY " + keyOrder(versions) + " LIMIT " + limit)) {
      bindAfter(ps, 1, versions, after);
      List<Object[]> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBytes(4)});
        }
      }
      return out;
    }
  }

  /** The primary key order of the entry table, or of the version table. */
  static String keyOrder(boolean versions) {
    return versions ? "store_id, name_key, version" : "store_id, name_key";
  }

  /** {@code AND} rows after a key (store_id, name_key[, version]) in {@link #keyOrder}; empty for null. */
  static String afterKey(boolean versions, Object[] after) {
    if (after == null) {
      return "";
    }
    return versions
        ? " AND (store_id > ? OR (store_id = ? AND (name_key > ? OR (name_key = ? AND version > ?))))"
        : " AND (store_id > ? OR (store_id = ? AND name_key > ?))";
  }

  /** Binds {@link #afterKey}'s parameters from position {@code first}. */
  static void bindAfter(PreparedStatement ps, int first, boolean versions, Object[] after) throws SQLException {
    if (after == null) {
      return;
    }
    ps.setLong(first, (Long) after[0]);
    ps.setLong(first + 1, (Long) after[0]);
    ps.setString(first + 2, (String) after[1]);
    if (versions) {
      ps.setString(first + 3, (String) after[1]);
      ps.setLong(first + 4, (Long) after[2]);
    }
  }

  private void migrateRow(Connection x, String table, boolean versions, Object[] row, Counts counts)
      throws SQLException {
    long storeId = (Long) row[0];
    String key = (String) row[1];
    long version = (Long) row[2];
    Envelope.Sealed sealed;
    try {
      StoreMeta m = vault.stores().byId(storeId);
      byte[] inner = vault.cipher().decrypt((byte[]) row[3], m.context(key, version), EncryptionMode.RANDOMIZED);
      sealed = vault.envelope().seal(m.slot(key, version), inner);
    } catch (FieldVaultException e) {
      // never the value: the row's key and the failure's type
      LOG.warn("{} row (store {}, version {}) cannot be moved to the envelope and is left as it is: {}", table, storeId,
          version, e.getClass().getSimpleName());
      counts.failed().merge(storeId, 1L, Long::sum);
      return;
    }
    try (PreparedStatement ps = x.prepareStatement("UPDATE " + table + " SET value_ct = ?, dek_ct = ?, dek_version = ?"
        + " WHERE store_id = ? AND name_key = ? AND version = ? AND dek_ct IS NULL")) {
      ps.setBytes(1, sealed.valueCt());
      ps.setBytes(2, sealed.wrappedKey());
      ps.setInt(3, sealed.dataKeyVersion());
      ps.setLong(4, storeId);
      ps.setString(5, key);
      ps.setLong(6, version);
      if (ps.executeUpdate() > 0) {
        counts.migrated().merge(storeId, 1L, Long::sum);
      }
    }
  }
}
