package dev.fieldvault.secrets;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.RowContext;
import dev.fieldvault.secrets.internal.AuditLog;
import dev.fieldvault.secrets.internal.Envelope;
import dev.fieldvault.secrets.internal.Tables;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.FieldVaultException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The rewrap bridge ({@link SecretsVault#encryptedTables}, {@link SecretsVault#rewrap},
 * {@link SecretsVault#rewrapAll}): the vault's entry and version tables as the shared
 * {@link Rewrapper} and the key inventory see them, each value's context computed from its row,
 * and a rotation through the rewrapper, audited as KEY_ROTATED with counts only. Split out of
 * {@link SecretsVault}, whose stores, transactions, audit and read cache it uses.
 */
final class VaultRewrap {

  /** The keyset every wrapped data key uses: randomized AEAD; its context is computed per row. */
  private static final FieldSpec<byte[]> DATA_KEY_SPEC = FieldSpec.builder("fieldvault.secrets", Envelope.DATA_KEY_FIELD,
      byte[].class).build();
  /** Rows per batch of the envelope migration when the rewrapper's batch size is not known. */
  static final int MIGRATION_BATCH = 500;
  /** Rows per page when counting the data keys a rotation selects. */
  private static final int COUNT_PAGE = 2_000;

  private final SecretsVault vault;
  private final DataSource dataSource;
  private final FieldCipher cipher;
  private final VaultTables rotationTables;

  VaultRewrap(SecretsVault vault, DataSource dataSource, FieldCipher cipher, VaultTables rotationTables) {
    this.vault = vault;
    this.dataSource = dataSource;
    this.cipher = cipher;
    this.rotationTables = rotationTables;
  }

  /** A rotation of the vault's tables alone, with its work tables in {@code rotationTables}; no final inventory. */
  MaintenanceReport rewrapAll(int batchSize) {
    KeyRotationReport r = rotateKeys(KeyRotation.builder().batchSize(batchSize).build());
    return new MaintenanceReport(r.dataKeysScanned(), r.dataKeysRewrapped() + r.valuesMigrated(), r.failed());
  }

  /** {@link SecretsVault#rotateKeys}: the vault's tables alone, through the shared rewrapper. */
  KeyRotationReport rotateKeys(KeyRotation rotation) {
    Rewrapper.Builder b = Rewrapper.builder(dataSource, cipher).vaultTables(rotationTables)
        .batchSize(rotation.batchSize()).finalInventory(false);
    if (rotation.fromKeyIds() != null) {
      b.fromKeyIds(rotation.fromKeyIds());
    }
    if (rotation.rotationId() != null) {
      b.rotationId(rotation.rotationId());
    }
    if (rotation.workerId() != null) {
      b.workerId(rotation.workerId());
    }
    if (rotation.listener() != null) {
      b.listener(rotation.listener());
    }
    return run(b, rotation.batchSize(), rotation.fromKeyIds());
  }

  /**
   * Runs {@code rewrapper} with the vault's tables added, moves values written before the envelope to
   * it, then records KEY_ROTATED events (one vault-wide with this worker's counts, one per store with
   * its counts) when something changed, and clears the read cache.
   */
  RotationResult rewrap(Rewrapper.Builder rewrapper) {
    return run(rewrapper, MIGRATION_BATCH, null).rotation();
  }

  private KeyRotationReport run(Rewrapper.Builder rewrapper, int migrationBatch, Set<Integer> fromKeyIds) {
    vault.checkOpen();
    Rewrapper built = rewrapper.tables(encryptedTables()).build();
    Map<Long, Long> before = selectedDataKeys(fromKeyIds);
    RotationResult r = built.run();
    boolean dryRun = r.tables().get(0).dryRun();
    EnvelopeMigration.Counts migrated = dryRun ? new EnvelopeMigration.Counts(Map.of(), Map.of())
        : new EnvelopeMigration(vault).run(migrationBatch);
    Map<Long, Long> after = dryRun ? before : selectedDataKeys(fromKeyIds);
    Tables tables = vault.tables();
    long scanned = 0;
    long rewrapped = 0;
    long failed = 0;
    for (RotationProgress p : r.tables()) {
      if (p.table().equals(tables.entry) || p.table().equals(tables.version)) {
        scanned += p.rowsScanned();
        rewrapped += p.rowsRewrapped();
        failed += p.rowsFailed();
      }
    }
    Set<Long> storeIds = new TreeSet<>(before.keySet());
    storeIds.addAll(migrated.migrated().keySet());
    storeIds.addAll(migrated.failed().keySet());
    List<KeyRotationReport.Store> stores = new ArrayList<>();
    List<AuditLog.Draft> events = new ArrayList<>();
    String id = r.rotationId();
    for (long storeId : storeIds) {
      StoreMeta m;
      try {
        m = vault.stores().byId(storeId);
      } catch (SecretStoreNotFoundException gone) {
        continue; // its values were counted as failed by the rewrapper
      }
      KeyRotationReport.Store st = new KeyRotationReport.Store(m.namespace(), m.tenant(), before.getOrDefault(storeId, 0L),
          after.getOrDefault(storeId, 0L), migrated.migrated().getOrDefault(storeId, 0L));
      stores.add(st);
      if (!dryRun && (st.rewrapped() > 0 || st.migrated() > 0)) {
        events.add(new AuditLog.Draft(vault.actor(), m.tenant(), m.namespace(), null, AuditAction.KEY_ROTATED,
            Status.OK.name(), "rotation " + id + ": " + st.rewrapped() + " data keys rewrapped (" + st.before()
            + " to rewrap, " + st.left() + " left)" + (st.migrated() > 0 ? ", " + st.migrated()
            + " values moved to the envelope" : "")));
      }
    }
    if ((rewrapped > 0 || migrated.total() > 0) && !dryRun) {
      String detail = "rotation " + id + ": " + rewrapped + " data keys rewrapped of " + scanned + " scanned"
          + (failed > 0 ? ", " + failed + " cannot be rewrapped" : "")
          + (migrated.total() > 0 ? ", " + migrated.total() + " values moved to the envelope" : "")
          + (events.isEmpty() ? "" : "; per store: " + events.size() + (events.size() == 1 ? " event" : " events"));
      events.add(0, new AuditLog.Draft(vault.actor(), null, null, null, AuditAction.KEY_ROTATED,
          Status.OK.name(), detail));
    }
    if (!events.isEmpty()) {
      vault.tx("audit", x -> {
        vault.audit().append(x, vault.now().toEpochMilli(), events);
        return null;
      });
    }
    vault.clearCache();
    long left = after.values().stream().mapToLong(Long::longValue).sum();
    return new KeyRotationReport(id, r.complete() && left == 0 && !r.stopped(), scanned, rewrapped, migrated.total(),
        failed + migrated.totalFailed(), stores, r);
  }

  /**
   * Per store id, the data keys a rotation selects: wrapped by one of {@code fromKeyIds} and not by
   * the primary key of the store's keyring (all off the primary key when null). Reads each wrapped
   * key's header in key order, in pages; the values are not read.
   */
  private Map<Long, Long> selectedDataKeys(Set<Integer> fromKeyIds) {
    Map<Long, Long> out = new HashMap<>();
    for (boolean versions : new boolean[] {false, true}) {
      String table = versions ? vault.tables().version : vault.tables().entry;
      Object[] after = null;
      while (true) {
        Object[] cursor = after;
        List<Object[]> page = vault.call("count data keys", c -> {
          List<Object[]> rows = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT store_id, name_key, version, dek_version, dek_ct FROM "
              + table + " WHERE dek_ct IS NOT NULL" + EnvelopeMigration.afterKey(versions, cursor) + " ORDER BY "
              + EnvelopeMigration.keyOrder(versions) + " LIMIT " + COUNT_PAGE)) {
            EnvelopeMigration.bindAfter(ps, 1, versions, cursor);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getBytes(5)});
              }
            }
          }
          return rows;
        });
        for (Object[] row : page) {
          if (selected(row, fromKeyIds)) {
            out.merge((Long) row[0], 1L, Long::sum);
          }
        }
        if (page.size() < COUNT_PAGE) {
          break;
        }
        after = page.get(page.size() - 1);
      }
    }
    return out;
  }

  private boolean selected(Object[] row, Set<Integer> fromKeyIds) {
    byte[] wrapped = (byte[]) row[4];
    try {
      if (fromKeyIds != null && !fromKeyIds.contains(CiphertextHeader.parse(wrapped).keyId())) {
        return false;
      }
      StoreMeta m = vault.stores().byId((Long) row[0]);
      return !cipher.isOnPrimaryKey(wrapped, m.slot((String) row[1], (Long) row[2])
          .dataKeyContext(StoreMeta.DOMAIN_PREFIX, (Integer) row[3]));
    } catch (FieldVaultException notCountable) {
      return false; // malformed, or its store is gone: the rewrapper counts it as failed
    }
  }

  /**
   * The entry and version tables: composite primary keys ({@code store_id, name_key} and
   * {@code store_id, name_key, version}) and the binary {@code dek_ct} column (the wrapped data keys),
   * whose context is computed per row from its store (namespace and tenant), name key, version and
   * data key version. Values are never rewritten by a rotation; only their data keys are rewrapped.
   */
  List<EncryptedTable> encryptedTables() {
    Tables tables = vault.tables();
    return List.of(
        EncryptedTable.builder(tables.entry).primaryKey("store_id", "name_key").column(valueColumn(tables.entry)).build(),
        EncryptedTable.builder(tables.version).primaryKey("store_id", "name_key", "version")
            .column(valueColumn(tables.version)).build());
  }

  private EncryptedColumn valueColumn(String table) {
    return EncryptedColumn.builder(table, "dek_ct", DATA_KEY_SPEC)
        .rowContext(this::dataKeyContext, "store_id", "name_key", "version", "dek_version").build();
  }

  private EncryptionContext dataKeyContext(RowContext.Row row) {
    StoreMeta m = vault.stores().byId(row.getLong("store_id"));
    return m.slot(row.getString("name_key"), row.getLong("version"))
        .dataKeyContext(StoreMeta.DOMAIN_PREFIX, (int) row.getLong("dek_version"));
  }
}
