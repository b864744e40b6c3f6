package dev.fieldvault.secrets;

import dev.fieldvault.secrets.internal.Envelope;
import dev.fieldvault.secrets.internal.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The SQL of one store's rows: its entry (the current version of each name) and its kept versions.
 * {@link SecretStore} is the handle (names, access policy, sealing, encryption, audit, cache, retries);
 * this class only reads and writes rows, on the caller's connection or transaction, and knows nothing
 * of plaintext. A compare-and-set write that loses against a concurrent writer returns {@code false}.
 */
final class EntryRows {

  private final Tables tables;
  private final long storeId;

  EntryRows(Tables tables, long storeId) {
    this.tables = tables;
    this.storeId = storeId;
  }

  /** Equal for the same store's rows in the same tables (two handles of one store write the same rows). */
  @Override
  public boolean equals(Object o) {
    return o instanceof EntryRows r && r.storeId == storeId && r.tables.entry.equals(tables.entry);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(storeId) * 31 + tables.entry.hashCode();
  }

  /**
   * The current row of a name: version, value_ct, metadata, expires_ms (nullable), updated_ms,
   * dek_ct (null: a value written before the envelope), dek_version; or null.
   */
  Object[] current(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM "
        + tables.entry + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rowOf(rs, 1) : null;
      }
    }
  }

  /** The columns {@link #rowOf} reads, in its order. */
  static final String ROW_COLUMNS = "version, value_ct, metadata, expires_ms, updated_ms, dek_ct, dek_version";

  /**
   * version, value_ct, metadata, expires_ms (nullable), updated_ms, dek_ct (nullable), dek_version
   * (Integer, nullable) from column {@code first} on.
   */
  static Object[] rowOf(ResultSet rs, int first) throws SQLException {
    long exp = rs.getLong(first + 3);
    Long expires = rs.wasNull() ? null : exp;
    int dkv = rs.getInt(first + 6);
    Integer dekVersion = rs.wasNull() ? null : dkv;
    return new Object[] {rs.getLong(first), rs.getBytes(first + 1), rs.getString(first + 2), expires,
        rs.getLong(first + 4), rs.getBytes(first + 5), dekVersion};
  }

  /** A kept version: value_ct, metadata, created_ms, dek_ct (nullable), dek_version (nullable); or null. */
  Object[] version(Connection c, String key, long version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value_ct, metadata, created_ms, dek_ct, dek_version FROM "
        + tables.version + " WHERE store_id = ? AND name_key = ? AND version = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      ps.setLong(3, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Object[] row = {rs.getBytes(1), rs.getString(2), rs.getLong(3), rs.getBytes(4), null};
        int dkv = rs.getInt(5);
        row[4] = rs.wasNull() ? null : dkv;
        return row;
      }
    }
  }

  /** An entry's current version and stable id (null for an entry written before ids, until its next write). */
  record Current(long version, String entryId) {}

  /** The current version and id of a name's entry, or null. */
  Current currentState(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT version, entry_id FROM " + tables.entry
        + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Current(rs.getLong(1), rs.getString(2)) : null;
      }
    }
  }

  /** The current version of a name, as a one-element array, or null. */
  long[] currentVersion(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + tables.entry
        + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1)} : null;
      }
    }
  }

  /** A new entry id: a random UUID (122 random bits), opaque to callers. */
  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The name key of the entry with this id, or null. */
  String nameKeyById(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name_key FROM " + tables.entry
        + " WHERE store_id = ? AND entry_id = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Inserts the first version's entry (a concurrent writer's insert of it fails this one with a duplicate key). */
  WritePlan.Stmt insertEntryStmt(String key, long version, Envelope.Sealed ct, String metadataJson, Long expiresMs,
      long now, String principal, String generator, String kind) {
    String id = newId();
    return new WritePlan.Stmt("INSERT INTO " + tables.entry + " (store_id, name_key, version,"
        + " value_ct, metadata, expires_ms, created_ms, updated_ms, value_ms, updated_by, generator, dek_ct, dek_version,"
        + " entry_id, created_by, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
          ps.setLong(1, storeId);
          ps.setString(2, key);
          ps.setLong(3, version);
          ps.setBytes(4, ct.valueCt());
          ps.setString(5, metadataJson);
          setNullableLong(ps, 6, expiresMs);
          ps.setLong(7, now);
          ps.setLong(8, now);
          ps.setLong(9, now);
          ps.setString(10, principal);
          ps.setString(11, generator);
          ps.setBytes(12, ct.wrappedKey());
          ps.setInt(13, ct.dataKeyVersion());
          ps.setString(14, id);
          ps.setString(15, principal);
          ps.setString(16, kind);
        });
  }

  /**
   * Moves the entry from {@code expectedVersion} to {@code version} (compare-and-set: one row updated, or
   * none when the entry is no longer at {@code expectedVersion}); the metadata only when {@code setMetadata},
   * the expiry only unless {@code keepExpiry}.
   */
  WritePlan.Stmt updateEntryStmt(String key, long expectedVersion, String expectedEntryId, long version,
      Envelope.Sealed ct, long now, String principal, boolean setMetadata, String metadataJson, boolean keepExpiry,
      Long expiresMs, String kind) {
    // an entry written by a version before ids gets its id now (COALESCE keeps an existing one)
    StringBuilder sql = new StringBuilder("UPDATE " + tables.entry + " SET version = ?, value_ct = ?, dek_ct = ?,"
        + " dek_version = ?, updated_ms = ?, value_ms = ?, updated_by = ?, entry_id = COALESCE(entry_id, ?), kind = ?");
    if (setMetadata) {
      sql.append(", metadata = ?");
    }
    if (!keepExpiry) {
      sql.append(", expires_ms = ?");
    }
    sql.append(" WHERE store_id = ? AND name_key = ? AND version = ?");
    if (expectedEntryId != null) {
      sql.append(" AND entry_id = ?");
    }
    String id = newId();
    return new WritePlan.Stmt(sql.toString(), ps -> {
      int i = 1;
      ps.setLong(i++, version);
      ps.setBytes(i++, ct.valueCt());
      ps.setBytes(i++, ct.wrappedKey());
      ps.setInt(i++, ct.dataKeyVersion());
      ps.setLong(i++, now);
      ps.setLong(i++, now);
      ps.setString(i++, principal);
      ps.setString(i++, id);
      ps.setString(i++, kind);
      if (setMetadata) {
        ps.setString(i++, metadataJson);
      }
      if (!keepExpiry) {
        setNullableLong(ps, i++, expiresMs);
      }
      ps.setLong(i++, storeId);
      ps.setString(i++, key);
      ps.setLong(i++, expectedVersion);
      if (expectedEntryId != null) {
        ps.setString(i, expectedEntryId);
      }
    });
  }

  /** Keeps a version (a concurrent writer's keeping of the same version fails this one with a duplicate key). */
  WritePlan.Stmt insertVersionStmt(String key, long version, Envelope.Sealed ct, String metadataJson, long now,
      String principal) {
    return new WritePlan.Stmt("INSERT INTO " + tables.version + " (store_id, name_key, version,"
        + " value_ct, metadata, created_ms, created_by, dek_ct, dek_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
          ps.setLong(1, storeId);
          ps.setString(2, key);
          ps.setLong(3, version);
          ps.setBytes(4, ct.valueCt());
          ps.setString(5, metadataJson);
          ps.setLong(6, now);
          ps.setString(7, principal);
          ps.setBytes(8, ct.wrappedKey());
          ps.setInt(9, ct.dataKeyVersion());
        });
  }

  /**
   * Keeps a version with the metadata its entry has now (read in the statement, after the entry's update in
   * the same transaction): one row inserted, or none when the entry is gone.
   */
  WritePlan.Stmt insertVersionWithEntryMetadataStmt(String key, long version, Envelope.Sealed ct, long now,
      String principal) {
    return new WritePlan.Stmt("INSERT INTO " + tables.version + " (store_id, name_key, version, value_ct, metadata,"
        + " created_ms, created_by, dek_ct, dek_version) SELECT store_id, name_key, ?, ?, metadata, ?, ?, ?, ? FROM "
        + tables.entry + " WHERE store_id = ? AND name_key = ?", ps -> {
          ps.setLong(1, version);
          ps.setBytes(2, ct.valueCt());
          ps.setLong(3, now);
          ps.setString(4, principal);
          ps.setBytes(5, ct.wrappedKey());
          ps.setInt(6, ct.dataKeyVersion());
          ps.setLong(7, storeId);
          ps.setString(8, key);
        });
  }

  /** Deletes the kept versions up to and including {@code upToVersion}. */
  WritePlan.Stmt pruneVersionsStmt(String key, long upToVersion) {
    return new WritePlan.Stmt("DELETE FROM " + tables.version
        + " WHERE store_id = ? AND name_key = ? AND version <= ?", ps -> {
          ps.setLong(1, storeId);
          ps.setString(2, key);
          ps.setLong(3, upToVersion);
        });
  }

  /** Deletes the kept versions before {@code current} written before {@code cutoffMs}. */
  WritePlan.Stmt pruneVersionsOlderThanStmt(String key, long current, long cutoffMs) {
    return new WritePlan.Stmt("DELETE FROM " + tables.version
        + " WHERE store_id = ? AND name_key = ? AND version < ? AND created_ms < ?", ps -> {
          ps.setLong(1, storeId);
          ps.setString(2, key);
          ps.setLong(3, current);
          ps.setLong(4, cutoffMs);
        });
  }

  /**
   * The current versions of some names of this store (absent names are missing from the map), in one
   * query: the batch's read before it plans its writes.
   */
  java.util.Map<String, Current> currentVersions(Connection c, java.util.Collection<String> keys)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT name_key, version, entry_id FROM " + tables.entry
        + " WHERE store_id = ? AND name_key IN (");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    sql.append(')');
    java.util.Map<String, Current> out = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setLong(i++, storeId);
      for (String k : keys) {
        ps.setString(i++, k);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Current(rs.getLong(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  /** Deletes the entry, then its versions: rows are locked in the same order as writes take them. */
  static int deleteEntry(Connection x, Tables tables, long storeId, String key) throws SQLException {
    int n;
    try (PreparedStatement ps = x.prepareStatement("DELETE FROM " + tables.entry
        + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      n = ps.executeUpdate();
    }
    try (PreparedStatement ps = x.prepareStatement("DELETE FROM " + tables.version
        + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, key);
      ps.executeUpdate();
    }
    return n;
  }

  static void setNullableLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, java.sql.Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
