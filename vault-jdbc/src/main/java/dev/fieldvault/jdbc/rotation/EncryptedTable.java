package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A table with encrypted columns, as the rewrapper and the key inventory see it: its name, its
 * single-column primary key (integral, character or UUID), an optional tenant column whose value
 * is part of each value's context, and its encrypted columns. Immutable; build with
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
 * <p>Row-bound fields use the primary-key value as their row id.
 */
public final class EncryptedTable {

  private final String table;
  private final String primaryKey;
  private final String tenantColumn;
  private final List<EncryptedColumn> columns;

  private EncryptedTable(Builder b) {
    this.table = b.table;
    this.primaryKey = requireIdentifier(b.primaryKey, "primary key column of " + b.table);
    this.tenantColumn = b.tenantColumn;
    this.columns = List.copyOf(b.columns);
    if (columns.isEmpty()) {
      throw new VaultConfigurationException("Table " + table + " declares no encrypted column: add one with column()");
    }
    Set<String> seen = new HashSet<>();
    seen.add(primaryKey.toLowerCase(java.util.Locale.ROOT));
    if (tenantColumn != null) {
      seen.add(tenantColumn.toLowerCase(java.util.Locale.ROOT));
    }
    for (EncryptedColumn c : columns) {
      if (c.blindIndexColumn() == null && c.spec().blindIndexLength() > 0) {
        throw new VaultConfigurationException("Column " + table + "." + c.column() + " has a blind index in its"
            + " field spec " + c.spec() + " but no blind index column: name it with withBlindIndex(column)");
      }
      for (String name : new String[] {c.column(), c.blindIndexColumn()}) {
        if (name != null && !seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
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

  public String primaryKey() {
    return primaryKey;
  }

  /** The tenant column, or null when values are not tenant-scoped. */
  public String tenantColumn() {
    return tenantColumn;
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
    return table + "(pk " + primaryKey + (tenantColumn == null ? "" : ", tenant " + tenantColumn) + ", " + columns + ")";
  }

  /** Builds an {@link EncryptedTable}; each setting is validated. */
  public static final class Builder {
    private final String table;
    private String primaryKey;
    private String tenantColumn;
    private final List<EncryptedColumn> columns = new ArrayList<>();

    private Builder(String table) {
      this.table = requireIdentifier(table, "table name");
    }

    /** The single primary-key column: keyset pagination walks it in order. */
    public Builder primaryKey(String column) {
      this.primaryKey = requireIdentifier(column, "primary key column of " + table);
      return this;
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
      if (primaryKey == null) {
        throw new VaultConfigurationException("Table " + table + " needs its primary key column: call primaryKey()");
      }
      return new EncryptedTable(this);
    }
  }
}
