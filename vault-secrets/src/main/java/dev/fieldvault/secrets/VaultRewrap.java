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

  /** The keyset every stored value uses: randomized AEAD; its context is computed per row. */
  private static final FieldSpec<byte[]> VALUE_SPEC = FieldSpec.builder("fieldvault.secrets", "value", byte[].class)
      .build();

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
    RotationResult r = rewrap(Rewrapper.builder(dataSource, cipher).vaultTables(rotationTables).batchSize(batchSize)
        .finalInventory(false));
    return new MaintenanceReport(r.rowsScanned(), r.rowsRewrapped(),
        r.tables().stream().mapToLong(RotationProgress::rowsFailed).sum());
  }

  /**
   * Runs {@code rewrapper} with the vault's tables added, then records one KEY_ROTATED event (with the
   * rotation id and this worker's counts on the vault's tables) when it rewrapped a value, and clears
   * the read cache.
   */
  RotationResult rewrap(Rewrapper.Builder rewrapper) {
    vault.checkOpen();
    RotationResult r = rewrapper.tables(encryptedTables()).build().run();
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
    if (rewrapped > 0 && !r.tables().get(0).dryRun()) {
      String detail = "rotation " + r.rotationId() + ": " + rewrapped + " values rewrapped of " + scanned + " scanned"
          + (failed > 0 ? ", " + failed + " cannot be rewrapped" : "");
      vault.tx("audit", x -> {
        vault.audit().append(x, vault.now().toEpochMilli(), List.of(new AuditLog.Draft(SecretsVault.SYSTEM, null,
            null, null, AuditAction.KEY_ROTATED, Status.OK.name(), detail)));
        return null;
      });
    }
    vault.clearCache();
    return r;
  }

  /**
   * The entry and version tables: composite primary keys ({@code store_id, name_key} and
   * {@code store_id, name_key, version}) and the binary {@code value_ct} column, whose context is
   * computed per row from its store (namespace and tenant), name key and version.
   */
  List<EncryptedTable> encryptedTables() {
    Tables tables = vault.tables();
    return List.of(
        EncryptedTable.builder(tables.entry).primaryKey("store_id", "name_key").column(valueColumn(tables.entry)).build(),
        EncryptedTable.builder(tables.version).primaryKey("store_id", "name_key", "version")
            .column(valueColumn(tables.version)).build());
  }

  private EncryptedColumn valueColumn(String table) {
    return EncryptedColumn.builder(table, "value_ct", VALUE_SPEC)
        .rowContext(this::valueContext, "store_id", "name_key", "version").build();
  }

  private EncryptionContext valueContext(RowContext.Row row) {
    return vault.stores().byId(row.getLong("store_id")).context(row.getString("name_key"), row.getLong("version"));
  }
}
