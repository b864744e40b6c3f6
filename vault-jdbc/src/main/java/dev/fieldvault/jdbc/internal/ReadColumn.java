package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.EncryptedColumn;

/**
 * An encrypted column as a query exposes it: the column, and the lower-case label under which the
 * same query exposes its row id (null when the column is not row-bound or the query omits the id).
 */
final class ReadColumn {
  final EncryptedColumn column;
  final String rowIdLabel;

  ReadColumn(EncryptedColumn column, String rowIdLabel) {
    this.column = column;
    this.rowIdLabel = rowIdLabel;
  }

  @Override
  public String toString() {
    return column.qualifiedName() + (rowIdLabel == null ? "" : " (row id " + rowIdLabel + ")");
  }
}
