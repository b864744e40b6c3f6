package dev.fieldvault.jdbc;

import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The encrypted columns an {@link EncryptingDataSource} knows, and the stored procedures declared
 * to it ({@link EncryptedProcedure}): immutable, validated when built. Names follow the one rule of
 * {@link SqlIdentifier} (case-insensitive, quoted or not); tables match without their schema, so
 * two encrypted tables of the same name in different schemas are refused. A column with a
 * {@link dev.fieldvault.keys.RowContext row context} or a tenant column is refused: the wrapper
 * cannot bind either from a statement.
 *
 * <pre>{@code
 * EncryptedColumns columns = EncryptedColumns.builder()
 *     .add(EncryptedColumn.builder("customer", "email", String.class)
 *         .mode(EncryptionMode.DETERMINISTIC).context("Customer", "email").build())
 *     .build();
 * }</pre>
 */
public final class EncryptedColumns {

  private final Map<String, Map<String, EncryptedColumn>> byTable;
  private final Map<String, Map<String, EncryptedColumn>> byBlindIndexColumn;
  private final List<EncryptedColumn> all;
  private final Map<String, EncryptedProcedure> procedures;

  private EncryptedColumns(List<EncryptedColumn> columns, Map<String, EncryptedProcedure> procedures) {
    Map<String, Map<String, EncryptedColumn>> tables = new HashMap<>();
    Map<String, Map<String, EncryptedColumn>> blind = new HashMap<>();
    Map<String, String> schemas = new HashMap<>();
    for (EncryptedColumn c : columns) {
      String where = "Encrypted column " + c.qualifiedName();
      if (c.rowContext() != null) {
        throw new VaultConfigurationException(where + " computes its context with a row context, which the JDBC"
            + " wrapper cannot evaluate on a statement: leave it to the rewrapper, or bind it with rowIdColumn(...)");
      }
      if (c.tenantColumn() != null) {
        throw new VaultConfigurationException(where + " is tenant-bound (tenant column " + c.tenantColumn()
            + "): the JDBC wrapper does not bind tenants; write it through the Hibernate integration or"
            + " FieldCipher with the tenant's context");
      }
      String schema = String.valueOf(SqlIdentifier.schemaKey(c.table()));
      String before = schemas.putIfAbsent(key(c.table()), schema);
      if (before != null && !before.equals(schema)) {
        throw new VaultConfigurationException(where + ": another encrypted column is in a table of the same name in"
            + " another schema; the JDBC wrapper matches tables without their schema, so it cannot tell them apart");
      }
      Map<String, EncryptedColumn> t = tables.computeIfAbsent(key(c.table()), k -> new LinkedHashMap<>());
      if (t.putIfAbsent(key(c.column()), c) != null) {
        throw new VaultConfigurationException("Encrypted column " + c.qualifiedName() + " is configured twice");
      }
      if (c.blindIndexColumn() != null) {
        blind.computeIfAbsent(key(c.table()), k -> new HashMap<>())
            .put(key(c.blindIndexColumn()), c);
      }
    }
    for (EncryptedColumn c : columns) {
      Map<String, EncryptedColumn> t = tables.get(key(c.table()));
      for (String other : new String[] {c.rowIdColumn(), c.blindIndexColumn()}) {
        if (other != null && t.containsKey(key(other))) {
          throw new VaultConfigurationException("Column " + c.table() + "." + other + " is the row-id or"
              + " blind-index column of " + c.qualifiedName() + " and cannot be encrypted itself");
        }
      }
    }
    Map<String, Map<String, EncryptedColumn>> frozen = new HashMap<>();
    tables.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
    Map<String, Map<String, EncryptedColumn>> frozenBlind = new HashMap<>();
    blind.forEach((k, v) -> frozenBlind.put(k, Collections.unmodifiableMap(v)));
    this.byTable = Collections.unmodifiableMap(frozen);
    this.byBlindIndexColumn = Collections.unmodifiableMap(frozenBlind);
    this.all = List.copyOf(columns);
    for (EncryptedProcedure p : procedures.values()) {
      List<EncryptedColumn> used = new ArrayList<>(p.results().values());
      p.parameters().values().forEach(x -> used.add(x.column()));
      for (EncryptedColumn c : used) {
        if (find(c.table(), c.column()).orElse(null) != c) {
          throw new VaultConfigurationException("Procedure " + p.name() + " uses encrypted column "
              + c.qualifiedName() + ", which is not added to these columns: add it with add(...)");
        }
      }
    }
    this.procedures = Collections.unmodifiableMap(new LinkedHashMap<>(procedures));
  }

