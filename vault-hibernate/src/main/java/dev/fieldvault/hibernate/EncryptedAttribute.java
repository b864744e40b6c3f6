package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.AttributeSpecs;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.List;
import java.util.Objects;

/**
 * One encrypted attribute as discovered from the mapping model: where it lives (entity, attribute
 * path, table, column), how it is encrypted (mode, context, row binding) and how the column stores it.
 * Immutable; the JDBC wrapper and the rotation job consume these (see {@link HibernateVault#attributes()}).
 */
public final class EncryptedAttribute {

  private final String entityName;
  private final Class<?> entityClass;
  private final String attributePath;
  private final Class<?> javaType;
  private final String table;
  private final String column;
  private final List<String> idColumns;
  private final EncryptionMode mode;
  private final String contextDomain;
  private final String contextField;
  private final boolean rowBound;
  private final int compressAbove;
  private final ColumnStorage storage;
  private final PlaintextPolicy plaintextPolicy;
  private final String blindIndexAttribute;
  private final String blindIndexColumn;
  private final int blindIndexLength;
  private final String tenantColumn;

  static {
    // the integrator (an internal package) builds models through this; the constructor stays hidden
    dev.fieldvault.hibernate.internal.AttributeModels.install(EncryptedAttribute::new);
  }

  /** Built by FieldVault's integrator from Hibernate's mapping only (see {@code internal.AttributeModels}). */
  EncryptedAttribute(String entityName, Class<?> entityClass, String attributePath, Class<?> javaType,
      String table, String column, List<String> idColumns, EncryptionMode mode, String contextDomain,
      String contextField, boolean rowBound, int compressAbove, ColumnStorage storage,
      PlaintextPolicy plaintextPolicy, String blindIndexAttribute, String blindIndexColumn, int blindIndexLength,
      String tenantColumn) {
    this.entityName = Objects.requireNonNull(entityName);
    this.entityClass = entityClass;
    this.attributePath = Objects.requireNonNull(attributePath);
    this.javaType = Objects.requireNonNull(javaType);
    this.table = table;
    this.column = column;
    this.idColumns = List.copyOf(idColumns);
    this.mode = Objects.requireNonNull(mode);
    this.contextDomain = Objects.requireNonNull(contextDomain);
    this.contextField = Objects.requireNonNull(contextField);
    this.rowBound = rowBound;
    this.compressAbove = compressAbove;
    this.storage = Objects.requireNonNull(storage);
    this.plaintextPolicy = Objects.requireNonNull(plaintextPolicy);
    this.blindIndexAttribute = blindIndexAttribute;
    this.blindIndexColumn = blindIndexColumn;
    this.blindIndexLength = blindIndexLength;
    this.tenantColumn = tenantColumn;
  }

  /** The JPA entity name (e.g. {@code Customer}). */
  public String entityName() {
    return entityName;
  }

  /** The entity class, or null for a dynamic-map entity. */
  public Class<?> entityClass() {
    return entityClass;
  }

  /** The attribute path in the entity: {@code email}, or {@code address.street} inside an embeddable. */
  public String attributePath() {
    return attributePath;
  }

  /** The attribute's Java type (primitives boxed). */
  public Class<?> javaType() {
    return javaType;
  }

  /**
   * The table holding the column as Hibernate names it in SQL: qualified with the schema (or catalog)
   * the mapping gives, its own or {@code hibernate.default_schema}/{@code default_catalog}
   * ({@code billing.customer}), and quoted where the mapping quotes it ({@code "Customer"}), in the
   * form of FieldVault's one identifier rule ({@link dev.fieldvault.keys.SqlIdentifier}).
   */
  public String table() {
    return table;
  }

  /** The column holding the ciphertext, as mapped; quoted where the mapping quotes it (as {@link #table()}). */
  public String column() {
    return column;
  }

  /**
   * The key column of the attribute's {@link #table()}, whose value is the entity's id, which row-bound
   * values are bound to (null if the key is composite): the root's id column, a JOINED subclass table's
   * {@code @PrimaryKeyJoinColumn}, or a secondary table's join column, as the mapping names them.
   */
  public String idColumn() {
    return idColumns.size() == 1 ? idColumns.get(0) : null;
  }

