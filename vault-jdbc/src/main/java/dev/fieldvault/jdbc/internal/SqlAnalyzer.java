package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptedProcedure;
import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.jdbc.internal.SqlScope.Source;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.ASTNodeAccess;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
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
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Works out a {@link StatementPlan} for one SQL string with JSqlParser: which parameters are
 * values of, or searches on, encrypted and blind-index columns, which result columns hold
 * encrypted values, and whether the statement must be refused because it would put an encrypted
 * column's value in the SQL text or in a place the wrapper cannot map. Thread-safe (stateless).
 *
 * <p>Searches ({@code =}, {@code <>}, {@code IN}, {@code NOT IN} on deterministic and blind-index
 * columns) also get a {@link SearchExpansion}, so that during a key rotation they match a value
 * under every readable key; the expansion is checked by analysing the rewritten SQL again, and a
 * search that cannot be rewritten safely is refused.
 *
 * <p>SqlRefusal messages name tables and columns only, never a value from the SQL.
 */
final class SqlAnalyzer {

  /** Packages of JSqlParser statements that define or inspect schema objects and carry no row value. */
  private static final List<String> DEFINITION_PACKAGES = List.of("create.table", "create.index", "create.view",
      "create.sequence", "create.schema", "create.synonym", "create.function", "create.procedure", "alter",
      "alter.sequence", "drop", "truncate", "comment", "grant", "analyze", "refresh", "lock");

  private final EncryptedColumns columns;
  private final Map<String, Map<String, ReadColumn>> exposedByTable = new HashMap<>();

  SqlAnalyzer(EncryptedColumns columns) {
    this.columns = columns;
    for (String table : columns.tables()) {
      Map<String, ReadColumn> m = new LinkedHashMap<>();
      for (EncryptedColumn c : columns.ofTable(table).values()) {
        m.put(key(c.column()), new ReadColumn(c, c.rowIdColumn() == null ? null : key(c.rowIdColumn())));
      }
      exposedByTable.put(table, Map.copyOf(m));
    }
  }

  StatementPlan analyze(String sql) {
    StatementPlan plan = analyze(sql, true);
    return plan.search == null ? plan : checkedExpansion(plan);
  }

