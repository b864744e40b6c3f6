package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.tableName;
import static dev.fieldvault.jdbc.internal.SqlNames.unparen;

import dev.fieldvault.jdbc.EncryptedProcedure;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.CreateFunctionalStatement;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SavepointStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * The state of one analysis of one parsed statement: the parameter targets and result columns found
 * so far, and the search edits, with the parts of the walk that add to them — {@link SqlWrites}
 * (the write rules), {@link SqlSelects} (queries and their scopes, with {@link SqlProjection} for
 * select lists) and {@link SqlConditions} (conditions and searches). A walk that meets something it
 * must refuse throws {@link SqlRefusal}. Used once, by one thread.
 */
final class SqlAnalysis {

  /** Packages of JSqlParser statements that define or inspect schema objects and carry no row value. */
  private static final List<String> DEFINITION_PACKAGES = List.of("create.table", "create.index", "create.view",
      "create.sequence", "create.schema", "create.synonym", "create.function", "create.procedure", "alter",
      "alter.sequence", "drop", "truncate", "comment", "grant", "analyze", "refresh", "lock");

  final SqlColumns columns;
  /** A table with encrypted columns that the SQL mentions (null for a procedure call). */
  final String mentioned;
  final TreeMap<Integer, ParamTarget> params = new TreeMap<>();
  final SearchEdits searches;
  Map<String, ReadColumn> read = Map.of();
  Map<String, ReadColumn> generatedKeys = Map.of();

  final SqlWrites writes;
  final SqlSelects selects;
  final SqlProjection projection;
  final SqlConditions conditions;

  /**
   * @param sql the SQL text, to rewrite searches in; null when they are not rewritten
   * @param mentioned a table with encrypted columns that the SQL mentions
   */
  SqlAnalysis(SqlColumns columns, String sql, String mentioned) {
    this.columns = columns;
    this.searches = new SearchEdits(sql);
    this.mentioned = mentioned;
    // after the fields above: the parts read them when they are made
    this.writes = new SqlWrites(this);
    this.selects = new SqlSelects(this);
    this.projection = new SqlProjection(this);
    this.conditions = new SqlConditions(this);
  }

  /** Maps a {@code ?} to what the wrapper does with it; refuses numbered parameters and one {@code ?} in two roles. */
  void target(JdbcParameter p, ParamTarget t) {
    if (p.isUseFixedIndex() || p.getIndex() == null) {
      throw SqlRefusal.numberedParameter(t.column);
    }
    ParamTarget old = params.put(p.getIndex(), t);
    if (old != null && !(old.kind == t.kind && old.column == t.column)) {
      throw SqlRefusal.parameterTwice(p.getIndex(), old, t);
    }
  }

  void statement(Statement st) {
    if (st instanceof Insert) {
      writes.insert((Insert) st);
    } else if (st instanceof Update) {
      writes.update((Update) st);
    } else if (st instanceof Delete) {
      writes.delete((Delete) st);
    } else if (st instanceof Select) {
      read = selects.select((Select) st, null);
    } else if (st instanceof Merge) {
      writes.refuseUpsert(tableName(((Merge) st).getTable()), "MERGE");
    } else if (st instanceof Upsert) {
      writes.refuseUpsert(tableName(((Upsert) st).getTable()), "UPSERT/REPLACE");
    } else if (st instanceof CreateTable && ((CreateTable) st).getSelect() != null) {
      selects.select(((CreateTable) st).getSelect(), null);
    } else if (st instanceof CreateView) {
      selects.select(((CreateView) st).getSelect(), null);
    } else if (st instanceof AlterView) {
      selects.select(((AlterView) st).getSelect(), null);
    } else if (!isDefinition(st)) {
      // EXPLAIN, SET, COPY, LOAD DATA, a vendor statement: what it does with a value is unknown
      throw SqlRefusal.notAnalysed(st.getClass().getSimpleName(), mentioned);
    }
  }

  /** DDL and other statements that carry no row value: they pass through. */
  private static boolean isDefinition(Statement st) {
    String pkg = st.getClass().getPackageName();
    for (String ddl : DEFINITION_PACKAGES) {
      if (pkg.equals("net.sf.jsqlparser.statement." + ddl)) {
        return true;
      }
    }
    return st instanceof DescribeStatement || st instanceof ShowStatement || st instanceof ShowColumnsStatement
        || st instanceof CreateFunctionalStatement || st instanceof Commit || st instanceof SavepointStatement
        || st instanceof RollbackStatement;
  }

  /** The arguments of a declared procedure: its encrypted parameters must be ? (or NULL). */
  void call(EncryptedProcedure proc, List<Expression> args, int shift) {
    SqlScope scope = new SqlScope(null, new HashMap<>());
    for (int j = 0; j < args.size(); j++) {
      Expression e = unparen(args.get(j));
      EncryptedProcedure.Parameter declared = proc.parameter(j + 1).orElse(null);
      if (declared == null) {
        conditions.condition(e, scope);
        continue;
      }
      if (e instanceof JdbcParameter) {
        JdbcParameter p = (JdbcParameter) e;
        if (p.isUseFixedIndex() || p.getIndex() == null) {
          throw SqlRefusal.numberedCallParameter(proc.name());
        }
        params.put(p.getIndex() + shift, ParamTarget.of(declared.blindIndex() ? ParamTarget.Kind.BLIND_INDEX
            : ParamTarget.Kind.VALUE, declared.column()));
      } else if (!(e instanceof NullValue)) {
        throw SqlRefusal.inlineCallArgument(j + 1, proc.name(), declared);
      }
    }
    Map<String, ReadColumn> results = new LinkedHashMap<>();
    proc.results().forEach((label, column) -> results.put(label, new ReadColumn(column, null)));
    read = results;
  }

  StatementPlan toPlan() {
    if (params.isEmpty() && read.isEmpty() && generatedKeys.isEmpty()) {
      return StatementPlan.PASS_THROUGH;
    }
    return new StatementPlan(null, paramArray(), Map.copyOf(read), Map.copyOf(generatedKeys),
        searches.toExpansion(params));
  }

  StatementPlan toCallPlan() {
    if (!searches.isEmpty()) {
      throw SqlRefusal.callSearches();
    }
    return new StatementPlan(null, paramArray(), Map.copyOf(read), Map.of(), null, true);
  }

  private ParamTarget[] paramArray() {
    ParamTarget[] array = new ParamTarget[params.isEmpty() ? 0 : params.lastKey() + 1];
    params.forEach((i, t) -> array[i] = t);
    return array;
  }
}
