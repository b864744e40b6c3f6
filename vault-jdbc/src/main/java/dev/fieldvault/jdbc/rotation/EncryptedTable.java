package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A table with encrypted columns, as the rewrapper and the key inventory see it: its name, its
 * primary key (one to four columns, each integral, character or UUID), an optional tenant column
 * whose value is part of each value's context, optional context columns read for
 * {@link RowContext row contexts}, and its encrypted columns. Immutable; build with
 * {@link #builder(String)}.
 *
 * <pre>{@code
 * EncryptedTable customers = EncryptedTable.builder("customer")
 *     .primaryKey("id")
 *     .column(EncryptedColumn.binary("email", emailSpec).withBlindIndex("email_bi"))
 *     .column(EncryptedColumn.text("notes", notesSpec))
 *     .build();
 * }</pre>
 *
 * <p>Row-bound fields use the primary-key value as their row id, so a table with a composite key
 * can hold row-bound values only in columns with a {@link RowContext} that computes the row id:
 *
 * <pre>{@code
 * EncryptedTable accounts = EncryptedTable.builder("account")
 *     .primaryKey("tenant_id", "id")
 *     .column(EncryptedColumn.binary("iban", ibanSpec))   // not row-bound: no row context needed
 *     .build();
 * }</pre>
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
    this.tenantColumn = b.tenantColumn;
    this.contextColumns = b.contextColumns;
    this.columns = List.copyOf(b.columns);
    if (columns.isEmpty()) {
      throw new VaultConfigurationException("Table " + table + " declares no encrypted column: add one with column()");
    }
    Set<String> seen = new HashSet<>();
    List<String> plain = new ArrayList<>(primaryKeys);
    if (tenantColumn != null) {
      plain.add(tenantColumn);
    }
    plain.addAll(contextColumns);
    for (String name : plain) {
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new VaultConfigurationException("Table " + table + " names column " + name
            + " twice (as key, tenant or context column)");
      }
    }
    for (EncryptedColumn c : columns) {
      if (c.spec().rowBound() && c.rowContext() == null && primaryKeys.size() > 1) {
        throw new VaultConfigurationException("Column " + table + "." + c.column() + " is row-bound (its row id is the"
            + " primary key) but " + table + " has the composite primary key (" + String.join(", ", primaryKeys)
            + "): give the column a row context that computes the row id with withRowContext(...)");
      }
      if (c.blindIndexColumn() == null && c.spec().blindIndexLength() > 0) {
        throw new VaultConfigurationException("Column " + table + "." + c.column() + " has a blind index in its"
            + " field spec " + c.spec() + " but no blind index column: name it with withBlindIndex(column)");
      }
      for (String name : new String[] {c.column(), c.blindIndexColumn()}) {
        if (name != null && !seen.add(name.toLowerCase(Locale.ROOT))) {
          throw new VaultConfigurationException("Table " + table + " names column " + name
              + " twice (as key, tenant, encrypted or blind-index column)");
        }
      }
    }
  }

  public static Builder builder(String table) {
    return new Builder(table);
  }

  public String table() {
    return table;
  }

  /** The primary-key columns, in the order the rewrapper walks them (one to four). */
  public List<String> primaryKeys() {
    return primaryKeys;
  }

  /**
   * The primary-key column of a single-column key.
   *
   * @throws VaultConfigurationException if the key is composite
   * @deprecated a key may have several columns: use {@link #primaryKeys()}
   */
  @Deprecated
  public String primaryKey() {
    if (primaryKeys.size() != 1) {
      throw new VaultConfigurationException("Table " + table + " has the composite primary key ("
          + String.join(", ", primaryKeys) + "): read it with primaryKeys()");
    }
    return primaryKeys.get(0);
  }

  /** The tenant column, or null when values are not tenant-scoped. */
  public String tenantColumn() {
    return tenantColumn;
  }

  /** Further columns the {@link RowContext row contexts} of this table read (possibly empty). */
  public List<String> contextColumns() {
    return contextColumns;
  }

  public List<EncryptedColumn> columns() {
    return columns;
  }

  static String requireIdentifier(String name, String what) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_$]{0,127}(\\.[A-Za-z_][A-Za-z0-9_$]{0,127})?")) {
      throw new VaultConfigurationException("The " + what + " must be a plain SQL identifier (letters, digits,"
          + " _ and $, optionally schema-qualified), not " + (name == null ? "null" : "'" + name + "'"));
    }
    return name;
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
    private String tenantColumn;
    private List<String> contextColumns = List.of();
    private final List<EncryptedColumn> columns = new ArrayList<>();

    private Builder(String table) {
      this.table = requireIdentifier(table, "table name");
    }

    /** A single-column primary key: keyset pagination walks it in order; it is the row id of row-bound fields. */
    public Builder primaryKey(String column) {
      return primaryKey(new String[] {column});
    }

    /**
     * The primary-key columns (one to four; each integral, character or UUID), in the order keyset
     * pagination walks them: the order of the key's index. A single column keeps the row id of
     * row-bound fields; see the class comment for composite keys.
     */
    public Builder primaryKey(String... columns) {
      if (columns == null || columns.length < 1 || columns.length > MAX_KEY_COLUMNS) {
        throw new VaultConfigurationException("The primary key of " + table + " must have 1 to " + MAX_KEY_COLUMNS
            + " columns, not " + (columns == null ? 0 : columns.length));
      }
      this.primaryKeys = identifiers(columns, "primary key column of " + table);
      return this;
    }

    /**
     * Further columns, neither key nor encrypted, that {@link RowContext row contexts} of this
     * table read (for example a version that is part of each value's context).
     */
    public Builder contextColumns(String... columns) {
      this.contextColumns = identifiers(columns, "context column of " + table);
      return this;
    }

    private static List<String> identifiers(String[] names, String what) {
      List<String> out = new ArrayList<>();
      for (String n : names) {
        out.add(requireIdentifier(n, what));
      }
      return List.copyOf(out);
    }

    /** A column whose value is the tenant of each row's encrypted values. */
    public Builder tenantColumn(String column) {
      this.tenantColumn = requireIdentifier(column, "tenant column of " + table);
      return this;
    }

    public Builder column(EncryptedColumn column) {
      columns.add(Objects.requireNonNull(column, "column"));
      return this;
    }

    public Builder columns(List<EncryptedColumn> more) {
      more.forEach(this::column);
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
