package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Jdbc;
import dev.fieldvault.secrets.internal.SealedKdf;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vault's stores table ({@link SecretsVault#createStore}, {@link SecretsVault#store}): creating
 * a store, and finding one by namespace and tenant or by id, cached (stores are never renamed).
 * Split out of {@link SecretsVault}, whose connections, transactions, tables and audit it uses.
 */
final class VaultStores {

  private static final String STORE_COLUMNS = "SELECT id, tenant, name, sealed, max_versions, default_ttl_ms, version_max_age_ms FROM ";

  private final SecretsVault vault;
  private final Map<String, StoreMeta> byName = new ConcurrentHashMap<>();
  private final Map<Long, StoreMeta> byId = new ConcurrentHashMap<>();

  VaultStores(SecretsVault vault) {
    this.vault = vault;
  }

  /**
   * Inserts a store's row and audits it as STORE_CREATED.
   *
   * @throws VaultConfigurationException if it already exists
   */
  void create(String namespace, String tenant, StoreOptions options) {
    create(namespace, tenant, options, options.sealed() ? SealedKdf.newest() : null, null);
  }

  /**
   * As {@link #create(String, String, StoreOptions)} with a sealed store's key derivation given (an
   * import keeps the source store's, or its entries would not open), and the one it was upgraded from.
   */
  void create(String namespace, String tenant, StoreOptions options, SealedKdf kdf, SealedKdf previous) {
    long now = vault.now().toEpochMilli();
    try {
      vault.tx("create store", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + vault.tables().store
            + " (tenant, name, sealed, max_versions, created_ms, default_ttl_ms, version_max_age_ms, sealed_kdf,"
            + " sealed_kdf_prev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, tenant == null ? "" : tenant);
          ps.setString(2, namespace);
          ps.setBoolean(3, options.sealed());
          ps.setInt(4, options.maxVersions());
          ps.setLong(5, now);
          EntryRows.setNullableLong(ps, 6, options.defaultTtl() == null ? null : options.defaultTtl().toMillis());
          EntryRows.setNullableLong(ps, 7, options.versionMaxAge() == null ? null : options.versionMaxAge().toMillis());
          ps.setString(8, kdf == null || kdf.generation() == 1 ? null : kdf.stored()); // generation 1: NULL
          ps.setString(9, previous == null ? null : previous.stored());
          ps.executeUpdate();
        }
        vault.audit().append(c, now, List.of(new AuditLog.Draft(vault.actor(), tenant, namespace, null,
            AuditAction.STORE_CREATED, Status.OK.name(), options.sealed() ? "sealed, " + kdf : null)));
        return null;
      });
    } catch (SecretsStorageException e) {
      if (e.getCause() instanceof SQLException && Jdbc.isDuplicateKey((SQLException) e.getCause())) {
        throw new VaultConfigurationException("The store '" + namespace + "'" + (tenant == null ? "" : " of tenant '"
            + tenant + "'") + " already exists: use store(namespace, tenant)");
      }
      throw e;
    }
  }

  /**
   * A store by namespace and tenant.
   *
   * @throws SecretStoreNotFoundException if it was not created
   */
  StoreMeta meta(String namespace, String tenant) {
    StoreMeta m = byName.get(storeKey(namespace, tenant));
    if (m != null) {
      return m;
    }
    m = vault.call("find store", c -> {
      try (PreparedStatement ps = c.prepareStatement(STORE_COLUMNS + vault.tables().store
          + " WHERE tenant = ? AND name = ?")) {
        ps.setString(1, tenant == null ? "" : tenant);
        ps.setString(2, namespace);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? storeMeta(rs) : null;
        }
      }
    });
    if (m == null) {
      throw new SecretStoreNotFoundException("There is no secrets store '" + namespace + "'"
          + (tenant == null ? "" : " for tenant '" + tenant + "'") + ": create it with createStore(...) first");
    }
    return remember(m);
  }

  /**
   * A store by id; looked up when created after startup (by another instance, too).
   *
   * @throws SecretStoreNotFoundException if there is none (a stored value's store was deleted)
   */
  StoreMeta byId(long id) {
    StoreMeta m = byId.get(id);
    if (m != null) {
      return m;
    }
    m = vault.call("find store", c -> {
      try (PreparedStatement ps = c.prepareStatement(STORE_COLUMNS + vault.tables().store + " WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? storeMeta(rs) : null;
        }
      }
    });
    if (m == null) {
      throw new SecretStoreNotFoundException("There is no secrets store with id " + id + " in " + vault.tables().store
          + " for a stored value: its values cannot be rewrapped");
    }
    return remember(m);
  }

  /**
   * A sealed store's key derivations, read now (not cached: another instance may have upgraded it):
   * the current one, and the one it was upgraded from (null if none).
   */
  SealedKdf[] sealedKdfs(long storeId) {
    return vault.call("read store", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT sealed_kdf, sealed_kdf_prev FROM " + vault.tables().store
          + " WHERE id = ?")) {
        ps.setLong(1, storeId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new SecretStoreNotFoundException("The secrets store with id " + storeId + " no longer exists");
          }
          String prev = rs.getString(2);
          return new SealedKdf[] {SealedKdf.parse(rs.getString(1)), prev == null ? null : SealedKdf.parse(prev)};
        }
      }
    });
  }

  /**
   * Moves a sealed store from generation 1 to the newest key derivation (audited as KEY_ROTATED);
   * false if it is already there.
   */
  boolean upgradeSealedKdf(String namespace, String tenant) {
    StoreMeta m = meta(namespace, tenant);
    if (!m.sealed()) {
      throw new VaultConfigurationException("The " + m.describe() + " is not sealed: it has no key derivation to"
          + " upgrade");
    }
    SealedKdf next = SealedKdf.newest();
    long now = vault.now().toEpochMilli();
    return vault.tx("upgrade sealed store", c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + vault.tables().store + " SET sealed_kdf = ?,"
          + " sealed_kdf_prev = ? WHERE id = ? AND sealed_kdf IS NULL")) {
        ps.setString(1, next.stored());
        ps.setString(2, SealedKdf.LEGACY.stored());
        ps.setLong(3, m.id());
        n = ps.executeUpdate();
      }
      if (n > 0) {
        vault.audit().append(c, now, List.of(new AuditLog.Draft(vault.actor(), tenant, namespace, null,
            AuditAction.KEY_ROTATED, Status.OK.name(), "sealed key derivation: " + SealedKdf.LEGACY + " -> " + next)));
      }
      return n > 0;
    });
  }

  /** Every store by id, read now on the connection given. */
  Map<Long, StoreMeta> all(Connection c) throws SQLException {
    Map<Long, StoreMeta> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(STORE_COLUMNS + vault.tables().store);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getLong(1), storeMeta(rs));
      }
    }
    return out;
  }

  private static String storeKey(String namespace, String tenant) {
    return (tenant == null ? "" : tenant) + "\u0000" + namespace;
  }

  /** Caches a store by name and by id (stores are never renamed): both lookups fill both. */
  private StoreMeta remember(StoreMeta m) {
    byName.put(storeKey(m.namespace(), m.tenant()), m);
    byId.put(m.id(), m);
    return m;
  }

  /** The store of the current row of a {@link #STORE_COLUMNS} query. */
  private static StoreMeta storeMeta(ResultSet rs) throws SQLException {
    String t = rs.getString(2);
    long ttl = rs.getLong(6);
    Long defaultTtl = rs.wasNull() ? null : ttl;
    long age = rs.getLong(7);
    Long maxAge = rs.wasNull() ? null : age;
    return new StoreMeta(rs.getLong(1), rs.getString(3), t.isEmpty() ? null : t, rs.getBoolean(4), rs.getInt(5),
        defaultTtl, maxAge);
  }
}
