package dev.fieldvault.jdbc;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.ValueCodec;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One encrypted column: where it is (table, column), how it is encrypted (a {@link FieldSpec}:
 * Java type, mode, context domain and field), which column holds the row id it is bound to, and
 * which column holds its blind index. Immutable; validated when built.
 *
 * <p>The context defaults to domain = table and field = column. Pin it with
 * {@link Builder#context(String, String)} to the names the Hibernate integration uses (entity and
 * attribute) so that both read each other's values, and so that renaming a column never makes its
 * data unreadable.
 *
 * <p>{@link #of(String, String, FieldSpec, String, String)} builds one from the tuple (table,
 * column, spec, row-id column, blind-index column), the form mapping metadata provides.
 */
public final class EncryptedColumn {

  private final String table;
  private final String column;
  private final FieldSpec<?> spec;
  private final String rowIdColumn;
  private final String blindIndexColumn;
  private final ColumnStorage storage;

  private EncryptedColumn(String table, String column, FieldSpec<?> spec, String rowIdColumn,
      String blindIndexColumn, ColumnStorage storage) {
    this.table = requireIdentifier(table, "table");
    this.column = requireIdentifier(column, "column");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.rowIdColumn = rowIdColumn == null ? null : requireIdentifier(rowIdColumn, "row-id column");
    this.blindIndexColumn = blindIndexColumn == null ? null : requireIdentifier(blindIndexColumn, "blind-index column");
    this.storage = Objects.requireNonNull(storage, "storage");
    String where = "Encrypted column " + table + "." + column;
    if (spec.rowBound() && rowIdColumn == null) {
      throw new VaultConfigurationException(where + " is row-bound: name the column holding the row id"
          + " with rowIdColumn(...)");
    }
    if (!spec.rowBound() && rowIdColumn != null) {
      throw new VaultConfigurationException(where + " names a row-id column but its field spec is not"
          + " row-bound: build the spec with rowBound(true), or drop the row-id column");
    }
    if (spec.blindIndexLength() > 0 && blindIndexColumn == null) {
      throw new VaultConfigurationException(where + " has a blind index: name the column that stores it");
    }
    if (spec.blindIndexLength() == 0 && blindIndexColumn != null) {
      throw new VaultConfigurationException(where + " names blind-index column " + blindIndexColumn
          + " but its field spec has no blind index: add one with blindIndex()");
    }
    if (column.equalsIgnoreCase(String.valueOf(rowIdColumn)) || column.equalsIgnoreCase(String.valueOf(blindIndexColumn))
        || (rowIdColumn != null && rowIdColumn.equalsIgnoreCase(String.valueOf(blindIndexColumn)))) {
      throw new VaultConfigurationException(where + ": the column, its row-id column and its blind-index"
          + " column must be three different columns");
    }
  }

  /**
   * The column described by a tuple: a table, a column, the field spec (type, mode, context), the
   * row-id column (null unless the spec is row-bound) and the blind-index column (null unless the
   * spec has a blind index). Stored as binary.
   */
  public static EncryptedColumn of(String table, String column, FieldSpec<?> spec, String rowIdColumn,
      String blindIndexColumn) {
    return new EncryptedColumn(table, column, spec, rowIdColumn, blindIndexColumn, ColumnStorage.BINARY);
  }

  /** A builder for a column whose values have a Java type {@link ValueCodecs#forType} knows. */
  public static <T> Builder<T> builder(String table, String column, Class<T> type) {
    return new Builder<>(table, column, ValueCodecs.forType(type));
  }

  /** A builder for a column whose values a custom codec encodes. */
  public static <T> Builder<T> builder(String table, String column, ValueCodec<T> codec) {
    return new Builder<>(table, column, Objects.requireNonNull(codec, "codec"));
  }

  /** This column stored in another way (binary by default). */
  public EncryptedColumn withStorage(ColumnStorage newStorage) {
    return new EncryptedColumn(table, column, spec, rowIdColumn, blindIndexColumn, newStorage);
  }