  /**
   * The key columns of the attribute's {@link #table()} in the order of the entity's id columns: one for
   * a simple id, several for an {@code @EmbeddedId} or {@code @IdClass} (empty if the mapping has none).
   * They are the table's own (see {@link #idColumn()}), holding the entity's id.
   */
  public List<String> idColumns() {
    return idColumns;
  }

  public EncryptionMode mode() {
    return mode;
  }

  /**
   * The context (domain and field; tenant and row id are per value) every ciphertext is bound to. The
   * tenant is the session's tenant identifier (as text) when {@link #tenantColumn()} is not null.
   */
  public EncryptionContext context() {
    return EncryptionContext.of(contextDomain, contextField);
  }

  /** Whether each ciphertext is also bound to its row's id (the {@link #idColumn()} value). */
  public boolean rowBound() {
    return rowBound;
  }

  /** Plaintexts of at least this many bytes are compressed when it helps; negative: never. */
  public int compressAbove() {
    return compressAbove;
  }

  public ColumnStorage storage() {
    return storage;
  }

  /** The effective policy for plaintext values (never {@link PlaintextPolicy#DEFAULT}). */
  public PlaintextPolicy plaintextPolicy() {
    return plaintextPolicy;
  }

  /** The {@link BlindIndex} companion attribute filled from this one, or null. */
  public String blindIndexAttribute() {
    return blindIndexAttribute;
  }

  /** The column of the blind index companion (same table), or null. */
  public String blindIndexColumn() {
    return blindIndexColumn;
  }

  /** Bytes of PRF output in the blind index, or 0 when there is none. */
  public int blindIndexLength() {
    return blindIndexLength;
  }

  /**
   * The column of the entity's {@code @TenantId} attribute, or null when the entity has none. When set,
   * every value (and blind index) is bound to the tenant: the session's tenant identifier as text, which
   * is also the column's value as text.
   */
  public String tenantColumn() {
    return tenantColumn;
  }

  /**
   * This attribute as FieldVault's one column model, the form the JDBC wrapper, the rewrapper, the
   * key inventory and the CLI take: the vault's field spec (context, mode, row binding, compression,
   * blind index), the storage, the row-id column of a row-bound attribute, the tenant column, the
   * blind-index column, and whether it may hold legacy plaintext (a migrating {@link #plaintextPolicy()}).
   *
   * @throws VaultConfigurationException if the mapping gives no table or column, or a row-bound
   *     attribute has no single id column
   */
  public EncryptedColumn asEncryptedColumn(HibernateVault vault) {
    if (table == null || column == null) {
      throw new VaultConfigurationException(entityName + "." + attributePath + ": its table or column is unknown to"
          + " the mapping, so it has no column model");
    }
    if (rowBound && idColumn() == null) {
      throw new VaultConfigurationException(entityName + "." + attributePath + " is row-bound but its entity has no"
          + " single id column");
    }
    EncryptedColumn.Builder<?> b = EncryptedColumn.builder(table, column, AttributeSpecs.of(vault, this))
        .storage(storage).legacyPlaintext(plaintextPolicy != PlaintextPolicy.CIPHERTEXT_ONLY);
    if (rowBound) {
      b.rowIdColumn(idColumn());
    }
    if (tenantColumn != null) {
      b.tenantColumn(tenantColumn);
    }
    if (blindIndexColumn != null) {
      b.blindIndexColumn(blindIndexColumn);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "EncryptedAttribute{" + entityName + "." + attributePath + " -> " + table + "." + column + ", "
        + mode + ", context=" + contextDomain + "." + contextField + (rowBound ? ", row-bound by " + idColumn() : "")
        + (tenantColumn != null ? ", tenant in " + tenantColumn : "") + ", " + storage
        + (blindIndexColumn != null ? ", blind index in " + blindIndexColumn : "") + "}";
  }
}