  /**
   * The key a table or column name is matched by: {@link SqlIdentifier#unqualifiedKey} of a
   * declared name, or the lower-case name as a statement's parser gives it (already unquoted).
   */
  static String key(String name) {
    if (name.indexOf('"') < 0 && name.indexOf('`') < 0 && name.indexOf('.') < 0) {
      return name.toLowerCase(Locale.ROOT);
    }
    try {
      return SqlIdentifier.unqualifiedKey(name);
    } catch (VaultConfigurationException e) {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every configured column, in the order added. */
  public List<EncryptedColumn> all() {
    return all;
  }

  /** Whether no column is configured. */
  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** The configured column, if {@code table.column} is encrypted. */
  public Optional<EncryptedColumn> find(String table, String column) {
    Map<String, EncryptedColumn> t = byTable.get(key(table));
    return t == null ? Optional.empty() : Optional.ofNullable(t.get(key(column)));
  }

  /** The encrypted column whose blind index {@code table.column} holds, if any. */
  public Optional<EncryptedColumn> findByBlindIndexColumn(String table, String column) {
    Map<String, EncryptedColumn> t = byBlindIndexColumn.get(key(table));
    return t == null ? Optional.empty() : Optional.ofNullable(t.get(key(column)));
  }

  /** Whether a table has any encrypted column. */
  public boolean hasTable(String table) {
    return byTable.containsKey(key(table));
  }

  /** The encrypted columns of a table (empty when none), keyed by lower-case column name. */
  public Map<String, EncryptedColumn> ofTable(String table) {
    Map<String, EncryptedColumn> t = byTable.get(key(table));
    return t == null ? Map.of() : t;
  }

  /** The declared procedure of a name (case-insensitive, without schema), if any. */
  public Optional<EncryptedProcedure> procedure(String name) {
    return Optional.ofNullable(procedures.get(key(name)));
  }

  /** The declared procedures, by lower-case name. */
  public Map<String, EncryptedProcedure> procedures() {
    return procedures;
  }

  /** The lower-case names of the tables that have encrypted columns. */
  public Set<String> tables() {
    return byTable.keySet();
  }

  @Override
  public String toString() {
    return "EncryptedColumns" + all;
  }

  /** Builds {@link EncryptedColumns}. */
  public static final class Builder {
    private final List<EncryptedColumn> columns = new ArrayList<>();
    private final Map<String, EncryptedProcedure> procedures = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(EncryptedColumn column) {
      columns.add(java.util.Objects.requireNonNull(column, "column"));
      return this;
    }

    public Builder addAll(Collection<EncryptedColumn> more) {
      more.forEach(this::add);
      return this;
    }

    /**
     * Declares a stored procedure: calls of it that pass arguments are allowed, its declared
     * parameters encrypted and its declared result columns decrypted (see {@link EncryptedProcedure}).
     */
    public Builder procedure(EncryptedProcedure procedure) {
      java.util.Objects.requireNonNull(procedure, "procedure");
      if (procedures.putIfAbsent(procedure.name(), procedure) != null) {
        throw new VaultConfigurationException("Procedure " + procedure.name() + " is declared twice");
      }
      return this;
    }

    /**
     * Validates (no column twice; row-id and blind-index columns not encrypted; procedures use
     * added columns only) and builds.
     */
    public EncryptedColumns build() {
      return new EncryptedColumns(columns, procedures);
    }
  }
}
