package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.jdbc.ColumnStorage;
import java.util.Objects;

/**
 * One encrypted column of a table: its name, the {@link FieldSpec} its values are written with
 * (mode, context domain and field, row binding, compression, blind-index length and
 * normalisation), how it stores ciphertext, and its blind-index column if it has one. Immutable.
 *
 * <p>This is exactly what an {@code @Encrypted} attribute of a mapping model describes, so a list
 * of these can be produced from a Hibernate SessionFactory as well as declared by hand.
 */
public final class EncryptedColumn {

  private final String column;
  private final FieldSpec<?> spec;
  private final ColumnStorage storage;
  private final String blindIndexColumn;
  private final ColumnStorage blindIndexStorage;
  private final RowContext rowContext;

  private EncryptedColumn(String column, FieldSpec<?> spec, ColumnStorage storage, String blindIndexColumn,
      ColumnStorage blindIndexStorage, RowContext rowContext) {
    this.column = EncryptedTable.requireIdentifier(column, "column");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.blindIndexColumn = blindIndexColumn == null ? null
        : EncryptedTable.requireIdentifier(blindIndexColumn, "blind index column");
    this.blindIndexStorage = Objects.requireNonNull(blindIndexStorage, "blindIndexStorage");
    this.rowContext = rowContext;
    if (blindIndexColumn != null && rowContext != null) {
      throw new VaultConfigurationException("Column " + column + " has both a blind index column (" + blindIndexColumn
          + ") and a row context: a blind index is computed in the field spec's context, so declare the column"
          + " without withRowContext(...), or without the blind index");
    }
    if (blindIndexColumn != null && spec.blindIndexLength() == 0) {
      throw new VaultConfigurationException("Column " + column + " declares blind index column " + blindIndexColumn
          + " but its field spec " + spec + " has no blind index: add .blindIndex() to the spec");
    }
  }

  /** A binary column holding values written with {@code spec}. */
  public static EncryptedColumn binary(String column, FieldSpec<?> spec) {
    return new EncryptedColumn(column, spec, ColumnStorage.BINARY, null, ColumnStorage.BINARY, null);
  }

  /** A text column holding base64 values written with {@code spec}. */
  public static EncryptedColumn text(String column, FieldSpec<?> spec) {
    return new EncryptedColumn(column, spec, ColumnStorage.TEXT, null, ColumnStorage.BINARY, null);
  }

  /** This column with a binary blind-index column (the spec must have a blind index). */
  public EncryptedColumn withBlindIndex(String blindIndexColumn) {
    return new EncryptedColumn(column, spec, storage, blindIndexColumn, ColumnStorage.BINARY, rowContext);
  }

  /** This column with a blind-index column of the given storage. */
  public EncryptedColumn withBlindIndex(String blindIndexColumn, ColumnStorage blindIndexStorage) {
    return new EncryptedColumn(column, spec, storage, blindIndexColumn, blindIndexStorage, rowContext);
  }

  /**
   * This column with its values' context computed from their row (see {@link RowContext}) instead
   * of from the spec's domain and field, the tenant column and the primary key. The spec still
   * names the keyset (its mode) the values use. Not with a blind index.
   */
  public EncryptedColumn withRowContext(RowContext context) {
    return new EncryptedColumn(column, spec, storage, blindIndexColumn, blindIndexStorage,
        Objects.requireNonNull(context, "context"));
  }

  public String column() {
    return column;
  }

  public FieldSpec<?> spec() {
    return spec;
  }

  public ColumnStorage storage() {
    return storage;
  }

  /** The blind-index column, or null. */
  public String blindIndexColumn() {
    return blindIndexColumn;
  }

  public ColumnStorage blindIndexStorage() {
    return blindIndexStorage;
  }

  /** The row context computing each value's context, or null when the spec's context is used. */
  public RowContext rowContext() {
    return rowContext;
  }

  @Override
  public String toString() {
    return column + "(" + storage + ", " + spec + (blindIndexColumn == null ? "" : ", blind index " + blindIndexColumn)
        + (rowContext == null ? "" : ", row context") + ")";
  }
}
