package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.RowContext;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The encrypted columns of one table grouped for the rewrapper and the key inventory: the table's
 * primary key (one to four columns, each integral, character or UUID), which keyset pagination
 * walks, and its {@link EncryptedColumn}s — FieldVault's one column model, which also configures
 * the JDBC wrapper. This class does not describe a column itself: the tenant column and the
 * columns read by row contexts come from the columns. Immutable; build with {@link #builder(String)}.
 *
 * <pre>{@code
 * List<EncryptedColumn> model = List.of(email, notes);          // the same list the wrapper takes
 * EncryptedTable customers = EncryptedTable.builder("customer")
 *     .primaryKey("id")
 *     .columnsOf(model)                                         // the model's columns of "customer"
 *     .build();
 * }</pre>
 *
 * <p>A row-bound column without a {@link RowContext} must name the single primary-key column as
 * its row-id column; a table with a composite key can hold row-bound values only in columns with a
 * row context that computes the row id.
 */
public final class EncryptedTable {

  /** The most columns a primary key may have. */
  public static final int MAX_KEY_COLUMNS = 4;

  private final String table;
  private final List<String> primaryKeys;
  private final String tenantColumn;
  private final List<String> contextColumns;
  private final List<EncryptedColumn> columns;

  private EncryptedTable(Builder b) {
    this.table = b.table;
    this.primaryKeys = b.primaryKeys;
    this.columns = List.copyOf(b.columns);
    if (columns.isEmpty()) {
      throw new VaultConfigurationException("Table " + table + " declares no encrypted column: add one with column()");
    }
    String tenant = columns.get(0).tenantColumn();
    for (EncryptedColumn c : columns) {
      if (!SqlIdentifier.key(c.table()).equals(SqlIdentifier.key(table))) {
        throw new VaultConfigurationException("Encrypted column " + c.qualifiedName() + " is not a column of table "
            + table + ": group each table's columns with columnsOf(...)");
      }
      if (!Objects.equals(key(tenant), key(c.tenantColumn()))) {
        throw new VaultConfigurationException("The encrypted columns of " + table + " name different tenant columns ("
            + tenant + ", " + c.tenantColumn() + "): a table has one tenant column, named by all its columns or none");
      }
    }
    this.tenantColumn = tenant;
    Set<String> seen = new HashSet<>();
    for (String name : primaryKeys) {
      if (!seen.add(SqlIdentifier.key(name))) {
        throw new VaultConfigurationException("Table " + table + " names primary key column " + name + " twice");
      }
    }
    if (tenantColumn != null && !seen.add(SqlIdentifier.key(tenantColumn))) {
      throw new VaultConfigurationException("Table " + table + ": tenant column " + tenantColumn
          + " cannot also be a primary key column");
    }
    List<String> context = new ArrayList<>();
    Set<String> contextSeen = new HashSet<>(seen);
    for (EncryptedColumn c : columns) {
      for (String name : c.contextColumns()) {
        if (contextSeen.add(SqlIdentifier.key(name))) {
          context.add(name);
        }
      }
    }
    this.contextColumns = List.copyOf(context);
    seen.addAll(context.stream().map(SqlIdentifier::key).toList());
    for (EncryptedColumn c : columns) {
      if (c.spec().rowBound() && c.rowContext() == null) {
        if (primaryKeys.size() > 1) {
          throw new VaultConfigurationException("Column " + c.qualifiedName() + " is row-bound by its row-id column"
              + " but " + table + " has the composite primary key (" + String.join(", ", primaryKeys)
              + "): give the column a row context that computes the row id with rowContext(...)");
        }
        if (!SqlIdentifier.sameColumn(c.rowIdColumn(), primaryKeys.get(0))) {
          throw new VaultConfigurationException("Column " + c.qualifiedName() + " is bound to row-id column "
              + c.rowIdColumn() + ", but the rewrapper binds row-bound values to the primary key " + primaryKeys.get(0)
              + ": make the row-id column the primary key, or compute the context with rowContext(...)");
        }
      }
      for (String name : new String[] {c.column(), c.blindIndexColumn()}) {
        if (name != null && !seen.add(SqlIdentifier.key(name))) {
          throw new VaultConfigurationException("Table " + table + " names column " + name
              + " twice (as key, tenant, context, encrypted or blind-index column)");
        }
      }
    }
  }

  private static String key(String name) {
    return name == null ? null : SqlIdentifier.key(name);
  }

  public static Builder builder(String table) {
    return new Builder(table);
  }

  /** The table as declared ({@code table} or {@code schema.table}, quotes included). */
  public String table() {
    return table;
  }

  /** The primary-key columns, in the order the rewrapper walks them (one to four). */
  public List<String> primaryKeys() {
    return primaryKeys;
  }

  /** The tenant column its columns name, or null when values are not tenant-scoped. */
  public String tenantColumn() {
    return tenantColumn;
  }

  /** The columns the columns' {@link RowContext row contexts} read besides the key and tenant (possibly empty). */
  public List<String> contextColumns() {
    return contextColumns;
  }

  public List<EncryptedColumn> columns() {
    return columns;
  }

  @Override
  public String toString() {
    return table + "(pk " + String.join(", ", primaryKeys) + (tenantColumn == null ? "" : ", tenant " + tenantColumn)
        + (contextColumns.isEmpty() ? "" : ", context " + String.join(", ", contextColumns)) + ", " + columns + ")";
  }

  /** Builds an {@link EncryptedTable}; each setting is validated. */
  public static final class Builder {
    private final String table;
    private List<String> primaryKeys;
    private final List<EncryptedColumn> columns = new ArrayList<>();

    private Builder(String table) {
      this.table = SqlIdentifier.requireTable(table, "table name");
    }

    /** A single-column primary key: keyset pagination walks it in order; it is the row id of row-bound fields. */
    public Builder primaryKey(String column) {
      return primaryKey(new String[] {column});
    }

    /**
     * The primary-key columns (one to four; each integral, character or UUID), in the order keyset
     * pagination walks them: the order of the key's index.
     */
    public Builder primaryKey(String... columns) {
      if (columns == null || columns.length < 1 || columns.length > MAX_KEY_COLUMNS) {
        throw new VaultConfigurationException("The primary key of " + table + " must have 1 to " + MAX_KEY_COLUMNS
            + " columns, not " + (columns == null ? 0 : columns.length));
      }
      List<String> out = new ArrayList<>();
      for (String n : columns) {
        out.add(SqlIdentifier.requireColumn(n, "primary key column of " + table));
      }
      this.primaryKeys = List.copyOf(out);
      return this;
    }

    /** Adds one encrypted column of this table. */
    public Builder column(EncryptedColumn column) {
      columns.add(Objects.requireNonNull(column, "column"));
      return this;
    }

    /** Adds every column of the list (each must be of this table). */
    public Builder columns(List<EncryptedColumn> more) {
      more.forEach(this::column);
      return this;
    }

    /** Adds the columns of a model that belong to this table (same name by {@link SqlIdentifier#key}). */
    public Builder columnsOf(Collection<EncryptedColumn> model) {
      for (EncryptedColumn c : model) {
        if (SqlIdentifier.key(c.table()).equals(SqlIdentifier.key(table))) {
          column(c);
        }
      }
      return this;
    }

    public EncryptedTable build() {
      if (primaryKeys == null) {
        throw new VaultConfigurationException("Table " + table + " needs its primary key column: call primaryKey()");
      }
      return new EncryptedTable(this);
    }
  }
}
