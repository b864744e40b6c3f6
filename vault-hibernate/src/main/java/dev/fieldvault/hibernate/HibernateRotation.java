package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.JdbcBridge;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Hands every {@code @Encrypted} attribute a SessionFactory knows (entities, embeddables, secondary
 * tables) to the rewrapper, so a key rotation of a Hibernate application needs one call. Entities
 * with a composite id ({@code @EmbeddedId} or {@code @IdClass}) are walked by all their id columns
 * (up to four); their {@code @Encrypted} attributes cannot be row-bound. Entities with a
 * {@code @TenantId} are rotated with their tenant column, so each row is re-encrypted in its tenant's
 * context (and with its tenant's keyring when the cipher has per-tenant keyrings). Tables are named
 * as Hibernate names them ({@link EncryptedAttribute#table()}): qualified with the mapping's schema
 * ({@code @Table(schema = ...)} or {@code hibernate.default_schema}) and quoted where the mapping
 * quotes them, so the rotation rewraps the entity's table, never a same-named one elsewhere.
 *
 * <pre>{@code
 * HibernateVault vault = HibernateVault.of(sessionFactory);
 * RotationResult result = HibernateRotation.rewrapper(vault, dataSource).build().run();
 * }</pre>
 *
 * <p>Needs {@code dev.fieldvault:vault-jdbc}, an optional dependency of vault-hibernate: add it to the
 * application's build to use this class.
 */
public final class HibernateRotation {

  private HibernateRotation() {}

  /** The tables and encrypted columns of every {@code @Encrypted} attribute, grouped by table. */
  public static List<EncryptedTable> tables(HibernateVault vault) {
    JdbcBridge.require("HibernateRotation");
    Map<String, List<EncryptedAttribute>> byTable = new LinkedHashMap<>();
    for (EncryptedAttribute a : vault.attributes()) {
      if (a.table() == null || a.column() == null || a.idColumns().isEmpty()) {
        throw new VaultConfigurationException("Cannot rotate " + a.entityName() + "." + a.attributePath()
            + ": its table, column or id column is unknown to the mapping");
      }
      // the table's qualified key: same-named tables of two schemas are two tables
      byTable.computeIfAbsent(SqlIdentifier.key(a.table()) + "\u0000"
          + String.join(",", a.idColumns().stream().map(SqlIdentifier::key).toList()), k -> new ArrayList<>()).add(a);
    }
    List<EncryptedTable> tables = new ArrayList<>();
    for (List<EncryptedAttribute> attrs : byTable.values()) {
      EncryptedTable.Builder b = EncryptedTable.builder(attrs.get(0).table())
          .primaryKey(attrs.get(0).idColumns().toArray(String[]::new));
      String tenantColumn = attrs.get(0).tenantColumn();
      Set<String> seen = new HashSet<>();
      for (EncryptedAttribute a : attrs) {
        if (!seen.add(SqlIdentifier.key(a.column()) + "\u0000" + a.context())) {
          continue; // SINGLE_TABLE siblings mapping one column in one pinned context (alike: checked at start-up)
        }
        if (!Objects.equals(a.tenantColumn(), tenantColumn)) {
          throw new VaultConfigurationException("Cannot rotate table " + a.table() + ": " + a.entityName() + "."
              + a.attributePath() + " has tenant column " + a.tenantColumn() + " but "
              + attrs.get(0).entityName() + "." + attrs.get(0).attributePath() + " has " + tenantColumn
              + "; map the table's entities with the same @TenantId");
        }
        b.column(a.asEncryptedColumn(vault));
      }
      tables.add(b.build());
    }
    return tables;
  }

  /** A rewrapper builder over every discovered table, with the vault's cipher. */
  public static Rewrapper.Builder rewrapper(HibernateVault vault, DataSource dataSource) {
    return Rewrapper.builder(dataSource, vault.cipher()).tables(tables(vault));
  }

  /**
   * Every {@code @Encrypted} attribute as FieldVault's column model: the list the JDBC wrapper
   * ({@code EncryptedColumns.builder().addAll(...)}), the key inventory and the CLI's tables file take.
   */
  public static List<EncryptedColumn> columns(HibernateVault vault) {
    List<EncryptedColumn> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (EncryptedAttribute a : vault.attributes()) {
      if (a.table() != null && a.column() != null
          && !seen.add(SqlIdentifier.key(a.table()) + "\u0000" + SqlIdentifier.key(a.column()) + "\u0000" + a.context())) {
        continue; // SINGLE_TABLE siblings mapping one column in one pinned context (alike: checked at start-up)
      }
      out.add(a.asEncryptedColumn(vault));
    }
    return out;
  }
}
