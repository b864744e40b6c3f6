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
import java.util.List;
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
    Outcome o = run(Rewrapper.builder(dataSource, cipher).vaultTables(rotationTables).batchSize(batchSize)
        .finalInventory(false), batchSize);
    RotationResult r = o.rotation();
    return new MaintenanceReport(r.rowsScanned(), r.rowsRewrapped() + o.migrated().total(),
        r.tables().stream().mapToLong(RotationProgress::rowsFailed).sum() + o.migrated().totalFailed());
  }

  /**
   * Runs {@code rewrapper} with the vault's tables added, then records one KEY_ROTATED event (with the
   * rotation id and this worker's counts on the vault's tables) when it rewrapped a value, and clears
   * the read cache.
   */
  RotationResult rewrap(Rewrapper.Builder rewrapper) {
    return run(rewrapper, MIGRATION_BATCH).rotation();
  }

  /** A rotation's result with the values this run moved to the envelope first. */
  record Outcome(RotationResult rotation, EnvelopeMigration.Counts migrated) {}

  private Outcome run(Rewrapper.Builder rewrapper, int migrationBatch) {
    vault.checkOpen();
    Rewrapper built = rewrapper.tables(encryptedTables()).build();
    EnvelopeMigration.Counts migrated = new EnvelopeMigration(vault).run(migrationBatch);
    RotationResult r = built.run();
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
    if ((rewrapped > 0 || migrated.total() > 0) && !r.tables().get(0).dryRun()) {
      String detail = "rotation " + r.rotationId() + ": " + rewrapped + " data keys rewrapped of " + scanned + " scanned"
          + (failed > 0 ? ", " + failed + " cannot be rewrapped" : "")
          + (migrated.total() > 0 ? ", " + migrated.total() + " values moved to the envelope" : "");
      vault.tx("audit", x -> {
        vault.audit().append(x, vault.now().toEpochMilli(), List.of(new AuditLog.Draft(SecretsVault.SYSTEM, null,
            null, null, AuditAction.KEY_ROTATED, Status.OK.name(), detail)));
        return null;
      });
    }
    vault.clearCache();
    return new Outcome(r, migrated);
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
