package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.keys.BranchKey;
import dev.fieldvault.keys.KeyEncryptionKey;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branch key rows of the key store table ({@code purpose = 'BRANCH_KEY'}): insert, read, and a
 * compare-and-set write. The hierarchical mode's logic is in {@link KeyStore}.
 */
final class BranchKeyRows {

  private static final Logger LOG = LoggerFactory.getLogger(BranchKeyRows.class);

  private final DataSource dataSource;
  private final VaultTables tables;

  BranchKeyRows(DataSource dataSource, VaultTables tables) {
    this.dataSource = dataSource;
    this.tables = tables;
  }

  /** Stores a new branch key, wrapped by {@code wrappingKek}; refused if the name is taken. */
  void insert(BranchKey branchKey, KeyEncryptionKey wrappingKek) {
    String doc = branchKey.toWrappedJson(wrappingKek);
    String sql = "INSERT INTO " + tables.keyset()
        + " (name, purpose, kek_id, version, status, document, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (exists(c, branchKey.name())) {
        throw new VaultConfigurationException("A keyset or branch key named '" + branchKey.name() + "' already"
            + " exists in " + tables.keyset() + ": choose another branch key name");
      }
      ps.setString(1, branchKey.name());
      ps.setString(2, KeyStore.BRANCH_KEY_PURPOSE);
      ps.setString(3, wrappingKek.id());
      ps.setString(4, "ACTIVE");
      ps.setString(5, doc);
      ps.setLong(6, System.currentTimeMillis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw KeyStore.storage(tables, "insert branch key '" + branchKey.name() + "' into", e);
    }
    LOG.info("Stored branch key '{}' wrapped by '{}'", branchKey.name(), wrappingKek.id());
  }

  /** Reads and unwraps the stored branch key (one call to {@code wrappingKek}). */
  BranchKey read(String name, KeyEncryptionKey wrappingKek) {
    String doc = find(name).orElseThrow(() -> new KeyUnavailableException("No branch key named '"
        + name + "' in " + tables.keyset() + ": create it with KeyStore.moveToBranchKey (CLI: keys rotate-kek"
        + " --new-branch-key), or check the table prefix and the database"));
    return BranchKey.fromWrappedJson(doc, wrappingKek);
  }

  Optional<String> find(String name) {
    try (Connection c = dataSource.getConnection()) {
      String[] row = findRow(c, name);
      return Optional.ofNullable(row == null ? null : row[1]);
    } catch (SQLException e) {
      throw KeyStore.storage(tables, "read branch key '" + name + "' from", e);
    }
  }

  String[] row(String name) {
    try (Connection c = dataSource.getConnection()) {
      return row(c, name);
    } catch (SQLException e) {
      throw KeyStore.storage(tables, "read branch key '" + name + "' from", e);
    }
  }

  String[] row(Connection c, String name) throws SQLException {
    String[] row = findRow(c, name);
    if (row == null) {
      throw new KeyUnavailableException("No branch key named '" + name + "' in " + tables.keyset());
    }
    return row;
  }

  /** {version, document} of the branch key row, or null. */
  private String[] findRow(Connection c, String name) throws SQLException {
    String sql = "SELECT version, document, purpose FROM " + tables.keyset() + " WHERE name = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (!KeyStore.BRANCH_KEY_PURPOSE.equals(rs.getString(3))) {
          throw new VaultConfigurationException("'" + name + "' in " + tables.keyset() + " is a data keyset ("
              + rs.getString(3) + "), not a branch key: choose another branch key name");
        }
        return new String[] {Long.toString(rs.getLong(1)), rs.getString(2)};
      }
    }
  }

  /** Compare-and-set write of the branch key row; in {@code c}'s transaction when given. */
  void write(String name, long expectedVersion, String document, String wrappingKekId,
      Connection c) {
    String sql = "UPDATE " + tables.keyset() + " SET document = ?, kek_id = ?, version = ?, updated_at = ?"
        + " WHERE name = ? AND version = ? AND purpose = '" + KeyStore.BRANCH_KEY_PURPOSE + "'";
    try (Connection own = c == null ? dataSource.getConnection() : null;
        PreparedStatement ps = (c == null ? own : c).prepareStatement(sql)) {
      ps.setString(1, document);
      ps.setString(2, wrappingKekId);
      ps.setLong(3, expectedVersion + 1);
      ps.setLong(4, System.currentTimeMillis());
      ps.setString(5, name);
      ps.setLong(6, expectedVersion);
      if (ps.executeUpdate() != 1) {
        throw new ConcurrentKeysetChangeException("Branch key '" + name + "' was changed by another instance"
            + " after version " + expectedVersion + " was read: nothing was written; open the store again and"
            + " redo the rotation");
      }
    } catch (SQLException e) {
      throw KeyStore.storage(tables, "update branch key '" + name + "' in", e);
    }
  }

  private boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + tables.keyset() + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
