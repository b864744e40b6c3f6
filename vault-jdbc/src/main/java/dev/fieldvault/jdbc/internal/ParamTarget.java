package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.EncryptedColumn;

/** What the wrapper does with one bound parameter of a statement. Immutable. */
final class ParamTarget {

  /** The role of a parameter. */
  enum Kind {
    /** A value written to an encrypted column: encrypted for its context (and row). */
    VALUE,
    /** A value compared with a deterministic column: its ciphertext under every readable key. */
    SEARCH,
    /** A value written to a blind-index column: its blind index. */
    BLIND_INDEX,
    /** A value compared with a blind-index column: its blind index under every readable PRF key. */
    BLIND_INDEX_SEARCH,
    /** The row id of a row-bound value: passed through, and remembered to bind that value. */
    ROW_ID
  }

  final Kind kind;
  final EncryptedColumn column;
  /** For a row-bound VALUE: the parameter holding the row id, or 0. */
  final int rowIdParameter;
  /** For a row-bound VALUE: the row id written inline in the SQL, or null. */
  final Object rowIdLiteral;
  /** For a BLIND_INDEX: the parameter holding the encrypted column's value in the same row, or 0. */
  final int valueParameter;

  ParamTarget(Kind kind, EncryptedColumn column, int rowIdParameter, Object rowIdLiteral) {
    this(kind, column, rowIdParameter, rowIdLiteral, 0);
  }

  ParamTarget(Kind kind, EncryptedColumn column, int rowIdParameter, Object rowIdLiteral, int valueParameter) {
    this.kind = kind;
    this.column = column;
    this.rowIdParameter = rowIdParameter;
    this.rowIdLiteral = rowIdLiteral;
    this.valueParameter = valueParameter;
  }

  static ParamTarget of(Kind kind, EncryptedColumn column) {
    return new ParamTarget(kind, column, 0, null);
  }

  /** Whether the parameter searches, and so takes one value per readable key. */
  boolean searches() {
    return kind == Kind.SEARCH || kind == Kind.BLIND_INDEX_SEARCH;
  }

  /** Whether the parameter is bound to a blind-index column (written or searched). */
  boolean blindIndex() {
    return kind == Kind.BLIND_INDEX || kind == Kind.BLIND_INDEX_SEARCH;
  }

  @Override
  public String toString() {
    return kind + "(" + (column == null ? "" : column.qualifiedName())
        + (rowIdParameter > 0 ? ", row id ?" + rowIdParameter : rowIdLiteral != null ? ", row id inline" : "") + ")";
  }
}
