package dev.fieldvault.jdbc;

import java.sql.SQLException;

/**
 * A statement was refused before it reached the database because it would write (or filter) an
 * encrypted column in a way the wrapper cannot map to a bound parameter: a literal, an expression,
 * a plain {@code Statement} with inline values, or SQL the parser does not understand. The message
 * names the column and says how to write the statement instead; it never contains the SQL's values.
 *
 * <p>A {@link SQLException} so that JDBC callers (and Spring's exception translation) handle it
 * like any other statement failure. SQLState {@value #SQL_STATE}.
 */
public final class StatementRefusedException extends SQLException {

  private static final long serialVersionUID = 1L;

  /** The SQLState of a refused statement. */
  public static final String SQL_STATE = "0A000";

  public StatementRefusedException(String message) {
    super(message, SQL_STATE);
  }

  /**
   * A refusal caused by a typed FieldVault error (for example a malformed {@code PreEncrypted} value).
   *
   * @param message what was refused and what to do instead; never a value
   * @param cause the typed error, kept as the cause
   */
  public StatementRefusedException(String message, Throwable cause) {
    super(message, SQL_STATE, cause);
  }
}
