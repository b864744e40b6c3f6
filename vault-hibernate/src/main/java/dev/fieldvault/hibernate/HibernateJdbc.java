package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.JdbcBridge;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import javax.sql.DataSource;

/**
 * The JDBC wrapper configured from the Hibernate mapping: the same columns, contexts and modes, so a
 * value written through plain JDBC (JdbcTemplate, jOOQ, MyBatis) is read through Hibernate and back.
 *
 * <pre>{@code
 * DataSource jdbc = HibernateJdbc.wrap(hikari, HibernateVault.of(sessionFactory));
 * }</pre>
 *
 * <p>The JDBC wrapper has no notion of a tenant: a factory with an {@code @Encrypted} attribute of an
 * entity with a {@code @TenantId} is refused (its values are bound to their tenant).
 *
 * <p>Needs {@code dev.fieldvault:vault-jdbc}, an optional dependency of vault-hibernate: add it to the
 * application's build to use this class.
 */
public final class HibernateJdbc {

  private HibernateJdbc() {}

  /**
   * Every {@code @Encrypted} attribute as a column of the JDBC wrapper (row-bound ones keyed by their id column).
   *
   * @throws VaultConfigurationException if an attribute belongs to an entity with a {@code @TenantId}
   */
  public static EncryptedColumns encryptedColumns(HibernateVault vault) {
    JdbcBridge.require("HibernateJdbc");
    EncryptedColumns.Builder b = EncryptedColumns.builder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (EncryptedAttribute a : vault.attributes()) {
      if (a.tenantColumn() != null) {
        throw new VaultConfigurationException("The JDBC wrapper cannot serve " + a.entityName() + "."
            + a.attributePath() + ": its entity has a @TenantId, so its values are bound to their tenant, and"
            + " the wrapper has no tenant; read and write tenant entities through Hibernate (rotate them with"
            + " HibernateRotation)");
      }
      if (a.table() != null && a.column() != null
          && !seen.add(SqlIdentifier.key(a.table()) + "\u0000" + SqlIdentifier.key(a.column()) + "\u0000" + a.context())) {
        continue; // SINGLE_TABLE siblings mapping one column in one pinned context (alike: checked at start-up)
      }
      b.add(a.asEncryptedColumn(vault));
    }
    return b.build();
  }

  /** Wraps a data source with the vault's cipher and every discovered column. */
  public static EncryptingDataSource wrap(DataSource dataSource, HibernateVault vault) {
    JdbcBridge.require("HibernateJdbc");
    return EncryptingDataSource.wrap(dataSource, vault.cipher(), encryptedColumns(vault));
  }
}