  public String table() {
    return table;
  }

  public String column() {
    return column;
  }

  public FieldSpec<?> spec() {
    return spec;
  }

  public EncryptionMode mode() {
    return spec.mode();
  }

  /** The column holding the row id the values are bound to, or null when not row-bound. */
  public String rowIdColumn() {
    return rowIdColumn;
  }

  /** The column holding the blind index, or null when there is none. */
  public String blindIndexColumn() {
    return blindIndexColumn;
  }

  public ColumnStorage storage() {
    return storage;
  }

  /** {@code table.column}, for messages. */
  public String qualifiedName() {
    return table + "." + column;
  }

  @Override
  public String toString() {
    return "EncryptedColumn{" + qualifiedName() + ", " + spec + ", " + storage
        + (rowIdColumn == null ? "" : ", row id " + rowIdColumn)
        + (blindIndexColumn == null ? "" : ", blind index " + blindIndexColumn) + "}";
  }

  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String requireIdentifier(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new VaultConfigurationException("An encrypted column's " + what + " must be a non-blank name");
    }
    if (name.indexOf('"') >= 0 || name.indexOf('`') >= 0 || name.indexOf('.') >= 0 || name.trim().length() != name.length()) {
      throw new VaultConfigurationException("An encrypted column's " + what + " must be a plain name without"
          + " quotes, dots or surrounding spaces, not '" + name + "'");
    }
    return name;
  }

  /** Builds an {@link EncryptedColumn}. */
  public static final class Builder<T> {
    private final String table;
    private final String column;
    private final ValueCodec<T> codec;
    private String domain;
    private String field;
    private EncryptionMode mode = EncryptionMode.RANDOMIZED;
    private String rowIdColumn;
    private String blindIndexColumn;
    private int blindIndexLength;
    private Function<T, byte[]> normalizer;
    private int compressAbove = -1;
    private ColumnStorage storage = ColumnStorage.BINARY;

    private Builder(String table, String column, ValueCodec<T> codec) {
      this.table = requireIdentifier(table, "table");
      this.column = requireIdentifier(column, "column");
      this.codec = codec;
    }

    /** The context names (default: the table and the column). */
    public Builder<T> context(String contextDomain, String contextField) {
      this.domain = contextDomain;
      this.field = contextField;
      return this;
    }

    /** Randomized (default) or deterministic (searchable with {@code =} and {@code IN}). */
    public Builder<T> mode(EncryptionMode newMode) {
      this.mode = Objects.requireNonNull(newMode, "mode");
      return this;
    }

    /** Binds every value to its row's id, read from this column of the same table (randomized only). */
    public Builder<T> rowIdColumn(String column) {
      this.rowIdColumn = column;
      return this;
    }

    /** Keeps an exact-match blind index (16 bytes) in this column. */
    public Builder<T> blindIndexColumn(String column) {
      return blindIndexColumn(column, dev.fieldvault.keys.FieldSpec.DEFAULT_BLIND_INDEX_LENGTH,
          dev.fieldvault.keys.Normalizers.exact(codec));
    }

    /** Keeps a blind index of {@code length} bytes of {@code normalizer(value)} in this column. */
    public Builder<T> blindIndexColumn(String column, int length, Function<T, byte[]> normalizer) {
      this.blindIndexColumn = column;
      this.blindIndexLength = length;
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      return this;
    }

    /** Compresses values of at least {@code bytes} bytes when that makes them smaller. */
    public Builder<T> compressAbove(int bytes) {
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
      FieldSpec.Builder<T> b = FieldSpec.builder(domain == null ? table : domain, field == null ? column : field, codec)
          .mode(mode).rowBound(rowIdColumn != null);
      if (compressAbove >= 0) {
        b.compressAbove(compressAbove);
      }
      if (blindIndexColumn != null) {
        b.blindIndex(blindIndexLength, normalizer);
      }
      return new EncryptedColumn(table, column, b.build(), rowIdColumn, blindIndexColumn, storage);
    }
  }
}
