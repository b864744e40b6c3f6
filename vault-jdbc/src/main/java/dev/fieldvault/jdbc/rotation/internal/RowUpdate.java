package dev.fieldvault.jdbc.rotation.internal;

import java.util.List;

/**
 * One row's rewrapped values: its key, the mask of the columns to write, the values as read
 * (value, blind index per column: the compare-and-set operands), the new values and blind indexes,
 * and, when compare-and-set matches text exactly ({@link CasWriter#exactText}), the exact operand per
 * column (else null).
 */
record RowUpdate(List<Object> key, int mask, Object[] old, Object[] values, Object[] blindIndexes, Object[] exact) {

  /** The compare-and-set operand of column {@code k}. */
  Object operand(int k) {
    return exact != null && exact[k] != null ? exact[k] : old[2 * k];
  }
}
