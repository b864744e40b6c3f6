package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.EncryptedProcedure;
import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.keys.EncryptedColumn;
import java.util.Set;

/**
 * A statement {@link SqlAnalyzer} refuses, thrown out of its walk, and every refusal message of the
 * analysis, in one place: users read them as API, and a reviewer checks here that each says what to
 * do instead and names tables, columns, procedures and parameter positions only, never a value from
 * the SQL. The factories that return a {@link StatementPlan} are refusals decided before the walk.
 */
final class SqlRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How to write an encrypted column's value instead. */
  static final String HOW_TO_WRITE = "bind it as a ? parameter (setObject/setString/...) of a"
      + " PreparedStatement, or bind an already encrypted value with PreEncrypted.of(...)";

  SqlRefusal(String message) {
    super(message, null, false, false);
  }

  // ------------------------------------------------------------------------------------------
  // Before the walk: statements FieldVault cannot see into

  /** SQL text run as a string or a procedural block (what it is, as {@link SqlText#dynamicSql} names it). */
  static StatementPlan dynamicSql(String dynamic) {
    return StatementPlan.refused("The statement runs SQL text or a procedural block that FieldVault cannot see ("
        + dynamic + "), which could write or search an encrypted column in plaintext; it was not sent."
        + " Write the statement itself with ? parameters, or run it on"
        + " EncryptingDataSource.unencryptedDataSource() with values encrypted by FieldEncryptor");
  }

  /** More than one statement (or no certain split) that mentions a table with encrypted columns (or a call). */
  static StatementPlan manyStatements(String mentioned) {
    return StatementPlan.refused("The SQL string holds more than one statement (or cannot be split into"
        + " statements with certainty) and mentions " + (mentioned != null ? "table " + mentioned
        + ", which has encrypted columns" : "a procedure call") + "; it was not sent. Run one statement per"
        + " execute/prepareStatement call");
  }

  static StatementPlan unicodeEscapedName() {
    return StatementPlan.refused("The statement spells a name with Unicode escapes (U&\"...\"), so FieldVault"
        + " cannot tell whether it names a table with encrypted columns; it was not sent. Write names plainly");
  }

  static StatementPlan executableComment(String mentioned) {
    return StatementPlan.refused("The statement mentions table " + mentioned + ", which has encrypted columns,"
        + " and holds a comment that MariaDB and MySQL execute (/*! ... */ or /*M! ... */), which FieldVault"
        + " cannot analyse; it was not sent. Write the statement without it");
  }

  static StatementPlan cannotParse(String mentioned) {
    return StatementPlan.refused("FieldVault cannot parse a statement that mentions table " + mentioned
        + ", which has encrypted columns, so it cannot tell which values to encrypt; it was not sent."
        + " Write it as a plain SELECT/INSERT/UPDATE/DELETE with ? parameters, or run it on"
        + " EncryptingDataSource.unencryptedDataSource() with values encrypted by FieldEncryptor");
  }

  static StatementPlan cannotParseCall() {
    return StatementPlan.refused("FieldVault cannot parse this procedure call, so it cannot tell which of its"
        + " arguments to encrypt; it was not sent. Write it as CALL procedure(?, ...) or {call procedure(?, ...)}");
  }

  static StatementPlan undeclaredProcedure(String name) {
    return StatementPlan.refused("Procedure " + name + " is called with arguments, but it is not declared to"
        + " FieldVault, which cannot see whether its body writes or searches an encrypted column; it was not sent."
        + " Declare it with EncryptedColumns.builder().procedure(EncryptedProcedure.builder(\"" + name + "\")"
        + "...), naming its encrypted parameters (none, if it takes no value of an encrypted column)");
  }

  static StatementPlan cannotAnalyseCall(String name) {
    return StatementPlan.refused("FieldVault cannot analyse the arguments of the call of procedure " + name
        + "; it was not sent. Pass each argument as a ? parameter");
  }

  /** A statement of a kind the walk does not analyse (EXPLAIN, SET, COPY, LOAD DATA, a vendor statement). */
  static SqlRefusal notAnalysed(String kind, String mentioned) {
    return new SqlRefusal("FieldVault does not analyse " + kind + " statements, and this one"
        + " mentions table " + mentioned + ", which has encrypted columns; it was not sent. Run it on"
        + " EncryptingDataSource.unencryptedDataSource() if it carries no plaintext of an encrypted column");
  }

  // ------------------------------------------------------------------------------------------
  // Parameters

  static SqlRefusal numberedParameter(EncryptedColumn column) {
    return new SqlRefusal("Numbered parameters (?1) next to encrypted column " + column.qualifiedName()
        + " are not supported: use plain ? parameters");
  }

  static SqlRefusal parameterTwice(int index, ParamTarget old, ParamTarget now) {
    return new SqlRefusal("Parameter " + index + " is used for both " + old + " and " + now);
  }

  static SqlRefusal numberedCallParameter(String procedure) {
    return new SqlRefusal("Numbered parameters (?1) in the call of procedure " + procedure
        + " are not supported: use plain ? parameters");
  }

  static SqlRefusal inlineCallArgument(int position, String procedure, EncryptedProcedure.Parameter declared) {
    return new SqlRefusal("Argument " + position + " of procedure " + procedure + " is declared encrypted ("
        + (declared.blindIndex() ? "the blind index of " : "") + declared.column().qualifiedName()
        + ") but is given as an inline value or expression, which would send a plaintext; it was not sent."
        + " Pass it as a ? parameter");
  }

  static SqlRefusal callSearches() {
    return new SqlRefusal("A procedure call searches an encrypted column in an argument; FieldVault cannot rewrite"
        + " it for a key rotation; it was not sent. Pass the value as a ? parameter");
  }

  /** A search that cannot be widened to every readable key. */
  static SqlRefusal cannotRewrite(String column) {
    return new SqlRefusal("FieldVault cannot rewrite the search on " + column + " so that it also matches values"
        + " under older keys during a key rotation; it was not sent. Compare the column itself with = ?, <> ?,"
        + " IN (?, ...) or NOT IN (?, ...)");
  }

  // ------------------------------------------------------------------------------------------
  // Writes (INSERT, UPDATE, upserts)

  static SqlRefusal upsert(String what, String table) {
    return new SqlRefusal(what + " into table " + table + ", which has encrypted columns, is not supported:"
        + " use INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE, or an UPDATE, with ? parameters");
  }

  static SqlRefusal insertSet(String table) {
    return new SqlRefusal("INSERT ... SET into table " + table + ", which has encrypted columns, is not"
        + " supported: write INSERT INTO " + table + " (columns) VALUES (?, ...)");
  }

  static SqlRefusal insertWithoutColumns(String table, Set<String> encrypted) {
    return new SqlRefusal("An INSERT into table " + table + ", which has encrypted columns "
        + encrypted + ", must name its columns: INSERT INTO " + table
        + " (column, ...) VALUES (?, ...)");
  }

  static SqlRefusal insertSetOperation(String table) {
    return new SqlRefusal("INSERT ... SELECT with a set operation into encrypted columns of table " + table
        + " cannot be mapped: insert the rows with INSERT ... VALUES (?, ...) instead");
  }

  static SqlRefusal insertWidth(String table, int columns, int values) {
    return new SqlRefusal("An INSERT into table " + table + " names " + columns + " columns but gives "
        + values + " values: FieldVault cannot tell which value goes to which encrypted column");
  }

  static SqlRefusal insertSelectStar(String table) {
    return new SqlRefusal("INSERT ... SELECT * into encrypted columns of table " + table + " cannot be"
        + " mapped: name the selected columns");
  }

  static SqlRefusal insertSelectWidth(String table, int columns, int selected) {
    return new SqlRefusal("An INSERT ... SELECT into table " + table + " names " + columns
        + " columns but selects " + selected + ": FieldVault cannot map its encrypted columns");
  }

  static SqlRefusal insertSelectValue(EncryptedColumn enc) {
    return new SqlRefusal("INSERT ... SELECT writes encrypted column " + enc.qualifiedName() + " from a value"
        + " it cannot map" + (enc.rowIdColumn() != null ? " (the column is bound to its row's id)" : "")
        + ": select a ? parameter, or a column encrypted with the same context, or insert with VALUES");
  }

  static SqlRefusal insertSelectBlindIndex(EncryptedColumn owner) {
    return new SqlRefusal("INSERT ... SELECT writes blind-index column " + owner.table() + "."
        + owner.blindIndexColumn() + " from a value it cannot map: select a ? parameter or the blind"
        + " index of a column with the same context");
  }

  /** An encrypted column written from an inline value or expression. */
  static SqlRefusal literal(String what, EncryptedColumn enc) {
    return new SqlRefusal("A " + what + " writes encrypted column " + enc.qualifiedName() + " from an inline value or"
        + " expression, which would store or send a plaintext; it was not sent. Instead, " + HOW_TO_WRITE);
  }

  static SqlRefusal rowValueAssignment(String what, String table) {
    return new SqlRefusal("A " + what + " sets encrypted columns of table " + table + " from a row value or"
        + " subquery: set each encrypted column to its own ? parameter");
  }

  static SqlRefusal rowIdNotWritten(EncryptedColumn enc) {
    return new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id in column "
        + enc.rowIdColumn() + ": an INSERT of it must also write " + enc.rowIdColumn() + " (use an assigned"
        + " id, a UUID or a sequence value fetched first, not an identity column)");
  }

  static SqlRefusal rowIdExpression(EncryptedColumn enc) {
    return new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id, but the"
        + " statement gives " + enc.rowIdColumn() + " as an expression: bind the id as a ? parameter");
  }

  static SqlRefusal rowIdNotSelected(EncryptedColumn enc, String what) {
    return new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id: a "
        + what + " of it must select one row with WHERE " + enc.rowIdColumn() + " = ?");
  }

  static SqlRefusal rowIdChanged(String what, String table, EncryptedColumn enc) {
    return new SqlRefusal("A " + what + " changes column " + enc.rowIdColumn() + " of table " + table
        + ", the row id that the values of encrypted column " + enc.qualifiedName() + " are bound to;"
        + " they could no longer be decrypted, so it was not sent. To give a row another id, insert it"
        + " again under the new id (re-encrypting its row-bound values) and delete the old row");
  }

  static SqlRefusal blindIndexInline(String what, EncryptedColumn owner) {
    return new SqlRefusal("A " + what + " writes blind-index column " + owner.table() + "."
        + owner.blindIndexColumn() + " of encrypted column " + owner.qualifiedName() + " from an inline"
        + " value or expression: bind the plaintext of " + owner.column() + " to it as a ? parameter;"
        + " FieldVault stores its blind index");
  }

  static SqlRefusal blindIndexNotWritten(String what, EncryptedColumn enc) {
    return new SqlRefusal("This " + what + " writes encrypted column " + enc.qualifiedName() + " but not its"
        + " blind-index column " + enc.blindIndexColumn() + ", which would then be stale: also write "
        + enc.blindIndexColumn() + " = ? and bind the same plaintext value to it");
  }

  static SqlRefusal blindIndexWithoutColumn(String what, EncryptedColumn owner) {
    return new SqlRefusal("This " + what + " writes blind-index column " + owner.blindIndexColumn() + " of "
        + owner.qualifiedName() + " without the column itself; FieldVault fills the blind index from the"
        + " column's value, so that it never goes stale: write " + owner.column() + " = ? together with it");
  }

  static SqlRefusal blindIndexFromOtherValue(String what, EncryptedColumn owner) {
    return new SqlRefusal("This " + what + " writes encrypted column " + owner.qualifiedName() + " and its"
        + " blind-index column " + owner.blindIndexColumn() + " from different kinds of values; FieldVault"
        + " fills the blind index from the column's value: give both a ? parameter (bound to the same"
        + " value), or both NULL");
  }

  // ------------------------------------------------------------------------------------------
  // The select list

  static SqlRefusal computedAssignment(String what, String table, String column, EncryptedColumn cipher) {
    return new SqlRefusal(what + " on " + table + " assigns to column " + column + " an expression of encrypted column "
        + cipher.qualifiedName() + " (arithmetic, a function, CASE, ... of it), which the database would compute on"
        + " the ciphertext, not the value; it was not sent. Read the value, compute in the application and write"
        + " the result");
  }

  static SqlRefusal selectListExpression(EncryptedColumn cipher) {
    return new SqlRefusal("The select list reads an expression of encrypted column " + cipher.qualifiedName()
        + " (a function, CASE, COALESCE, MAX, ... of it, or a subquery selecting it), whose result would be"
        + " the ciphertext, not the value; it was not sent. Select the column itself (an alias is fine)"
        + " and compute on the decrypted value");
  }

  /** Result columns are matched by label: one label for two columns would decrypt the wrong one. */
  static SqlRefusal ambiguousLabel(String label, EncryptedColumn column) {
    return new SqlRefusal("The result column label " + label + " is used for encrypted column "
        + column.qualifiedName() + " and for another column of the same query, so FieldVault cannot tell which"
        + " one to decrypt; it was not sent. Give them different aliases (AS ...)");
  }

  // ------------------------------------------------------------------------------------------
  // Conditions

  static SqlRefusal randomizedSearch(EncryptedColumn column) {
    return new SqlRefusal("Encrypted column " + column.qualifiedName() + " is randomized, so it cannot be"
        + " compared with a value" + (column.blindIndexColumn() != null ? ": compare its blind-index"
        + " column " + column.blindIndexColumn() + " = ? with the plaintext bound instead"
        : ": make it deterministic, or give it a blind-index column, to search it"));
  }

  /** A column compared with a derived table's or CTE's column, which could carry a {@code ?}. */
  static SqlRefusal derivedColumnComparison(Resolved col) {
    return new SqlRefusal("A condition compares " + (col.blindIndex ? "blind-index column "
        + col.column.table() + "." + col.column.blindIndexColumn() : "encrypted column "
        + col.column.qualifiedName()) + " with a column of a derived table or CTE that is not the same"
        + " encrypted column, which could carry a plaintext; it was not sent. Compare the column itself"
        + " with = ? or IN (?, ...)");
  }

  static SqlRefusal inlineComparison(Resolved col) {
    return new SqlRefusal("A condition compares " + (col.blindIndex ? "blind-index column "
        + col.column.table() + "." + col.column.blindIndexColumn() : "encrypted column "
        + col.column.qualifiedName()) + " with an inline value or expression, which would put a"
        + " plaintext in the SQL: " + HOW_TO_WRITE);
  }

  /** A value or expression compared with an encrypted column that an IN list holds or a subquery selects. */
  static SqlRefusal comparedWithValue(Resolved col, String what) {
    return new SqlRefusal(what + " " + (col.blindIndex ? "blind-index column " + col.column.table() + "."
        + col.column.blindIndexColumn() + " of " + col.column.qualifiedName() : "encrypted column "
        + col.column.qualifiedName()) + " and compares it with a value or expression, which would reach the"
        + " database as a plaintext; it was not sent. Compare the column itself: column = ? or"
        + " column IN (?, ...)");
  }

  static SqlRefusal computedCondition(EncryptedColumn inside) {
    return new SqlRefusal("A condition computes on encrypted column " + inside.qualifiedName() + " (a function"
        + " or expression of it); the database only sees its ciphertext. Compare the column itself with"
        + " = ? or IN (?, ...)");
  }

  static SqlRefusal range(String what, EncryptedColumn c) {
    return new SqlRefusal(what + " on encrypted column " + c.qualifiedName() + " is not possible: the database"
        + " holds ciphertext. Only = and IN on deterministic or blind-indexed columns can be searched;"
        + " filter other conditions after reading");
  }

  static SqlRefusal unmappedParameter(EncryptedColumn inside) {
    return new SqlRefusal("A ? parameter meets encrypted column " + inside.qualifiedName() + " in a subquery,"
        + " function or expression that FieldVault cannot map, so its value would reach the database as a"
        + " plaintext; it was not sent. Compare the column itself: column = ? or column IN (?, ...)");
  }
}
