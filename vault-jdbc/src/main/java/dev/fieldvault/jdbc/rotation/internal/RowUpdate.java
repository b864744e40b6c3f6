package dev.fieldvault.jdbc.rotation.internal;

import java.util.List;

/**
 * One row's rewrapped values: its key, the mask of the columns to write, the values as read
 * (value, blind index per column: the compare-and-set operands), the new values and blind indexes.
 */
record RowUpdate(List<Object> key, int mask, Object[] old, Object[] values, Object[] blindIndexes) {}
