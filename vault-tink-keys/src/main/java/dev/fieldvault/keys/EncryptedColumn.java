package dev.fieldvault.keys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One encrypted column: FieldVault's single description of it, which the JDBC wrapper, the
 * rewrapper, the key inventory, key retirement, the CLI (its tables file is this model's serialized
 * form) and the Hibernate integration (from its mapping) all take. Immutable; validated when built,
 * so a declaration is valid for every part or for none.
 *
 * <ul>
 *   <li>where: the table (optionally {@code schema.table}) and the column, by the one name rule of
 *       {@link SqlIdentifier};
 *   <li>how: a {@link FieldSpec} (value type and codec, mode, context domain and field, compression,
 *       blind-index length and normalisation) and the {@link ColumnStorage};
 *   <li>row binding: for a row-bound spec, the column holding the row id, or a {@link RowContext}
 *       computing each value's context from the columns it names (composite keys and other
 *       contexts);
 *   <li>the tenant column, whose value (as text) is each value's tenant;
 *   <li>the blind-index column and its storage, when the spec has a blind index;
 *   <li>whether the column may still hold legacy plaintext values ({@link Builder#legacyPlaintext}),
 *       while it is migrated from a plaintext column.
 * </ul>
 *
 * <pre>{@code
 * EncryptedColumn email = EncryptedColumn.builder("customer", "email", String.class)
 *     .context("Customer", "email").mode(EncryptionMode.DETERMINISTIC).build();
 * EncryptedColumn ssn = EncryptedColumn.builder("customer", "ssn", String.class)
 *     .context("Customer", "ssn").rowIdColumn("id").build();
 * }</pre>
 *
 * <p>The context defaults to domain = the table (unqualified, unquoted) and field = the column.
 * Pin it with {@link Builder#context(String, String)} to the names the Hibernate integration uses
 * (entity and attribute), so that both read each other's values and a renamed column stays readable.
 */
public final class EncryptedColumn {

  private final String table;
  private final String column;
  private final FieldSpec<?> spec;
  private final ColumnStorage storage;
  private final String rowIdColumn;
  private final RowContext rowContext;
  private final List<String> contextColumns;
  private final String tenantColumn;
  private final String blindIndexColumn;
  private final ColumnStorage blindIndexStorage;
  private final boolean legacyPlaintext;

  private EncryptedColumn(Builder<?> b, FieldSpec<?> spec) {
    this.table = b.table;
    this.column = b.column;
    this.spec = spec;
    this.storage = b.storage;
    this.rowIdColumn = b.rowIdColumn;
    this.rowContext = b.rowContext;
    this.contextColumns = List.copyOf(b.contextColumns);
    this.tenantColumn = b.tenantColumn;
    this.blindIndexColumn = b.blindIndexColumn;
    this.blindIndexStorage = b.blindIndexStorage;
    this.legacyPlaintext = b.legacyPlaintext;
    String where = "Encrypted column " + qualifiedName();
    if (rowIdColumn != null && rowContext != null) {
      throw new VaultConfigurationException(where + " has both a row-id column and a row context: a row context"
          + " computes the whole context (row id included), so keep one of them");
    }
    if (spec.rowBound() && rowIdColumn == null && rowContext == null) {
      throw new VaultConfigurationException(where + " is row-bound: name the column holding the row id with"
          + " rowIdColumn(...), or compute the context with rowContext(...)");
    }
    if (!spec.rowBound() && rowIdColumn != null) {
      throw new VaultConfigurationException(where + " names row-id column " + rowIdColumn + " but is not row-bound:"
          + " make it row-bound (rowIdColumn(...) on the builder does), or drop the row-id column");
    }
    if (spec.blindIndexLength() > 0 && blindIndexColumn == null) {
      throw new VaultConfigurationException(where + " has a blind index in its field spec: name the column that"
          + " stores it with blindIndexColumn(...)");
    }
    if (spec.blindIndexLength() == 0 && blindIndexColumn != null) {
      throw new VaultConfigurationException(where + " names blind-index column " + blindIndexColumn
          + " but its field spec has no blind index: add one to the spec");
    }
    if (blindIndexColumn != null && rowContext != null) {
      throw new VaultConfigurationException(where + " has both a blind-index column and a row context: a blind"
          + " index is computed in the field spec's context, so drop one of them");
    }
    if (rowContext == null && !contextColumns.isEmpty()) {
      throw new VaultConfigurationException(where + " names context columns without a row context");
    }
    Set<String> seen = new HashSet<>();
    seen.add(SqlIdentifier.key(column));
    for (String other : new String[] {rowIdColumn, tenantColumn, blindIndexColumn}) {
      if (other != null && !seen.add(SqlIdentifier.key(other))) {
        throw new VaultConfigurationException(where + ": the column, its row-id, tenant and blind-index columns"
            + " must be different columns, but " + other + " is named twice");
      }
    }
    for (String c : contextColumns) {
      if (SqlIdentifier.sameColumn(c, column) || (blindIndexColumn != null && SqlIdentifier.sameColumn(c, blindIndexColumn))) {
        throw new VaultConfigurationException(where + ": its row context cannot read the encrypted column " + c);
      }
    }
  }

  /** A builder for a column whose values have a Java type {@link ValueCodecs#forType} knows. */
  public static <T> Builder<T> builder(String table, String column, Class<T> type) {
    return new Builder<>(table, column, ValueCodecs.forType(type), null);
  }

  /** A builder for a column whose values a custom codec encodes. */
  public static <T> Builder<T> builder(String table, String column, ValueCodec<T> codec) {
    return new Builder<>(table, column, Objects.requireNonNull(codec, "codec"), null);
  }

  /**
   * A builder for a column whose values are written with a whole {@link FieldSpec} (its context,
   * mode, row binding, compression and blind index are taken from it and cannot be set again).
   */
  public static <T> Builder<T> builder(String table, String column, FieldSpec<T> spec) {
    Objects.requireNonNull(spec, "spec");
    return new Builder<>(table, column, spec.codec(), spec);
  }

  /** A builder starting from this column's settings. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Builder<?> toBuilder() {
    Builder b = new Builder(table, column, spec.codec(), spec);
    b.storage = storage;
    b.rowIdColumn = rowIdColumn;
    b.rowContext = rowContext;
    b.contextColumns = contextColumns;
    b.tenantColumn = tenantColumn;
    b.blindIndexColumn = blindIndexColumn;
    b.blindIndexStorage = blindIndexStorage;
    b.legacyPlaintext = legacyPlaintext;
    return b;
  }

  /** The table as declared: {@code table} or {@code schema.table}, quotes included. */
  public String table() {
    return table;
  }

  /** The column as declared, quotes included. */
  public String column() {
    return column;
  }

  /** How the values are encrypted: type, mode, context domain and field, row binding, blind index. */
  public FieldSpec<?> spec() {
    return spec;
  }

  public EncryptionMode mode() {
    return spec.mode();
  }

  /** Binary or base64 text. */
  public ColumnStorage storage() {
    return storage;
  }

  /** The column holding the row id a row-bound value is bound to, or null. */
  public String rowIdColumn() {
    return rowIdColumn;
  }

  /** The function computing each value's context from its row, or null when the spec's context is used. */
  public RowContext rowContext() {
    return rowContext;
  }

  /** The columns the {@link #rowContext()} reads (empty without one). */
  public List<String> contextColumns() {
    return contextColumns;
  }

  /** The column whose value (as text) is each value's tenant, or null when values are not tenant-bound. */
  public String tenantColumn() {
    return tenantColumn;
  }

  /** The column holding the blind index, or null. */
  public String blindIndexColumn() {
    return blindIndexColumn;
  }

  /**
   * The name of the blind index's normaliser ({@link Normalizers#EXACT}, {@link Normalizers#CASE_INSENSITIVE}),
   * {@code "custom"} for an application's own, or null without a blind index.
   */
  public String blindIndexNormalizer() {
    if (blindIndexColumn == null) {
      return null;
    }
    String name = Normalizers.name(spec.normalizer());
    return name == null ? "custom" : name;
  }

  /** How the blind index is stored (binary unless set). */
  public ColumnStorage blindIndexStorage() {
    return blindIndexStorage;
  }

  /**
   * Whether the column may still hold legacy plaintext values (see {@link Builder#legacyPlaintext}).
   * False by default: a stored value that is not a ciphertext is then an error.
   */
  public boolean legacyPlaintext() {
    return legacyPlaintext;
  }

  /** {@code table.column}, for messages. */
  public String qualifiedName() {
    return table + "." + column;
  }

  /** Whether this column is {@code table.column} by the {@link SqlIdentifier} rule. */
  public boolean is(String otherTable, String otherColumn) {
    return SqlIdentifier.sameTable(table, otherTable) && SqlIdentifier.sameColumn(column, otherColumn);
  }

  /**
   * The context of a value of this column that is not computed by a row context: the spec's
   * domain and field, the tenant (null without a tenant column) and, for a row-bound column, the row id.
   */
  public EncryptionContext context(String tenant, Object rowId) {
    if (spec.rowBound() && rowId == null) {
      throw new VaultConfigurationException("Encrypted column " + qualifiedName() + " is row-bound: its context"
          + " needs the row id");
    }
    return EncryptionContext.of(spec.domain(), spec.field(), tenant, spec.rowBound() ? rowId : null);
  }

  @Override
  public String toString() {
    return "EncryptedColumn{" + qualifiedName() + ", " + spec + ", " + storage
        + (rowIdColumn == null ? "" : ", row id " + rowIdColumn)
        + (rowContext == null ? "" : ", row context over " + contextColumns)
        + (tenantColumn == null ? "" : ", tenant " + tenantColumn)
        + (blindIndexColumn == null ? "" : ", blind index " + blindIndexColumn + " " + blindIndexStorage)
        + (legacyPlaintext ? ", legacy plaintext" : "") + "}";
  }

  /** Builds an {@link EncryptedColumn}; {@link #build()} validates. */
  public static final class Builder<T> {
    private final String table;
    private final String column;
    private final ValueCodec<T> codec;
    private final FieldSpec<T> spec;
    private String domain;
    private String field;
    private EncryptionMode mode = EncryptionMode.RANDOMIZED;
    private boolean rowBound;
    private int compressAbove = -1;
    private int blindIndexLength;
    private Function<T, byte[]> normalizer;
    private ColumnStorage storage = ColumnStorage.BINARY;
    private String rowIdColumn;
    private RowContext rowContext;
    private List<String> contextColumns = List.of();
    private String tenantColumn;
    private String blindIndexColumn;
    private ColumnStorage blindIndexStorage = ColumnStorage.BINARY;
    private boolean legacyPlaintext;

    private Builder(String table, String column, ValueCodec<T> codec, FieldSpec<T> spec) {
      this.table = SqlIdentifier.requireTable(table, "table of an encrypted column");
      this.column = SqlIdentifier.requireColumn(column, "encrypted column of " + table);
      this.codec = codec;
      this.spec = spec;
    }

    private void specNotGiven(String what) {
      if (spec != null) {
        throw new VaultConfigurationException("Encrypted column " + table + "." + column + " is built from a field"
            + " spec, which fixes its " + what + ": set it on the FieldSpec instead");
      }
    }

    /** The context names (default: the table without schema or quotes, and the column without quotes). */
    public Builder<T> context(String contextDomain, String contextField) {
      specNotGiven("context");
      this.domain = Objects.requireNonNull(contextDomain, "contextDomain");
      this.field = Objects.requireNonNull(contextField, "contextField");
      return this;
    }

    /** Randomized (default) or deterministic (searchable with {@code =} and {@code IN}). */
    public Builder<T> mode(EncryptionMode newMode) {
      specNotGiven("mode");
      this.mode = Objects.requireNonNull(newMode, "mode");
      return this;
    }

    /** Binds every value to its row's id, read from this column of the same table (randomized only). */
    public Builder<T> rowIdColumn(String name) {
      this.rowIdColumn = SqlIdentifier.requireColumn(name, "row-id column of " + table + "." + column);
      if (spec == null) {
        rowBound = true;
      }
      return this;
    }

    /**
     * Computes each value's context from its row (instead of the spec's domain and field, the
     * tenant column and the row-id column), reading the named columns of the same table. The
     * rewrapper and the inventory use it; the JDBC wrapper cannot and refuses such a column.
     */
    public Builder<T> rowContext(RowContext context, String... columns) {
      this.rowContext = Objects.requireNonNull(context, "context");
      List<String> names = new ArrayList<>();
      for (String c : columns) {
        names.add(SqlIdentifier.requireColumn(c, "context column of " + table + "." + column));
      }
      this.contextColumns = List.copyOf(names);
      return this;
    }

    /** Marks the values row-bound when the context comes from a {@link #rowContext row context}. */
    public Builder<T> rowBound(boolean bound) {
      specNotGiven("row binding");
      this.rowBound = bound;
      return this;
    }

    /** The column whose value is each row's tenant. */
    public Builder<T> tenantColumn(String name) {
      this.tenantColumn = SqlIdentifier.requireColumn(name, "tenant column of " + table + "." + column);
      return this;
    }

    /** Keeps an exact-match blind index (16 bytes) in this column. */
    public Builder<T> blindIndexColumn(String name) {
      if (spec != null) {
        this.blindIndexColumn = SqlIdentifier.requireColumn(name, "blind-index column of " + table + "." + column);
        return this;
      }
      return blindIndexColumn(name, FieldSpec.DEFAULT_BLIND_INDEX_LENGTH, Normalizers.exact(codec));
    }

    /** Keeps a blind index of {@code length} bytes of {@code normalizer(value)} in this column. */
    public Builder<T> blindIndexColumn(String name, int length, Function<T, byte[]> normalizer) {
      specNotGiven("blind index");
      this.blindIndexColumn = SqlIdentifier.requireColumn(name, "blind-index column of " + table + "." + column);
      this.blindIndexLength = length;
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      return this;
    }

    /** How the blind index is stored (binary by default). */
    public Builder<T> blindIndexStorage(ColumnStorage newStorage) {
      this.blindIndexStorage = Objects.requireNonNull(newStorage, "blindIndexStorage");
      return this;
    }

    /**
     * Declares that the column may still hold legacy plaintext values: it was a plaintext column and
     * is being migrated to encryption (default false). A stored value that does not have the form of
     * a FieldVault ciphertext ({@link CiphertextHeader#hasCiphertextForm}) is then a legacy plaintext:
     * readers return it as the plaintext it is ({@link LegacyPlaintext}), equality searches on a
     * deterministic column also match a value's plaintext forms ({@link FieldEncryptor#legacySearchForms}),
     * and the migration job encrypts it. Writes are always encrypted. A value that has the form of a
     * ciphertext is read as one: an unknown key or a failed authentication stays an error. Set it back
     * to false once no plaintext is left, so that a plaintext written by anything else is refused.
     */
    public Builder<T> legacyPlaintext(boolean mayHoldPlaintext) {
      this.legacyPlaintext = mayHoldPlaintext;
      return this;
    }

    /** Compresses values of at least {@code bytes} bytes when that makes them smaller. */
    public Builder<T> compressAbove(int bytes) {
      specNotGiven("compression");
      this.compressAbove = bytes;
      return this;
    }

    /** Binary (default) or base64 text storage. */
    public Builder<T> storage(ColumnStorage newStorage) {
      this.storage = Objects.requireNonNull(newStorage, "storage");
      return this;
    }

    /** Validates and builds. */
    public EncryptedColumn build() {
      FieldSpec<T> s = spec;
      if (s == null) {
        String d = domain != null ? domain : SqlIdentifier.unqualifiedName(table);
        String f = field != null ? field : SqlIdentifier.unqualifiedName(column);
        FieldSpec.Builder<T> b = FieldSpec.builder(d, f, codec).mode(mode).rowBound(rowBound);
        if (compressAbove >= 0) {
          b.compressAbove(compressAbove);
        }
        if (blindIndexColumn != null) {
          b.blindIndex(blindIndexLength, normalizer);
        }
        s = b.build();
      }
      return new EncryptedColumn(this, s);
    }
  }
}
