package dev.fieldvault.keys;

/**
 * Computes the {@link EncryptionContext} of a column's value from its row, for values whose context
 * is not simply their {@link dev.fieldvault.keys.FieldSpec}'s domain and field with the table's
 * tenant column and single-column primary key: a row id made of a composite key, a domain that
 * depends on a column, a tenant looked up elsewhere. The rewrapper and the key inventory use it to
 * decide whether a value is on the primary key (with the returned context's tenant keyring) and
 * to re-encrypt it in the same context. Set it with {@link EncryptedColumn.Builder#rowContext}.
 *
 * <pre>{@code
 * // documents(tenant_id, doc_no) with a body bound to "tenant_id/doc_no" and a revision column
 * EncryptedColumn body = EncryptedColumn.builder("documents", "body", bodySpec)
 *     .rowContext(row -> EncryptionContext.of("Document", "body", "t" + row.getLong("tenant_id"),
 *         row.getString("doc_no") + "@" + row.getLong("revision")), "tenant_id", "doc_no", "revision")
 *     .build();
 * }</pre>
 *
 * <p>The row offers the columns the row context names ({@link EncryptedColumn#contextColumns()}),
 * the table's key columns and its tenant column, never an encrypted column. It is
 * called once per value and row, from the rewrapper's threads: keep it fast and thread-safe. An
 * exception it throws marks that value as failed (left as it is, counted in {@code rowsFailed}).
 * A column with a row context cannot have a blind-index column.
 */
@FunctionalInterface
public interface RowContext {

  /** The context the value of this column was encrypted in, for this row. */
  EncryptionContext context(Row row);

  /**
   * Read-only values of one row. Values are normalised: integral numbers are {@link Long},
   * character values {@link String}, UUIDs {@link java.util.UUID}; other types as the driver
   * returns them.
   */
  interface Row {

    /**
     * The value of a key, tenant or context column (case-insensitive name), or null for SQL NULL.
     *
     * @throws VaultConfigurationException if the table does not declare that column as a key,
     *     tenant or context column
     */
    Object get(String column);

    /** {@link #get} as text (its {@code toString()}), or null. */
    default String getString(String column) {
      Object v = get(column);
      return v == null ? null : v.toString();
    }

    /**
     * {@link #get} of an integral column.
     *
     * @throws VaultConfigurationException if it is NULL or not integral
     */
    default long getLong(String column) {
      Object v = get(column);
      if (!(v instanceof Long)) {
        throw new VaultConfigurationException("Column " + column + " is " + (v == null ? "NULL" : "not integral")
            + " in a row: getLong reads non-null integral columns only");
      }
      return (Long) v;
    }
  }
}
