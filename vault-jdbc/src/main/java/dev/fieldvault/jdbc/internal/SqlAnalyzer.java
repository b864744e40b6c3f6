package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.unquote;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptedProcedure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.execute.Execute;

/**
 * Works out a {@link StatementPlan} for one SQL string with JSqlParser: which parameters are
 * values of, or searches on, encrypted and blind-index columns, which result columns hold
 * encrypted values, and whether the statement must be refused because it would put an encrypted
 * column's value in the SQL text or in a place the wrapper cannot map. Thread-safe (stateless).
 *
 * <p>This class decides what to analyse (one statement, not dynamic SQL, mentioning a table with
 * encrypted columns, or a procedure call) and checks the search expansion; the walk of a parsed
 * statement is one {@link SqlAnalysis}, in parts along its seams: the names in scope
 * ({@link SqlScope}, resolved by {@link SqlColumns}), the write rules ({@link SqlWrites}), queries
 * ({@link SqlSelects}) and their select lists ({@link SqlProjection}), conditions and searches
 * ({@link SqlConditions}, {@link SearchEdits}), and the refusal messages ({@link SqlRefusal}).
 *
 * <p>Searches ({@code =}, {@code <>}, {@code IN}, {@code NOT IN} on deterministic and blind-index
 * columns) also get a {@link SearchExpansion}, so that during a key rotation they match a value
 * under every readable key; the expansion is checked by analysing the rewritten SQL again, and a
 * search that cannot be rewritten safely is refused.
 *
 * <p>Refusal messages name tables and columns only, never a value from the SQL.
 */
final class SqlAnalyzer {

  private final SqlColumns columns;

  SqlAnalyzer(EncryptedColumns columns) {
    this.columns = new SqlColumns(columns);
  }

  StatementPlan analyze(String sql) {
    StatementPlan plan = analyze(sql, true);
    return plan.search == null ? plan : checkedExpansion(plan);
  }

  private StatementPlan analyze(String sql, boolean expandSearches) {
    String dynamic = SqlText.dynamicSql(sql);
    if (dynamic != null) {
      return SqlRefusal.dynamicSql(dynamic);
    }
    String single = SqlText.single(sql);
    String mentioned = columns.mentionedTable(sql);
    if (single == null) {
      if (mentioned != null || SqlText.hasCall(sql) || SqlText.hasExecutableComment(sql)) {
        return SqlRefusal.manyStatements(mentioned);
      }
      return StatementPlan.PASS_THROUGH;
    }
    if (mentioned == null && SqlText.hasUnicodeEscapedName(sql)) {
      return SqlRefusal.unicodeEscapedName();
    }
    SqlText.Call call = SqlText.call(single);
    if (call != null) {
      return procedureCall(call);
    }
    if (mentioned == null) {
      return StatementPlan.PASS_THROUGH;
    }
    if (SqlText.hasExecutableComment(sql)) {
      return SqlRefusal.executableComment(mentioned);
    }
    Statement statement;
    try {
      statement = CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException | RuntimeException e) {
      return SqlRefusal.cannotParse(mentioned);
    }
    SqlAnalysis a = new SqlAnalysis(columns, expandSearches ? sql : null, mentioned);
    try {
      a.statement(statement);
      return a.toPlan();
    } catch (SqlRefusal r) {
      return StatementPlan.refused(r.getMessage());
    } catch (RuntimeException e) {
      // a tree the walk does not expect (JSqlParser 5.4 reads "DELETE FROM WHERE ..." as a DELETE of no
      // table): what it would do with the values is unknown, so it is refused like unparseable SQL
      return SqlRefusal.cannotParse(mentioned);
    }
  }

  /**
   * A procedure call ({@code CALL p(...)}, {@code {call p(...)}}, {@code {? = call p(...)}}): the
   * procedure's body is invisible, so a call that passes arguments runs only when the procedure is
   * declared; then its declared parameters are encrypted and its declared result columns decrypted.
   */
  private StatementPlan procedureCall(SqlText.Call call) {
    Statement statement;
    try {
      statement = CCJSqlParserUtil.parse(call.sql);
    } catch (JSQLParserException | RuntimeException e) {
      statement = null;
    }
    if (!(statement instanceof Execute) || ((Execute) statement).getName() == null) {
      return SqlRefusal.cannotParseCall();
    }
    Execute ex = (Execute) statement;
    String name = unquote(ex.getName());
    List<Expression> args = new ArrayList<>();
    if (ex.getExprList() != null) {
      for (Object o : ex.getExprList()) {
        args.add((Expression) o);
      }
    }
    if (name.equals("next value for") && args.size() == 1 && args.get(0) instanceof Column) {
      return StatementPlan.CALL; // H2's CALL NEXT VALUE FOR sequence
    }
    EncryptedProcedure proc = columns.procedure(name).orElse(null);
    if (proc == null) {
      // no argument list the parser saw, and nothing that could be a value either
      if (args.isEmpty() && call.sql.indexOf('?') < 0 && call.sql.indexOf('\'') < 0 && call.sql.indexOf('$') < 0) {
        return StatementPlan.CALL;
      }
      return SqlRefusal.undeclaredProcedure(name);
    }
    SqlAnalysis a = new SqlAnalysis(columns, null, null);
    try {
      a.call(proc, args, call.returnsParameter ? 1 : 0);
      return a.toCallPlan();
    } catch (SqlRefusal r) {
      return StatementPlan.refused(r.getMessage());
    } catch (RuntimeException e) {
      return SqlRefusal.cannotAnalyseCall(name);
    }
  }

  /**
   * The plan, if its SQL rewritten for two key versions analyses to the same targets at the
   * rewritten parameter positions (each searched parameter twice); else a refusal: a search must
   * never silently match the primary key's value only.
   */
  private StatementPlan checkedExpansion(StatementPlan plan) {
    SearchExpansion.Expanded two = plan.search.expand(2);
    StatementPlan again = analyze(two.sql, false);
    boolean same = again.refusal == null;
    int expected = 0;
    for (int i = 1; same && i < plan.params.length; i++) {
      ParamTarget t = plan.params[i];
      for (int slot = 0; t != null && slot < (t.searches() ? 2 : 1); slot++, expected++) {
        int at = two.first(i) + slot;
        ParamTarget u = at < again.params.length ? again.params[at] : null;
        same = same && u != null && u.kind == t.kind && u.column == t.column;
      }
    }
    if (same && Arrays.stream(again.params).filter(Objects::nonNull).count() == expected) {
      return plan;
    }
    return StatementPlan.refused(SqlRefusal.cannotRewrite("an encrypted column").getMessage());
  }
}
