package dev.fieldvault.jdbc.internal;

/**
 * A statement {@link SqlAnalyzer} refuses, thrown out of its walk, and the refusal messages shared
 * by its parts. A message names tables and columns only, never a value from the SQL.
 */
final class SqlRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How to write an encrypted column's value instead. */
  static final String HOW_TO_WRITE = "bind it as a ? parameter (setObject/setString/...) of a"
      + " PreparedStatement, or bind an already encrypted value with PreEncrypted.of(...)";

  SqlRefusal(String message) {
    super(message, null, false, false);
  }

  static StatementPlan cannotParse(String mentioned) {
    return StatementPlan.refused("FieldVault cannot parse a statement that mentions table " + mentioned
        + ", which has encrypted columns, so it cannot tell which values to encrypt; it was not sent."
        + " Write it as a plain SELECT/INSERT/UPDATE/DELETE with ? parameters, or run it on"
        + " EncryptingDataSource.unencryptedDataSource() with values encrypted by FieldEncryptor");
  }

  static SqlRefusal cannotRewrite(String column) {
    return new SqlRefusal("FieldVault cannot rewrite the search on " + column + " so that it also matches values"
        + " under older keys during a key rotation; it was not sent. Compare the column itself with = ?, <> ?,"
        + " IN (?, ...) or NOT IN (?, ...)");
  }
}