  private StatementPlan analyze(String sql, boolean expandSearches) {
    String dynamic = SqlText.dynamicSql(sql);
    if (dynamic != null) {
      return StatementPlan.refused("The statement runs SQL text or a procedural block that FieldVault cannot see ("
          + dynamic + "), which could write or search an encrypted column in plaintext; it was not sent."
          + " Write the statement itself with ? parameters, or run it on"
          + " EncryptingDataSource.unencryptedDataSource() with values encrypted by FieldEncryptor");
    }
    String single = SqlText.single(sql);
    String mentioned = mentionedTable(sql);
    if (single == null) {
      if (mentioned != null || SqlText.hasCall(sql) || SqlText.hasExecutableComment(sql)) {
        return StatementPlan.refused("The SQL string holds more than one statement (or cannot be split into"
            + " statements with certainty) and mentions " + (mentioned != null ? "table " + mentioned
            + ", which has encrypted columns" : "a procedure call") + "; it was not sent. Run one statement per"
            + " execute/prepareStatement call");
      }
      return StatementPlan.PASS_THROUGH;
    }
    if (mentioned == null && SqlText.hasUnicodeEscapedName(sql)) {
      return StatementPlan.refused("The statement spells a name with Unicode escapes (U&\"...\"), so FieldVault"
          + " cannot tell whether it names a table with encrypted columns; it was not sent. Write names plainly");
    }
    SqlText.Call call = SqlText.call(single);
    if (call != null) {
      return procedureCall(call);
    }
    if (mentioned == null) {
      return StatementPlan.PASS_THROUGH;
    }
    if (SqlText.hasExecutableComment(sql)) {
      return StatementPlan.refused("The statement mentions table " + mentioned + ", which has encrypted columns,"
          + " and holds a comment that MariaDB and MySQL execute (/*! ... */ or /*M! ... */), which FieldVault"
          + " cannot analyse; it was not sent. Write the statement without it");
    }
    Statement statement;
    try {
      statement = CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException | RuntimeException e) {
      return SqlRefusal.cannotParse(mentioned);
    }
    Analysis a = new Analysis(expandSearches ? sql : null);
    a.mentioned = mentioned;
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
      return StatementPlan.refused("FieldVault cannot parse this procedure call, so it cannot tell which of its"
          + " arguments to encrypt; it was not sent. Write it as CALL procedure(?, ...) or {call procedure(?, ...)}");
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
      return StatementPlan.refused("Procedure " + name + " is called with arguments, but it is not declared to"
          + " FieldVault, which cannot see whether its body writes or searches an encrypted column; it was not sent."
          + " Declare it with EncryptedColumns.builder().procedure(EncryptedProcedure.builder(\"" + name + "\")"
          + "...), naming its encrypted parameters (none, if it takes no value of an encrypted column)");
    }
    Analysis a = new Analysis(null);
    try {
      a.call(proc, args, call.returnsParameter ? 1 : 0);
      return a.toCallPlan();
    } catch (SqlRefusal r) {
      return StatementPlan.refused(r.getMessage());
    } catch (RuntimeException e) {
      return StatementPlan.refused("FieldVault cannot analyse the arguments of the call of procedure " + name
          + "; it was not sent. Pass each argument as a ? parameter");
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

  /** The first table with encrypted columns whose name appears in the SQL as a word, or null. */
  String mentionedTable(String sql) {
    String lower = sql.toLowerCase(Locale.ROOT);
    for (String table : columns.tables()) {
      int from = 0;
      while (true) {
        int i = lower.indexOf(table, from);
        if (i < 0) {
          break;
        }
        int end = i + table.length();
        if ((i == 0 || !isIdentifierChar(lower.charAt(i - 1))) && (end == lower.length()
            || !isIdentifierChar(lower.charAt(end)))) {
          return table;
        }
        from = i + 1;
      }
    }
    return null;
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /**
   * The key a name is matched by: a declared (model) name by {@link dev.fieldvault.keys.SqlIdentifier}'s
   * rule, a name the parser gave (already unquoted) in lower case.
   */
  static String key(String name) {
    if (name.indexOf('"') < 0 && name.indexOf('`') < 0) {
      return name.toLowerCase(Locale.ROOT);
    }
    try {
      return dev.fieldvault.keys.SqlIdentifier.key(name);
    } catch (dev.fieldvault.keys.VaultConfigurationException e) {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  static String unquote(String name) {
    if (name == null) {
      return null;
    }
    int dot = name.lastIndexOf('.');
    String n = dot >= 0 && !name.endsWith("\"") && !name.endsWith("`") ? name.substring(dot + 1) : name;
    if (n.length() >= 2 && (n.charAt(0) == '"' || n.charAt(0) == '`' || n.charAt(0) == '[')) {
      n = n.substring(1, n.length() - 1);
    }
    return key(n);
  }

  /** The expression inside single parentheses ({@code (x)}), or the expression itself. */
  static Expression unparen(Expression e) {
    while (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
      e = ((ParenthesedExpressionList<?>) e).get(0);
    }
    return e;
  }

  private static String tableName(Table t) {
    return unquote(t.getName());
  }

  /** The state of one analysis. */
  private final class Analysis {
    /** The SQL text, to rewrite searches in; null when they are not rewritten. */
    final String sql;
    /** A table with encrypted columns that the SQL mentions. */
    String mentioned;
    final TreeMap<Integer, ParamTarget> params = new TreeMap<>();
    final List<SearchExpansion.Edit> edits = new ArrayList<>();
    Map<String, ReadColumn> read = Map.of();
    Map<String, ReadColumn> generatedKeys = Map.of();

    Analysis(String sql) {
      this.sql = sql;
    }

    StatementPlan toCallPlan() {
      if (!edits.isEmpty()) {
        throw new SqlRefusal("A procedure call searches an encrypted column in an argument; FieldVault cannot rewrite"
            + " it for a key rotation; it was not sent. Pass the value as a ? parameter");
      }
      ParamTarget[] array = new ParamTarget[params.isEmpty() ? 0 : params.lastKey() + 1];
      params.forEach((i, t) -> array[i] = t);
      return new StatementPlan(null, array, Map.copyOf(read), Map.of(), null, true);
    }

    /** The arguments of a declared procedure: its encrypted parameters must be ? (or NULL). */
    void call(EncryptedProcedure proc, List<Expression> args, int shift) {
      SqlScope scope = new SqlScope(null, new HashMap<>());
      for (int j = 0; j < args.size(); j++) {
        Expression e = unparen(args.get(j));
        EncryptedProcedure.Parameter declared = proc.parameter(j + 1).orElse(null);
        if (declared == null) {
          condition(e, scope);
          continue;
        }
        if (e instanceof JdbcParameter) {
          JdbcParameter p = (JdbcParameter) e;
          if (p.isUseFixedIndex() || p.getIndex() == null) {
            throw new SqlRefusal("Numbered parameters (?1) in the call of procedure " + proc.name()
                + " are not supported: use plain ? parameters");
          }
          params.put(p.getIndex() + shift, ParamTarget.of(declared.blindIndex() ? ParamTarget.Kind.BLIND_INDEX
              : ParamTarget.Kind.VALUE, declared.column()));
        } else if (!(e instanceof NullValue)) {
          throw new SqlRefusal("Argument " + (j + 1) + " of procedure " + proc.name() + " is declared encrypted ("
              + (declared.blindIndex() ? "the blind index of " : "") + declared.column().qualifiedName()
              + ") but is given as an inline value or expression, which would send a plaintext; it was not sent."
              + " Pass it as a ? parameter");
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
      ParamTarget[] array = new ParamTarget[params.isEmpty() ? 0 : params.lastKey() + 1];
      params.forEach((i, t) -> array[i] = t);
      return new StatementPlan(null, array, Map.copyOf(read), Map.copyOf(generatedKeys), searchExpansion());
    }

    SearchExpansion searchExpansion() {
      if (sql == null || edits.isEmpty()) {
        return null;
      }
      edits.sort(Comparator.comparingInt(e -> e.start));
      for (int i = 1; i < edits.size(); i++) {
        if (edits.get(i).start < edits.get(i - 1).end || edits.get(i).parameter <= edits.get(i - 1).parameter) {
          throw SqlRefusal.cannotRewrite(params.get(edits.get(i).parameter).column.qualifiedName());
        }
      }
      boolean deterministic = false;
      boolean blindIndex = false;
      for (SearchExpansion.Edit e : edits) {
        deterministic |= params.get(e.parameter).kind == ParamTarget.Kind.SEARCH;
        blindIndex |= params.get(e.parameter).kind == ParamTarget.Kind.BLIND_INDEX_SEARCH;
      }
      return new SearchExpansion(sql, edits, deterministic, blindIndex);
    }

    /** The text range {@code [start, end)} of a parsed node, checked against the SQL text. */
    int[] span(Object node, EncryptedColumn searched) {
      Node n = node instanceof ASTNodeAccess ? ((ASTNodeAccess) node).getASTNode() : null;
      Token first = n == null ? null : n.jjtGetFirstToken();
      Token last = n == null ? null : n.jjtGetLastToken();
      if (first != null && last != null) {
        int start = first.absoluteBegin - 1;
        int end = last.absoluteEnd - 1;
        if (start >= 0 && start < end && end <= sql.length() && sql.startsWith(first.image, start)
            && sql.startsWith(last.image, end - last.image.length())) {
          return new int[] {start, end};
        }
      }
      throw SqlRefusal.cannotRewrite(searched.qualifiedName());
    }

    /** {@code col = ?} (either side) becomes {@code col IN (group)}, {@code col <> ?} {@code col NOT IN (group)}. */
    void searchComparison(BinaryExpression e, Expression column, JdbcParameter p, boolean negated,
        EncryptedColumn searched) {
      if (sql == null) {
        return;
      }
      int[] whole = span(e, searched);
      int[] col = span(column, searched);
      int[] param = span(e.getLeftExpression() == column ? e.getRightExpression() : e.getLeftExpression(), searched);
      int[] first = col[0] < param[0] ? col : param;
      int[] second = first == col ? param : col;
      // only the operator between the two sides, nothing around them (an outer-join mark, a PRIOR, ...)
      if (whole[0] != first[0] || whole[1] != second[1]
          || !sql.substring(first[1], second[0]).strip().equals(e.getStringExpression())) {
        throw SqlRefusal.cannotRewrite(searched.qualifiedName());
      }
      edits.add(new SearchExpansion.Edit(whole[0], whole[1], sql.substring(col[0], col[1])
          + (negated ? " NOT IN (" : " IN ("), ")", p.getIndex()));
    }

    /** A searched {@code ?} (perhaps in parentheses) of an IN list becomes the group; a bare one {@code (group)}. */
    void searchListElement(Expression element, JdbcParameter p, boolean bare, EncryptedColumn searched) {
      if (sql != null) {
        int[] at = span(element, searched);
        edits.add(new SearchExpansion.Edit(at[0], at[1], bare ? "(" : "", bare ? ")" : "", p.getIndex()));
      }
    }

    void target(JdbcParameter p, ParamTarget t) {
      if (p.isUseFixedIndex() || p.getIndex() == null) {
        throw new SqlRefusal("Numbered parameters (?1) next to encrypted column " + t.column.qualifiedName()
            + " are not supported: use plain ? parameters");
      }
      ParamTarget old = params.put(p.getIndex(), t);
      if (old != null && !(old.kind == t.kind && old.column == t.column)) {
        throw new SqlRefusal("Parameter " + p.getIndex() + " is used for both " + old + " and " + t);
      }
    }

    void statement(Statement st) {
      if (st instanceof Insert) {
        insert((Insert) st);
      } else if (st instanceof Update) {
        update((Update) st);
      } else if (st instanceof Delete) {
        delete((Delete) st);
      } else if (st instanceof Select) {
        read = select((Select) st, null);
      } else if (st instanceof Merge) {
        refuseUpsert(tableName(((Merge) st).getTable()), "MERGE");
      } else if (st instanceof Upsert) {
        refuseUpsert(tableName(((Upsert) st).getTable()), "UPSERT/REPLACE");
      } else if (st instanceof CreateTable && ((CreateTable) st).getSelect() != null) {
        select(((CreateTable) st).getSelect(), null);
      } else if (st instanceof CreateView) {
        select(((CreateView) st).getSelect(), null);
      } else if (st instanceof AlterView) {
        select(((AlterView) st).getSelect(), null);
      } else if (!isDefinition(st)) {
        // EXPLAIN, SET, COPY, LOAD DATA, a vendor statement: what it does with a value is unknown
        throw new SqlRefusal("FieldVault does not analyse " + st.getClass().getSimpleName() + " statements, and this one"
            + " mentions table " + mentioned + ", which has encrypted columns; it was not sent. Run it on"
            + " EncryptingDataSource.unencryptedDataSource() if it carries no plaintext of an encrypted column");
      }
    }

    /** DDL and other statements that carry no row value: they pass through. */
    boolean isDefinition(Statement st) {
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

    void refuseUpsert(String table, String what) {
      if (columns.hasTable(table)) {
        throw new SqlRefusal(what + " into table " + table + ", which has encrypted columns, is not supported:"
            + " use INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE, or an UPDATE, with ? parameters");
      }
    }

    // ------------------------------------------------------------------------------------------
    // INSERT

    void insert(Insert ins) {
      String table = tableName(ins.getTable());
      Map<String, Map<String, ReadColumn>> ctes = withItems(ins.getWithItemsList(), null);
      SqlScope target = new SqlScope(null, ctes);
      Source src = new Source(table, exposed(table));
      target.add(src, table, ins.getTable().getAlias() == null ? null : unquote(ins.getTable().getAlias().getName()));
      boolean encrypted = columns.hasTable(table);
      List<String> cols = new ArrayList<>();
      if (ins.getColumns() != null) {
        for (Column c : ins.getColumns()) {
          cols.add(unquote(c.getColumnName()));
        }
      }
      if (encrypted && ins.getSetUpdateSets() != null && !ins.getSetUpdateSets().isEmpty()) {
        throw new SqlRefusal("INSERT ... SET into table " + table + ", which has encrypted columns, is not"
            + " supported: write INSERT INTO " + table + " (columns) VALUES (?, ...)");
      }
      if (encrypted && cols.isEmpty()) {
        throw new SqlRefusal("An INSERT into table " + table + ", which has encrypted columns "
            + columns.ofTable(table).keySet() + ", must name its columns: INSERT INTO " + table
            + " (column, ...) VALUES (?, ...)");
      }
      Select sel = ins.getSelect();
      if (sel instanceof Values) {
        for (List<Expression> row : rows((Values) sel, cols.size())) {
          insertRow(table, cols, row, target);
        }
      } else if (sel instanceof PlainSelect && encrypted) {
        insertSelect(table, cols, (PlainSelect) sel, ctes);
      } else if (sel != null) {
        if (encrypted && writesEncrypted(table, cols)) {
          throw new SqlRefusal("INSERT ... SELECT with a set operation into encrypted columns of table " + table
              + " cannot be mapped: insert the rows with INSERT ... VALUES (?, ...) instead");
        }
        select(sel, null);
      }
      if (ins.getDuplicateUpdateSets() != null) {
        assignments(table, ins.getDuplicateUpdateSets(), target, null, "ON DUPLICATE KEY UPDATE");
      }
      if (ins.getConflictAction() != null) {
        if (ins.getConflictAction().getUpdateSets() != null) {
          assignments(table, ins.getConflictAction().getUpdateSets(), target, null, "ON CONFLICT DO UPDATE");
        }
        condition(ins.getConflictAction().getWhereExpression(), target);
      }
      generatedKeys = ins.getReturningClause() != null
          ? items(ins.getReturningClause(), target) : exposed(table);
      if (ins.getReturningClause() != null) {
        read = generatedKeys;
      }
    }

    boolean writesEncrypted(String table, List<String> cols) {
      for (String c : cols) {
        if (columns.find(table, c).isPresent() || columns.findByBlindIndexColumn(table, c).isPresent()) {
          return true;
        }
      }
      return false;
    }

    List<List<Expression>> rows(Values values, int width) {
      List<List<Expression>> rows = new ArrayList<>();
      ExpressionList<?> list = values.getExpressions();
      boolean allLists = !list.isEmpty();
      for (Expression e : list) {
        allLists &= e instanceof ExpressionList;
      }
      // VALUES (a, b), (c, d) parses as a list of rows; VALUES ((a, b)) as one parenthesised row
      if (allLists && !(list instanceof ParenthesedExpressionList)) {
        for (Expression e : list) {
          rows.add(new ArrayList<>((ExpressionList<?>) e));
        }
      } else {
        rows.add(new ArrayList<>(list));
      }
      return rows;
    }

    void insertRow(String table, List<String> cols, List<Expression> row, SqlScope scope) {
      if (row.size() != cols.size()) {
        if (writesEncrypted(table, cols)) {
          throw new SqlRefusal("An INSERT into table " + table + " names " + cols.size() + " columns but gives "
              + row.size() + " values: FieldVault cannot tell which value goes to which encrypted column");
        }
        row.forEach(e -> condition(e, scope));
        return;
      }
      for (int j = 0; j < cols.size(); j++) {
        Expression e = row.get(j);
        EncryptedColumn enc = columns.find(table, cols.get(j)).orElse(null);
        EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(j)).orElse(null);
        if (enc != null) {
          if (e instanceof JdbcParameter) {
            target((JdbcParameter) e, valueTarget(enc, rowIdInRow(enc, cols, row)));
          } else if (!(e instanceof NullValue)) {
            throw new SqlRefusal(literal("INSERT", enc));
          }
        } else if (owner != null) {
          blindIndexValue(owner, e, "INSERT");
        } else {
          condition(e, scope);
        }
      }
      requireBlindIndexWritten(table, cols, "INSERT");
      pairBlindIndexes(table, cols, row, "INSERT");
    }

    /**
     * A blind-index column is written only together with its encrypted column, both as {@code ?} (the
     * wrapper then fills the blind index from the column's value) or both NULL, so it cannot go stale.
     */
    void pairBlindIndexes(String table, List<String> cols, List<Expression> vals, String what) {
      for (int k = 0; k < cols.size(); k++) {
        EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(k)).orElse(null);
        if (owner == null) {
          continue;
        }
        int j = cols.indexOf(key(owner.column()));
        if (j < 0) {
          throw new SqlRefusal("This " + what + " writes blind-index column " + owner.blindIndexColumn() + " of "
              + owner.qualifiedName() + " without the column itself; FieldVault fills the blind index from the"
              + " column's value, so that it never goes stale: write " + owner.column() + " = ? together with it");
        }
        Expression v = unparen(vals.get(j));
        Expression b = unparen(vals.get(k));
        if (v instanceof JdbcParameter && b instanceof JdbcParameter) {
          JdbcParameter bp = (JdbcParameter) b;
          params.put(bp.getIndex(), new ParamTarget(ParamTarget.Kind.BLIND_INDEX, owner, 0, null,
              ((JdbcParameter) v).getIndex()));
        } else if (!(v instanceof NullValue && b instanceof NullValue)
            && !(v instanceof Column && b instanceof Column) // a copy, checked by copiesSameContext
            && !(sameColumnFromInsert(v, owner.column(), owner.rowIdColumn() == null)
                && sameColumnFromInsert(b, owner.blindIndexColumn(), true))) {
          throw new SqlRefusal("This " + what + " writes encrypted column " + owner.qualifiedName() + " and its"
              + " blind-index column " + owner.blindIndexColumn() + " from different kinds of values; FieldVault"
              + " fills the blind index from the column's value: give both a ? parameter (bound to the same"
              + " value), or both NULL");
        }
      }
    }

    Expression rowIdInRow(EncryptedColumn enc, List<String> cols, List<Expression> row) {
      if (enc.rowIdColumn() == null) {
        return null;
      }
      int k = cols.indexOf(key(enc.rowIdColumn()));
      if (k < 0) {
        throw new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id in column "
            + enc.rowIdColumn() + ": an INSERT of it must also write " + enc.rowIdColumn() + " (use an assigned"
            + " id, a UUID or a sequence value fetched first, not an identity column)");
      }
      return row.get(k);
    }

    ParamTarget valueTarget(EncryptedColumn enc, Expression rowId) {
      if (enc.rowIdColumn() == null) {
        return ParamTarget.of(ParamTarget.Kind.VALUE, enc);
      }
      if (rowId instanceof JdbcParameter) {
        JdbcParameter p = (JdbcParameter) rowId;
        target(p, ParamTarget.of(ParamTarget.Kind.ROW_ID, enc));
        return new ParamTarget(ParamTarget.Kind.VALUE, enc, p.getIndex(), null);
      }
      if (rowId instanceof LongValue) {
        return new ParamTarget(ParamTarget.Kind.VALUE, enc, 0, ((LongValue) rowId).getValue());
      }
      if (rowId instanceof StringValue) {
        return new ParamTarget(ParamTarget.Kind.VALUE, enc, 0, ((StringValue) rowId).getValue());
      }
      throw new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id, but the"
          + " statement gives " + enc.rowIdColumn() + " as an expression: bind the id as a ? parameter");
    }

    void blindIndexValue(EncryptedColumn owner, Expression e, String what) {
      if (e instanceof JdbcParameter) {
        target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX, owner));
      } else if (!(e instanceof NullValue)) {
        throw new SqlRefusal("A " + what + " writes blind-index column " + owner.table() + "."
            + owner.blindIndexColumn() + " of encrypted column " + owner.qualifiedName() + " from an inline"
            + " value or expression: bind the plaintext of " + owner.column() + " to it as a ? parameter;"
            + " FieldVault stores its blind index");
      }
    }

    void requireBlindIndexWritten(String table, List<String> written, String what) {
      for (String c : written) {
        EncryptedColumn enc = columns.find(table, c).orElse(null);
        if (enc != null && enc.blindIndexColumn() != null && !written.contains(key(enc.blindIndexColumn()))) {
          throw new SqlRefusal("This " + what + " writes encrypted column " + enc.qualifiedName() + " but not its"
              + " blind-index column " + enc.blindIndexColumn() + ", which would then be stale: also write "
              + enc.blindIndexColumn() + " = ? and bind the same plaintext value to it");
        }
      }
    }

    void insertSelect(String table, List<String> cols, PlainSelect ps, Map<String, Map<String, ReadColumn>> ctes) {
      SqlScope scope = from(ps, null, ctes);
      List<SelectItem<?>> items = ps.getSelectItems();
      for (SelectItem<?> it : items) {
        if (it.getExpression() instanceof AllColumns && writesEncrypted(table, cols)) {
          throw new SqlRefusal("INSERT ... SELECT * into encrypted columns of table " + table + " cannot be"
              + " mapped: name the selected columns");
        }
      }
      if (items.size() != cols.size()) {
        throw new SqlRefusal("An INSERT ... SELECT into table " + table + " names " + cols.size()
            + " columns but selects " + items.size() + ": FieldVault cannot map its encrypted columns");
      }
      for (int j = 0; j < cols.size(); j++) {
        Expression e = items.get(j).getExpression();
        EncryptedColumn enc = columns.find(table, cols.get(j)).orElse(null);
        EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(j)).orElse(null);
        if (enc != null) {
          if (e instanceof JdbcParameter && enc.rowIdColumn() == null) {
            target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.VALUE, enc));
          } else if (!(e instanceof NullValue) && !copiesSameContext(e, scope, enc, false)) {
            throw new SqlRefusal("INSERT ... SELECT writes encrypted column " + enc.qualifiedName() + " from a value"
                + " it cannot map" + (enc.rowIdColumn() != null ? " (the column is bound to its row's id)" : "")
                + ": select a ? parameter, or a column encrypted with the same context, or insert with VALUES");
          }
        } else if (owner != null) {
          if (!(e instanceof JdbcParameter && owner.rowIdColumn() == null) && !(e instanceof NullValue)
              && !copiesSameContext(e, scope, owner, true)) {
            throw new SqlRefusal("INSERT ... SELECT writes blind-index column " + owner.table() + "."
                + owner.blindIndexColumn() + " from a value it cannot map: select a ? parameter or the blind"
                + " index of a column with the same context");
          }
          if (e instanceof JdbcParameter) {
            target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX, owner));
          }
        } else {
          condition(e, scope);
        }
      }
      requireBlindIndexWritten(table, cols, "INSERT ... SELECT");
      List<Expression> selected = new ArrayList<>();
      items.forEach(it -> selected.add(it.getExpression()));
      pairBlindIndexes(table, cols, selected, "INSERT ... SELECT");
      clauses(ps, scope);
    }

    boolean copiesSameContext(Expression e, SqlScope scope, EncryptedColumn to, boolean blindIndex) {
      Resolved r = e instanceof Column ? resolve((Column) e, scope) : null;
      if (r == null || r.blindIndex != blindIndex || to.rowIdColumn() != null || r.column.rowIdColumn() != null) {
        return false;
      }
      EncryptedColumn from = r.column;
      return from == to || (from.spec().domain().equals(to.spec().domain())
          && from.spec().field().equals(to.spec().field()) && from.mode() == to.mode()
          && from.storage() == to.storage() && from.spec().codec().type() == to.spec().codec().type()
          && from.spec().blindIndexLength() == to.spec().blindIndexLength());
    }

    // ------------------------------------------------------------------------------------------
    // UPDATE and DELETE

    void update(Update up) {
      String table = tableName(up.getTable());
      SqlScope scope = new SqlScope(null, withItems(up.getWithItemsList(), null));
      scope.add(new Source(table, exposed(table)), table,
          up.getTable().getAlias() == null ? null : unquote(up.getTable().getAlias().getName()));
      if (up.getStartJoins() != null) {
        up.getStartJoins().forEach(j -> fromItem(scope, j.getFromItem()));
      }
      fromItem(scope, up.getFromItem());
      joins(scope, up.getJoins());
      assignments(table, up.getUpdateSets(), scope, up.getWhere(), "UPDATE");
      condition(up.getWhere(), scope);
      joinConditions(scope, up.getStartJoins());
      joinConditions(scope, up.getJoins());
      if (up.getReturningClause() != null) {
        read = items(up.getReturningClause(), scope);
      }
    }

    void delete(Delete del) {
      String table = tableName(del.getTable());
      SqlScope scope = new SqlScope(null, withItems(del.getWithItemsList(), null));
      scope.add(new Source(table, exposed(table)), table,
          del.getTable().getAlias() == null ? null : unquote(del.getTable().getAlias().getName()));
      if (del.getUsingFromItemList() != null) {
        del.getUsingFromItemList().forEach(f -> fromItem(scope, f));
      }
      joins(scope, del.getJoins());
      condition(del.getWhere(), scope);
      joinConditions(scope, del.getJoins());
      if (del.getReturningClause() != null) {
        read = items(del.getReturningClause(), scope);
      }
    }

    void assignments(String table, List<UpdateSet> sets, SqlScope scope, Expression where, String what) {
      if (sets == null) {
        return;
      }
      List<String> written = new ArrayList<>();
      List<String> pairedCols = new ArrayList<>();
      List<Expression> pairedVals = new ArrayList<>();
      for (EncryptedColumn enc : columns.ofTable(table).values()) {
        for (UpdateSet set : sets) {
          for (Column c : set.getColumns()) {
            if (enc.rowIdColumn() != null && key(enc.rowIdColumn()).equals(unquote(c.getColumnName()))) {
              throw new SqlRefusal("A " + what + " changes column " + enc.rowIdColumn() + " of table " + table
                  + ", the row id that the values of encrypted column " + enc.qualifiedName() + " are bound to;"
                  + " they could no longer be decrypted, so it was not sent. To give a row another id, insert it"
                  + " again under the new id (re-encrypting its row-bound values) and delete the old row");
            }
          }
        }
      }
      for (UpdateSet set : sets) {
        List<String> cols = new ArrayList<>();
        for (Column c : set.getColumns()) {
          cols.add(unquote(c.getColumnName()));
        }
        written.addAll(cols);
        List<Expression> vals = new ArrayList<>();
        for (Object o : set.getValues()) {
          vals.add((Expression) o);
        }
        if (cols.size() != vals.size()) {
          if (writesEncrypted(table, cols)) {
            throw new SqlRefusal("A " + what + " sets encrypted columns of table " + table + " from a row value or"
                + " subquery: set each encrypted column to its own ? parameter");
          }
          vals.forEach(v -> condition(v, scope));
          continue;
        }
        pairedCols.addAll(cols);
        pairedVals.addAll(vals);
        for (int j = 0; j < cols.size(); j++) {
          Expression e = vals.get(j);
          EncryptedColumn enc = columns.find(table, cols.get(j)).orElse(null);
          EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(j)).orElse(null);
          if (enc != null) {
            if (e instanceof JdbcParameter) {
              Expression rowId = null;
              if (enc.rowIdColumn() != null) {
                rowId = where == null ? null : rowIdEquality(where, key(enc.rowIdColumn()));
                if (rowId == null) {
                  throw new SqlRefusal("Encrypted column " + enc.qualifiedName() + " is bound to its row's id: a "
                      + what + " of it must select one row with WHERE " + enc.rowIdColumn() + " = ?");
                }
              }
              target((JdbcParameter) e, valueTarget(enc, rowId));
            } else if (!(e instanceof NullValue) && !sameColumnFromInsert(e, enc.column(), enc.rowIdColumn() == null)) {
              throw new SqlRefusal(literal(what, enc));
            }
          } else if (owner != null) {
            if (!sameColumnFromInsert(e, cols.get(j), owner.rowIdColumn() == null)) {
              blindIndexValue(owner, e, what);
            }
          } else {
            condition(e, scope);
          }
        }
      }
      requireBlindIndexWritten(table, written, what);
      pairBlindIndexes(table, pairedCols, pairedVals, what);
    }

    /** {@code excluded.col} (PostgreSQL) or {@code VALUES(col)} (MySQL/MariaDB): the row being inserted. */
    boolean sameColumnFromInsert(Expression e, String column, boolean allowed) {
      if (!allowed) {
        return false;
      }
      if (e instanceof Column) {
        Column c = (Column) e;
        return c.getTable() != null && "excluded".equals(unquote(c.getTable().getName()))
            && key(column).equals(unquote(c.getColumnName()));
      }
      if (e instanceof Function && "values".equalsIgnoreCase(((Function) e).getName())
          && ((Function) e).getParameters() != null && ((Function) e).getParameters().size() == 1) {
        Object p = ((Function) e).getParameters().get(0);
        return p instanceof Column && key(column).equals(unquote(((Column) p).getColumnName()));
      }
      return false;
    }

    Expression rowIdEquality(Expression where, String rowIdColumn) {
      where = unparen(where);
      if (where instanceof AndExpression) {
        Expression l = rowIdEquality(((AndExpression) where).getLeftExpression(), rowIdColumn);
        return l != null ? l : rowIdEquality(((AndExpression) where).getRightExpression(), rowIdColumn);
      }
      if (where instanceof EqualsTo) {
        EqualsTo eq = (EqualsTo) where;
        if (isColumn(eq.getLeftExpression(), rowIdColumn) && isRowIdValue(eq.getRightExpression())) {
          return eq.getRightExpression();
        }
        if (isColumn(eq.getRightExpression(), rowIdColumn) && isRowIdValue(eq.getLeftExpression())) {
          return eq.getLeftExpression();
        }
      }
      return null;
    }

    boolean isColumn(Expression e, String name) {
      return e instanceof Column && name.equals(unquote(((Column) e).getColumnName()));
    }

    boolean isRowIdValue(Expression e) {
      return e instanceof JdbcParameter || e instanceof LongValue || e instanceof StringValue;
    }

    // ------------------------------------------------------------------------------------------
    // SELECT

    Map<String, Map<String, ReadColumn>> withItems(List<WithItem<?>> with, SqlScope outer) {
      Map<String, Map<String, ReadColumn>> ctes = new HashMap<>();
      if (with != null) {
        for (WithItem<?> w : with) {
          if (w.getSelect() != null) {
            ctes.put(unquote(w.getAliasName() != null ? w.getAliasName() : String.valueOf(w.getAlias())),
                select(w.getSelect(), outer));
          }
        }
      }
      return ctes;
    }

    Map<String, ReadColumn> select(Select s, SqlScope outer) {
      Map<String, Map<String, ReadColumn>> ctes = withItems(s.getWithItemsList(), outer);
      if (outer != null) {
        for (SqlScope sc = outer; sc != null; sc = sc.parent) {
          sc.ctes.forEach(ctes::putIfAbsent);
        }
      }
      if (s instanceof PlainSelect) {
        PlainSelect ps = (PlainSelect) s;
        SqlScope scope = from(ps, outer, ctes);
        Map<String, ReadColumn> labels = items(ps.getSelectItems(), scope);
        clauses(ps, scope);
        return labels;
      }
      if (s instanceof SetOperationList) {
        Map<String, ReadColumn> first = null;
        for (Select part : ((SetOperationList) s).getSelects()) {
          Map<String, ReadColumn> labels = select(part, outer);
          first = first == null ? labels : first;
        }
        return first == null ? Map.of() : first;
      }
      if (s instanceof ParenthesedSelect) {
        return select(((ParenthesedSelect) s).getSelect(), outer);
      }
      if (s instanceof Values) {
        SqlScope scope = new SqlScope(outer, ctes);
        ((Values) s).getExpressions().forEach(e -> condition(e, scope));
      }
      return Map.of();
    }

    SqlScope from(PlainSelect ps, SqlScope outer, Map<String, Map<String, ReadColumn>> ctes) {
      SqlScope scope = new SqlScope(outer, ctes);
      fromItem(scope, ps.getFromItem());
      joins(scope, ps.getJoins());
      return scope;
    }

    void clauses(PlainSelect ps, SqlScope scope) {
      joinConditions(scope, ps.getJoins());
      condition(ps.getWhere(), scope);
      condition(ps.getHaving(), scope);
    }

    void joins(SqlScope scope, List<Join> joins) {
      if (joins != null) {
        for (Join j : joins) {
          fromItem(scope, j.getFromItem());
        }
      }
    }

    void joinConditions(SqlScope scope, List<Join> joins) {
      if (joins != null) {
        for (Join j : joins) {
          if (j.getOnExpressions() != null) {
            j.getOnExpressions().forEach(e -> condition(e, scope));
          }
        }
      }
    }

    void fromItem(SqlScope scope, FromItem fi) {
      if (fi == null) {
        return;
      }
      String alias = fi.getAlias() == null ? null : unquote(fi.getAlias().getName());
      if (fi instanceof Table) {
        String name = tableName((Table) fi);
        Map<String, ReadColumn> cte = scope.ctes.get(name);
        scope.add(cte != null ? new Source(null, cte) : new Source(name, exposed(name)), name, alias);
      } else if (fi instanceof ParenthesedSelect) {
        scope.add(new Source(null, select(((ParenthesedSelect) fi).getSelect(), scope.parent)), null, alias);
      } else if (fi instanceof ParenthesedFromItem) {
        ParenthesedFromItem p = (ParenthesedFromItem) fi;
        fromItem(scope, p.getFromItem());
        joins(scope, p.getJoins());
        joinConditions(scope, p.getJoins());
      }
    }

    Map<String, ReadColumn> exposed(String table) {
      return exposedByTable.getOrDefault(table, Map.of());
    }

    /** The encrypted columns a select list exposes, by lower-case label, with their row-id labels. */
    Map<String, ReadColumn> items(List<SelectItem<?>> items, SqlScope scope) {
      Map<String, ReadColumn> labels = new LinkedHashMap<>();
      Map<Source, Map<String, String>> labelOf = new HashMap<>();
      List<Source> starred = new ArrayList<>();
      Map<String, Map.Entry<Source, ReadColumn>> found = new LinkedHashMap<>();
      // labels of result columns that are not decrypted: a plain or blind-index column, an aliased expression
      List<String> others = new ArrayList<>();
      for (SelectItem<?> it : items) {
        Expression e = it.getExpression();
        if (e instanceof AllTableColumns) {
          Source src = scope.lookup(unquote(((AllTableColumns) e).getTable().getName()));
          if (src != null) {
            starred.add(src);
            src.exposed.forEach(labels::putIfAbsent);
          }
        } else if (e instanceof AllColumns) {
          for (Source src : scope.sources) {
            starred.add(src);
            src.exposed.forEach(labels::putIfAbsent);
          }
        } else if (e instanceof Column) {
          Column c = (Column) e;
          String label = it.getAlias() != null ? unquote(it.getAlias().getName()) : unquote(c.getColumnName());
          Source src = sourceOf(c, scope);
          if (src != null) {
            labelOf.computeIfAbsent(src, k -> new HashMap<>()).putIfAbsent(unquote(c.getColumnName()), label);
          }
          Resolved r = resolve(c, scope);
          if (r != null && !r.blindIndex) {
            ReadColumn rc = r.source.exposed.get(unquote(c.getColumnName()));
            Map.Entry<Source, ReadColumn> before = found.put(label, Map.entry(r.source, rc));
            if (before != null && before.getValue().column != rc.column) {
              throw ambiguousLabel(label, rc.column);
            }
          } else {
            others.add(label);
          }
        } else {
          EncryptedColumn cipher = cipherValued(e, scope);
          if (cipher != null) {
            throw new SqlRefusal("The select list reads an expression of encrypted column " + cipher.qualifiedName()
                + " (a function, CASE, COALESCE, MAX, ... of it, or a subquery selecting it), whose result would be"
                + " the ciphertext, not the value; it was not sent. Select the column itself (an alias is fine)"
                + " and compute on the decrypted value");
          }
          if (it.getAlias() != null) {
            others.add(unquote(it.getAlias().getName()));
          }
          condition(e, scope);
        }
      }
      for (String label : others) {
        ReadColumn rc = found.containsKey(label) ? found.get(label).getValue() : labels.get(label);
        if (rc != null) {
          throw ambiguousLabel(label, rc.column);
        }
      }
      for (Map.Entry<String, Map.Entry<Source, ReadColumn>> f : found.entrySet()) {
        Source src = f.getValue().getKey();
        ReadColumn rc = f.getValue().getValue();
        String rowIdLabel = null;
        if (rc.rowIdLabel != null) {
          rowIdLabel = labelOf.getOrDefault(src, Map.of()).get(rc.rowIdLabel);
          if (rowIdLabel == null && starred.contains(src)) {
            rowIdLabel = rc.rowIdLabel;
          }
        }
        labels.put(f.getKey(), new ReadColumn(rc.column, rowIdLabel));
      }
      return labels;
    }

    /** Result columns are matched by label: one label for two columns would decrypt the wrong one. */
    SqlRefusal ambiguousLabel(String label, EncryptedColumn column) {
      return new SqlRefusal("The result column label " + label + " is used for encrypted column "
          + column.qualifiedName() + " and for another column of the same query, so FieldVault cannot tell which"
          + " one to decrypt; it was not sent. Give them different aliases (AS ...)");
    }

    Source sourceOf(Column c, SqlScope scope) {
      if (c.getTable() != null && c.getTable().getName() != null) {
        return scope.lookup(unquote(c.getTable().getName()));
      }
      String name = unquote(c.getColumnName());
      for (SqlScope s = scope; s != null; s = s.parent) {
        for (Source src : s.sources) {
          if (src.exposed.containsKey(name)) {
            return src;
          }
        }
        if (s.sources.size() == 1) {
          return s.sources.get(0);
        }
      }
      return null;
    }

    Resolved resolve(Column c, SqlScope scope) {
      String name = unquote(c.getColumnName());
      if (c.getTable() != null && c.getTable().getName() != null) {
        Source src = scope.lookup(unquote(c.getTable().getName()));
        return src == null ? null : resolveIn(src, name);
      }
      for (SqlScope s = scope; s != null; s = s.parent) {
        for (Source src : s.sources) {
          Resolved r = resolveIn(src, name);
          if (r != null) {
            return r;
          }
        }
      }
      return null;
    }

    Resolved resolveIn(Source src, String name) {
      ReadColumn rc = src.exposed.get(name);
      if (rc != null) {
        return new Resolved(rc.column, false, src);
      }
      if (src.table != null) {
        EncryptedColumn owner = columns.findByBlindIndexColumn(src.table, name).orElse(null);
        if (owner != null) {
          return new Resolved(owner, true, src);
        }
      }
      return null;
    }

    // ------------------------------------------------------------------------------------------
    // Conditions: = and IN map parameters; anything else on an encrypted column is refused

    void condition(Expression e, SqlScope scope) {
      if (e != null) {
        e.accept(new ConditionVisitor(scope), null);
        refuseUnmappedParameters(e, scope);
      }
    }

    /**
     * The general rule behind the mapped comparisons: in each predicate (the expression split at
     * AND, OR, XOR and NOT), a {@code ?} that was not mapped to an encrypted or blind-index column,
     * next to such a column (or a subquery selecting one), would reach the database as a plaintext
     * compared with a ciphertext ({@code email = (SELECT ?)}, {@code NULLIF(email, ?)}): refused.
     */
    void refuseUnmappedParameters(Expression e, SqlScope scope) {
      e = unparen(e);
      if (e instanceof AndExpression || e instanceof OrExpression || e instanceof XorExpression) {
        refuseUnmappedParameters(((BinaryExpression) e).getLeftExpression(), scope);
        refuseUnmappedParameters(((BinaryExpression) e).getRightExpression(), scope);
        return;
      }
      if (e instanceof NotExpression) {
        refuseUnmappedParameters(((NotExpression) e).getExpression(), scope);
        return;
      }
      List<JdbcParameter> unmapped = new ArrayList<>();
      List<Resolved> selected = new ArrayList<>();
      ConditionVisitor cv = new ConditionVisitor(scope);
      e.accept(new ExpressionVisitorAdapter<Void>() {
        @Override
        public <S> Void visit(JdbcParameter p, S context) {
          if (p.getIndex() == null || !params.containsKey(p.getIndex())) {
            unmapped.add(p);
          }
          return null;
        }

        @Override
        public <S> Void visit(ParenthesedSelect s, S context) {
          return visit((Select) s, context);
        }

        @Override
        public <S> Void visit(AnyComparisonExpression a, S context) {
          return visit(a.getSelect(), context);
        }

        @Override
        public <S> Void visit(Select s, S context) {
          Resolved r = cv.selectedBy(s);
          if (r != null) {
            selected.add(r);
          }
          // what the subquery selects meets the outer expression; its own clauses are checked on their own
          for (PlainSelect ps : plainSelects(s)) {
            for (SelectItem<?> it : ps.getSelectItems()) {
              it.getExpression().accept(this, context);
            }
          }
          return null;
        }
      }, null);
      if (unmapped.isEmpty()) {
        return;
      }
      EncryptedColumn inside = encryptedInside(e, scope);
      if (inside == null && !selected.isEmpty()) {
        inside = selected.get(0).column;
      }
      if (inside != null) {
        throw new SqlRefusal("A ? parameter meets encrypted column " + inside.qualifiedName() + " in a subquery,"
            + " function or expression that FieldVault cannot map, so its value would reach the database as a"
            + " plaintext; it was not sent. Compare the column itself: column = ? or column IN (?, ...)");
      }
    }

    List<PlainSelect> plainSelects(Select s) {
      if (s instanceof ParenthesedSelect) {
        return plainSelects(((ParenthesedSelect) s).getSelect());
      }
      if (s instanceof SetOperationList) {
        List<PlainSelect> all = new ArrayList<>();
        ((SetOperationList) s).getSelects().forEach(part -> all.addAll(plainSelects(part)));
        return all;
      }
      return s instanceof PlainSelect ? List.of((PlainSelect) s) : List.of();
    }

    /**
     * An encrypted column whose ciphertext an expression of the select list would return as its value
     * (a function, CASE branch, arithmetic or scalar subquery of it), or null. COUNT and predicates
     * (comparisons, IS NULL, IN, EXISTS, ...) return no ciphertext.
     */
    EncryptedColumn cipherValued(Expression e, SqlScope scope) {
      e = unparen(e);
      if (e == null || e instanceof JdbcParameter || e instanceof NullValue || e instanceof ComparisonOperator
          || e instanceof AndExpression || e instanceof OrExpression || e instanceof XorExpression
          || e instanceof NotExpression || e instanceof IsNullExpression || e instanceof IsBooleanExpression
          || e instanceof InExpression || e instanceof ExistsExpression || e instanceof LikeExpression
          || e instanceof Between || e instanceof IsDistinctExpression || e instanceof CosineSimilarity) {
        return null;
      }
      if (e instanceof Column) {
        Resolved r = resolve((Column) e, scope);
        return r == null || r.blindIndex ? null : r.column;
      }
      if (e instanceof Function && "count".equalsIgnoreCase(((Function) e).getName())) {
        return null;
      }
      if (e instanceof AnalyticExpression && "count".equalsIgnoreCase(((AnalyticExpression) e).getName())) {
        return null;
      }
      if (e instanceof Select) {
        Resolved r = new ConditionVisitor(scope).selectedBy((Select) e);
        return r == null || r.blindIndex ? null : r.column;
      }
      if (e instanceof CaseExpression) {
        CaseExpression c = (CaseExpression) e;
        if (c.getWhenClauses() != null) {
          for (WhenClause w : c.getWhenClauses()) {
            EncryptedColumn found = cipherValued(w.getThenExpression(), scope);
            if (found != null) {
              return found;
            }
          }
        }
        return cipherValued(c.getElseExpression(), scope);
      }
      if (e instanceof Function) {
        ExpressionList<?> args = ((Function) e).getParameters();
        for (Object o : args == null ? List.of() : args) {
          EncryptedColumn found = cipherValued((Expression) o, scope);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      if (e instanceof AnalyticExpression) {
        return cipherValued(((AnalyticExpression) e).getExpression(), scope);
      }
      if (e instanceof CastExpression) {
        return cipherValued(((CastExpression) e).getLeftExpression(), scope);
      }
      if (e instanceof BinaryExpression) {
        EncryptedColumn found = cipherValued(((BinaryExpression) e).getLeftExpression(), scope);
        return found != null ? found : cipherValued(((BinaryExpression) e).getRightExpression(), scope);
      }
      // anything else: any encrypted column in it (fail closed)
      EncryptedColumn[] found = new EncryptedColumn[1];
      e.accept(new ExpressionVisitorAdapter<Void>() {
        @Override
        public <S> Void visit(Column c, S context) {
          Resolved r = resolve(c, scope);
          if (r != null && !r.blindIndex && found[0] == null) {
            found[0] = r.column;
          }
          return null;
        }

        @Override
        public <S> Void visit(ParenthesedSelect s, S context) {
          return visit((Select) s, context);
        }

        @Override
        public <S> Void visit(Select s, S context) {
          Resolved r = new ConditionVisitor(scope).selectedBy(s);
          if (r != null && !r.blindIndex && found[0] == null) {
            found[0] = r.column;
          }
          return null;
        }
      }, null);
      return found[0];
    }

    final class ConditionVisitor extends ExpressionVisitorAdapter<Void> {
      final SqlScope scope;

      ConditionVisitor(SqlScope scope) {
        this.scope = scope;
      }

      Resolved direct(Expression e) {
        e = unparen(e);
        return e instanceof Column ? resolve((Column) e, scope) : null;
      }

      void equality(BinaryExpression e, boolean negated) {
        Expression left = e.getLeftExpression();
        Expression right = e.getRightExpression();
        Resolved l = direct(left);
        Resolved r = direct(right);
        if (l != null && r == null) {
          JdbcParameter p = operand(l, right);
          if (p != null) {
            searchComparison(e, left, p, negated, l.column);
          }
        } else if (r != null && l == null) {
          JdbcParameter p = operand(r, left);
          if (p != null) {
            searchComparison(e, right, p, negated, r.column);
          }
        } else if (l == null) {
          refuseValueAgainstSubquery(left, right);
          refuseValueAgainstSubquery(right, left);
          refuseComputed(left);
          refuseComputed(right);
        }
      }

      /** Maps the other side of a comparison with an encrypted column; returns it when it is a searched {@code ?}. */
      JdbcParameter operand(Resolved col, Expression other) {
        other = unparen(other);
        if (other instanceof JdbcParameter) {
          if (col.blindIndex) {
            target((JdbcParameter) other, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX_SEARCH, col.column));
          } else if (col.column.mode() == EncryptionMode.DETERMINISTIC) {
            target((JdbcParameter) other, ParamTarget.of(ParamTarget.Kind.SEARCH, col.column));
          } else {
            throw new SqlRefusal("Encrypted column " + col.column.qualifiedName() + " is randomized, so it cannot be"
                + " compared with a value" + (col.column.blindIndexColumn() != null ? ": compare its blind-index"
                + " column " + col.column.blindIndexColumn() + " = ? with the plaintext bound instead"
                : ": make it deterministic, or give it a blind-index column, to search it"));
          }
        } else if (other instanceof Column && resolve((Column) other, scope) == null
            && sourceOf((Column) other, scope) != null && sourceOf((Column) other, scope).table == null) {
          // a derived table or CTE column can be a ? (FROM (SELECT ? AS v) x WHERE email = x.v)
          throw new SqlRefusal("A condition compares " + (col.blindIndex ? "blind-index column "
              + col.column.table() + "." + col.column.blindIndexColumn() : "encrypted column "
              + col.column.qualifiedName()) + " with a column of a derived table or CTE that is not the same"
              + " encrypted column, which could carry a plaintext; it was not sent. Compare the column itself"
              + " with = ? or IN (?, ...)");
        } else if (!(other instanceof NullValue || other instanceof Column || other instanceof ParenthesedSelect)) {
          throw new SqlRefusal("A condition compares " + (col.blindIndex ? "blind-index column "
              + col.column.table() + "." + col.column.blindIndexColumn() : "encrypted column "
              + col.column.qualifiedName()) + " with an inline value or expression, which would put a"
              + " plaintext in the SQL: " + SqlRefusal.HOW_TO_WRITE);
        }
        return other instanceof JdbcParameter ? (JdbcParameter) other : null;
      }

      void refuseComputed(Expression e) {
        if (e == null) {
          return;
        }
        EncryptedColumn inside = encryptedInside(e, scope);
        if (inside != null) {
          throw new SqlRefusal("A condition computes on encrypted column " + inside.qualifiedName() + " (a function"
              + " or expression of it); the database only sees its ciphertext. Compare the column itself with"
              + " = ? or IN (?, ...)");
        }
      }

      void refuseRanges(BinaryExpression e, String what) {
        refuseRange(e.getLeftExpression(), what);
        refuseRange(e.getRightExpression(), what);
      }

      void refuseRange(Expression left, String what) {
        Resolved r = direct(left);
        EncryptedColumn c = r != null ? r.column : encryptedInside(left, scope);
        if (c != null) {
          throw new SqlRefusal(what + " on encrypted column " + c.qualifiedName() + " is not possible: the database"
              + " holds ciphertext. Only = and IN on deterministic or blind-indexed columns can be searched;"
              + " filter other conditions after reading");
        }
      }

      @Override
      public <S> Void visit(EqualsTo e, S context) {
        equality(e, false);
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(NotEqualsTo e, S context) {
        equality(e, true);
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(InExpression e, S context) {
        Resolved col = direct(e.getLeftExpression());
        Expression right = e.getRightExpression();
        if (col != null) {
          if (right instanceof ExpressionList) {
            for (Object o : (ExpressionList<?>) right) {
              JdbcParameter p = operand(col, (Expression) o);
              if (p != null) {
                searchListElement((Expression) o, p, false, col.column);
              }
            }
          } else if (!(right instanceof ParenthesedSelect)) {
            JdbcParameter p = operand(col, right);
            if (p != null) {
              searchListElement(right, p, true, col.column);
            }
          }
        } else {
          refuseComputed(e.getLeftExpression());
          if (right instanceof ExpressionList) {
            inListOfAnotherExpression(e.getLeftExpression(), (ExpressionList<?>) right);
          } else {
            refuseValueAgainstSubquery(right, e.getLeftExpression());
          }
        }
        return super.visit(e, context);
      }

      /**
       * {@code x IN (..., col, ...)}: a column x is compared with the stored form (as in a join); a
       * value or expression x would reach the database as it is, so it is refused, as is an expression
       * of an encrypted column in the list.
       */
      void inListOfAnotherExpression(Expression left, ExpressionList<?> list) {
        boolean columnLeft = unparen(left) instanceof Column;
        for (Object o : list) {
          Resolved col = direct((Expression) o);
          if (col == null) {
            refuseComputed((Expression) o);
          } else if (!columnLeft) {
            throw comparedWithValue(col, "An IN list holds");
          }
        }
      }

      /** A value or expression compared with an encrypted column a subquery selects would be sent as it is. */
      void refuseValueAgainstSubquery(Expression subquery, Expression other) {
        Resolved col = selectedBySubquery(subquery);
        if (col != null && !(unparen(other) instanceof Column)) {
          throw comparedWithValue(col, "A subquery selects");
        }
      }

      SqlRefusal comparedWithValue(Resolved col, String what) {
        return new SqlRefusal(what + " " + (col.blindIndex ? "blind-index column " + col.column.table() + "."
            + col.column.blindIndexColumn() + " of " + col.column.qualifiedName() : "encrypted column "
            + col.column.qualifiedName()) + " and compares it with a value or expression, which would reach the"
            + " database as a plaintext; it was not sent. Compare the column itself: column = ? or"
            + " column IN (?, ...)");
      }

      /** The encrypted or blind-index column {@code (SELECT ...)} or {@code ANY/ALL (SELECT ...)} selects, or null. */
      Resolved selectedBySubquery(Expression e) {
        e = unparen(e);
        Select s = e instanceof Select ? (Select) e
            : e instanceof AnyComparisonExpression ? ((AnyComparisonExpression) e).getSelect() : null;
        return s == null ? null : selectedBy(s);
      }

      Resolved selectedBy(Select s) {
        if (s instanceof ParenthesedSelect) {
          return selectedBy(((ParenthesedSelect) s).getSelect());
        }
        if (s instanceof SetOperationList) {
          for (Select part : ((SetOperationList) s).getSelects()) {
            Resolved r = selectedBy(part);
            if (r != null) {
              return r;
            }
          }
          return null;
        }
        if (!(s instanceof PlainSelect)) {
          return null;
        }
        PlainSelect ps = (PlainSelect) s;
        List<String> tables = new ArrayList<>();
        List<FromItem> from = new ArrayList<>();
        from.add(ps.getFromItem());
        if (ps.getJoins() != null) {
          ps.getJoins().forEach(j -> from.add(j.getFromItem()));
        }
        for (FromItem fi : from) {
          if (fi instanceof Table && columns.hasTable(tableName((Table) fi))) {
            tables.add(tableName((Table) fi));
          }
        }
        for (SelectItem<?> it : ps.getSelectItems()) {
          Expression x = unparen(it.getExpression());
          for (String t : tables) {
            if (x instanceof AllColumns || x instanceof AllTableColumns) {
              return new Resolved(columns.ofTable(t).values().iterator().next(), false, null);
            }
            String name = x instanceof Column ? unquote(((Column) x).getColumnName()) : null;
            EncryptedColumn enc = name == null ? null : columns.find(t, name).orElse(null);
            EncryptedColumn owner = name == null ? null : columns.findByBlindIndexColumn(t, name).orElse(null);
            if (enc != null || owner != null) {
              return new Resolved(enc != null ? enc : owner, enc == null, null);
            }
          }
        }
        return null;
      }

      @Override
      public <S> Void visit(GreaterThan e, S context) {
        refuseRanges(e, "A range comparison");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(GreaterThanEquals e, S context) {
        refuseRanges(e, "A range comparison");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(MinorThan e, S context) {
        refuseRanges(e, "A range comparison");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(MinorThanEquals e, S context) {
        refuseRanges(e, "A range comparison");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(Between e, S context) {
        refuseRange(e.getLeftExpression(), "BETWEEN");
        refuseRange(e.getBetweenExpressionStart(), "BETWEEN");
        refuseRange(e.getBetweenExpressionEnd(), "BETWEEN");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(IsDistinctExpression e, S context) {
        refuseRanges(e, "IS [NOT] DISTINCT FROM");
        return super.visit(e, context);
      }

      /** {@code <=>}: MySQL's null-safe equality (JSqlParser 5.4 parses it as a cosine similarity). */
      @Override
      public <S> Void visit(CosineSimilarity e, S context) {
        refuseRanges(e, "<=>");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(LikeExpression e, S context) {
        refuseRanges(e, "LIKE");
        return super.visit(e, context);
      }

      @Override
      public <S> Void visit(ParenthesedSelect s, S context) {
        select(s.getSelect(), scope);
        return null;
      }

      @Override
      public <S> Void visit(Select s, S context) {
        select(s, scope);
        return null;
      }

      @Override
      public <S> Void visit(AnalyticExpression e, S context) {
        return null;
      }
    }

    /** An encrypted column referenced anywhere inside an expression, or null. */
    EncryptedColumn encryptedInside(Expression e, SqlScope scope) {
      EncryptedColumn[] found = new EncryptedColumn[1];
      e.accept(new ExpressionVisitorAdapter<Void>() {
        @Override
        public <S> Void visit(Column c, S context) {
          Resolved r = resolve(c, scope);
          if (r != null && found[0] == null) {
            found[0] = r.column;
          }
          return null;
        }

        @Override
        public <S> Void visit(ParenthesedSelect s, S context) {
          return null;
        }

        @Override
        public <S> Void visit(Select s, S context) {
          return null;
        }
      }, null);
      return found[0];
    }

    String literal(String what, EncryptedColumn enc) {
      return "A " + what + " writes encrypted column " + enc.qualifiedName() + " from an inline value or"
          + " expression, which would store or send a plaintext; it was not sent. Instead, " + SqlRefusal.HOW_TO_WRITE;
    }
  }
}
