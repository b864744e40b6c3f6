package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.key;
import static dev.fieldvault.jdbc.internal.SqlNames.tableName;
import static dev.fieldvault.jdbc.internal.SqlNames.unparen;
import static dev.fieldvault.jdbc.internal.SqlNames.unquote;

import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.jdbc.internal.SqlScope.Source;
import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * The write rules of the SQL analysis: how INSERT (VALUES, SELECT, ON CONFLICT / ON DUPLICATE KEY
 * UPDATE), UPDATE and DELETE may write encrypted columns. A value of an encrypted column is a
 * {@code ?} (or NULL, or a copy of a column with the same context); a row-bound one names its row's
 * id; a blind-index column is written only together with its column, from the same value; a row id
 * never changes. Part of one {@link SqlAnalysis}, whose parameter targets it adds to.
 */
final class SqlWrites {

  private final SqlAnalysis a;
  private final SqlColumns columns;

  SqlWrites(SqlAnalysis analysis) {
    this.a = analysis;
    this.columns = analysis.columns;
  }

  void refuseUpsert(String table, String what) {
    if (columns.hasTable(table)) {
      throw SqlRefusal.upsert(what, table);
    }
  }

  // ------------------------------------------------------------------------------------------
  // INSERT

  void insert(Insert ins) {
    String table = tableName(ins.getTable());
    Map<String, Map<String, ReadColumn>> ctes = a.selects.withItems(ins.getWithItemsList(), null);
    SqlScope target = new SqlScope(null, ctes);
    Source src = new Source(table, columns.exposed(table));
    target.add(src, table, ins.getTable().getAlias() == null ? null : unquote(ins.getTable().getAlias().getName()));
    boolean encrypted = columns.hasTable(table);
    List<String> cols = new ArrayList<>();
    if (ins.getColumns() != null) {
      for (Column c : ins.getColumns()) {
        cols.add(unquote(c.getColumnName()));
      }
    }
    if (encrypted && ins.getSetUpdateSets() != null && !ins.getSetUpdateSets().isEmpty()) {
      throw SqlRefusal.insertSet(table);
    }
    if (encrypted && cols.isEmpty()) {
      throw SqlRefusal.insertWithoutColumns(table, columns.ofTable(table).keySet());
    }
    Select sel = ins.getSelect();
    if (sel instanceof Values) {
      for (List<Expression> row : rows((Values) sel, cols.size())) {
        insertRow(table, cols, row, target);
      }
    } else if (sel instanceof PlainSelect && encrypted) {
      insertSelect(table, cols, (PlainSelect) sel, ctes);
    } else if (sel != null) {
      if (encrypted && columns.writesEncrypted(table, cols)) {
        throw SqlRefusal.insertSetOperation(table);
      }
      a.selects.select(sel, null);
    }
    if (ins.getDuplicateUpdateSets() != null) {
      assignments(table, ins.getDuplicateUpdateSets(), target, null, "ON DUPLICATE KEY UPDATE");
    }
    if (ins.getConflictAction() != null) {
      if (ins.getConflictAction().getUpdateSets() != null) {
        assignments(table, ins.getConflictAction().getUpdateSets(), target, null, "ON CONFLICT DO UPDATE");
      }
      a.conditions.condition(ins.getConflictAction().getWhereExpression(), target);
    }
    a.generatedKeys = ins.getReturningClause() != null
        ? a.projection.items(ins.getReturningClause(), target) : columns.exposed(table);
    if (ins.getReturningClause() != null) {
      a.read = a.generatedKeys;
    }
  }

  private List<List<Expression>> rows(Values values, int width) {
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

  private void insertRow(String table, List<String> cols, List<Expression> row, SqlScope scope) {
    if (row.size() != cols.size()) {
      if (columns.writesEncrypted(table, cols)) {
        throw SqlRefusal.insertWidth(table, cols.size(), row.size());
      }
      row.forEach(e -> a.conditions.condition(e, scope));
      return;
    }
    for (int j = 0; j < cols.size(); j++) {
      Expression e = row.get(j);
      EncryptedColumn enc = columns.find(table, cols.get(j)).orElse(null);
      EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(j)).orElse(null);
      if (enc != null) {
        if (e instanceof JdbcParameter) {
          a.target((JdbcParameter) e, valueTarget(enc, rowIdInRow(enc, cols, row)));
        } else if (!(e instanceof NullValue)) {
          throw SqlRefusal.literal("INSERT", enc);
        }
      } else if (owner != null) {
        blindIndexValue(owner, e, "INSERT");
      } else {
        a.conditions.condition(e, scope);
      }
    }
    requireBlindIndexWritten(table, cols, "INSERT");
    pairBlindIndexes(table, cols, row, "INSERT");
  }

  /**
   * A blind-index column is written only together with its encrypted column, both as {@code ?} (the
   * wrapper then fills the blind index from the column's value) or both NULL, so it cannot go stale.
   */
  private void pairBlindIndexes(String table, List<String> cols, List<Expression> vals, String what) {
    for (int k = 0; k < cols.size(); k++) {
      EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(k)).orElse(null);
      if (owner == null) {
        continue;
      }
      int j = cols.indexOf(key(owner.column()));
      if (j < 0) {
        throw SqlRefusal.blindIndexWithoutColumn(what, owner);
      }
      Expression v = unparen(vals.get(j));
      Expression b = unparen(vals.get(k));
      if (v instanceof JdbcParameter && b instanceof JdbcParameter) {
        JdbcParameter bp = (JdbcParameter) b;
        a.params.put(bp.getIndex(), new ParamTarget(ParamTarget.Kind.BLIND_INDEX, owner, 0, null,
            ((JdbcParameter) v).getIndex()));
      } else if (!(v instanceof NullValue && b instanceof NullValue)
          && !(v instanceof Column && b instanceof Column) // a copy, checked by copiesSameContext
          && !(sameColumnFromInsert(v, owner.column(), owner.rowIdColumn() == null)
              && sameColumnFromInsert(b, owner.blindIndexColumn(), true))) {
        throw SqlRefusal.blindIndexFromOtherValue(what, owner);
      }
    }
  }

  private Expression rowIdInRow(EncryptedColumn enc, List<String> cols, List<Expression> row) {
    if (enc.rowIdColumn() == null) {
      return null;
    }
    int k = cols.indexOf(key(enc.rowIdColumn()));
    if (k < 0) {
      throw SqlRefusal.rowIdNotWritten(enc);
    }
    return row.get(k);
  }

  private ParamTarget valueTarget(EncryptedColumn enc, Expression rowId) {
    if (enc.rowIdColumn() == null) {
      return ParamTarget.of(ParamTarget.Kind.VALUE, enc);
    }
    if (rowId instanceof JdbcParameter) {
      JdbcParameter p = (JdbcParameter) rowId;
      a.target(p, ParamTarget.of(ParamTarget.Kind.ROW_ID, enc));
      return new ParamTarget(ParamTarget.Kind.VALUE, enc, p.getIndex(), null);
    }
    if (rowId instanceof LongValue) {
      return new ParamTarget(ParamTarget.Kind.VALUE, enc, 0, ((LongValue) rowId).getValue());
    }
    if (rowId instanceof StringValue) {
      return new ParamTarget(ParamTarget.Kind.VALUE, enc, 0, ((StringValue) rowId).getValue());
    }
    throw SqlRefusal.rowIdExpression(enc);
  }

  private void blindIndexValue(EncryptedColumn owner, Expression e, String what) {
    if (e instanceof JdbcParameter) {
      a.target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX, owner));
    } else if (!(e instanceof NullValue)) {
      throw SqlRefusal.blindIndexInline(what, owner);
    }
  }

  private void requireBlindIndexWritten(String table, List<String> written, String what) {
    for (String c : written) {
      EncryptedColumn enc = columns.find(table, c).orElse(null);
      if (enc != null && enc.blindIndexColumn() != null && !written.contains(key(enc.blindIndexColumn()))) {
        throw SqlRefusal.blindIndexNotWritten(what, enc);
      }
    }
  }

  private void insertSelect(String table, List<String> cols, PlainSelect ps,
      Map<String, Map<String, ReadColumn>> ctes) {
    SqlScope scope = a.selects.from(ps, null, ctes);
    List<SelectItem<?>> items = ps.getSelectItems();
    for (SelectItem<?> it : items) {
      if (it.getExpression() instanceof AllColumns && columns.writesEncrypted(table, cols)) {
        throw SqlRefusal.insertSelectStar(table);
      }
    }
    if (items.size() != cols.size()) {
      throw SqlRefusal.insertSelectWidth(table, cols.size(), items.size());
    }
    for (int j = 0; j < cols.size(); j++) {
      Expression e = items.get(j).getExpression();
      EncryptedColumn enc = columns.find(table, cols.get(j)).orElse(null);
      EncryptedColumn owner = columns.findByBlindIndexColumn(table, cols.get(j)).orElse(null);
      if (enc != null) {
        if (e instanceof JdbcParameter && enc.rowIdColumn() == null) {
          a.target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.VALUE, enc));
        } else if (!(e instanceof NullValue) && !copiesSameContext(e, scope, enc, false)) {
          throw SqlRefusal.insertSelectValue(enc);
        }
      } else if (owner != null) {
        if (!(e instanceof JdbcParameter && owner.rowIdColumn() == null) && !(e instanceof NullValue)
            && !copiesSameContext(e, scope, owner, true)) {
          throw SqlRefusal.insertSelectBlindIndex(owner);
        }
        if (e instanceof JdbcParameter) {
          a.target((JdbcParameter) e, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX, owner));
        }
      } else {
        a.conditions.condition(e, scope);
      }
    }
    requireBlindIndexWritten(table, cols, "INSERT ... SELECT");
    List<Expression> selected = new ArrayList<>();
    items.forEach(it -> selected.add(it.getExpression()));
    pairBlindIndexes(table, cols, selected, "INSERT ... SELECT");
    a.selects.clauses(ps, scope);
  }

  /** Whether a selected column holds values (or blind indexes) that decrypt in {@code to}'s context as they are. */
  private boolean copiesSameContext(Expression e, SqlScope scope, EncryptedColumn to, boolean blindIndex) {
    Resolved r = e instanceof Column ? columns.resolve((Column) e, scope) : null;
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
    SqlScope scope = new SqlScope(null, a.selects.withItems(up.getWithItemsList(), null));
    scope.add(new Source(table, columns.exposed(table)), table,
        up.getTable().getAlias() == null ? null : unquote(up.getTable().getAlias().getName()));
    if (up.getStartJoins() != null) {
      up.getStartJoins().forEach(j -> a.selects.fromItem(scope, j.getFromItem()));
    }
    a.selects.fromItem(scope, up.getFromItem());
    a.selects.joins(scope, up.getJoins());
    assignments(table, up.getUpdateSets(), scope, up.getWhere(), "UPDATE");
    a.conditions.condition(up.getWhere(), scope);
    a.selects.joinConditions(scope, up.getStartJoins());
    a.selects.joinConditions(scope, up.getJoins());
    if (up.getReturningClause() != null) {
      a.read = a.projection.items(up.getReturningClause(), scope);
    }
  }

  void delete(Delete del) {
    String table = tableName(del.getTable());
    SqlScope scope = new SqlScope(null, a.selects.withItems(del.getWithItemsList(), null));
    scope.add(new Source(table, columns.exposed(table)), table,
        del.getTable().getAlias() == null ? null : unquote(del.getTable().getAlias().getName()));
    if (del.getUsingFromItemList() != null) {
      del.getUsingFromItemList().forEach(f -> a.selects.fromItem(scope, f));
    }
    a.selects.joins(scope, del.getJoins());
    a.conditions.condition(del.getWhere(), scope);
    a.selects.joinConditions(scope, del.getJoins());
    if (del.getReturningClause() != null) {
      a.read = a.projection.items(del.getReturningClause(), scope);
    }
  }

  private void assignments(String table, List<UpdateSet> sets, SqlScope scope, Expression where, String what) {
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
            throw SqlRefusal.rowIdChanged(what, table, enc);
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
        if (columns.writesEncrypted(table, cols)) {
          throw SqlRefusal.rowValueAssignment(what, table);
        }
        vals.forEach(v -> a.conditions.condition(v, scope));
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
                throw SqlRefusal.rowIdNotSelected(enc, what);
              }
            }
            a.target((JdbcParameter) e, valueTarget(enc, rowId));
          } else if (!(e instanceof NullValue) && !sameColumnFromInsert(e, enc.column(), enc.rowIdColumn() == null)) {
            throw SqlRefusal.literal(what, enc);
          }
        } else if (owner != null) {
          if (!sameColumnFromInsert(e, cols.get(j), owner.rowIdColumn() == null)) {
            blindIndexValue(owner, e, what);
          }
        } else {
          if (!(unparenthesed(e) instanceof Column)) { // a bare copy stays a copy; a computation on it would not be
            EncryptedColumn computed = a.projection.cipherValued(e, scope);
            if (computed != null) {
              throw SqlRefusal.computedAssignment(what, table, cols.get(j), computed);
            }
          }
          a.conditions.condition(e, scope);
        }
      }
    }
    requireBlindIndexWritten(table, written, what);
    pairBlindIndexes(table, pairedCols, pairedVals, what);
  }

  /** {@code excluded.col} (PostgreSQL) or {@code VALUES(col)} (MySQL/MariaDB): the row being inserted. */
  private boolean sameColumnFromInsert(Expression e, String column, boolean allowed) {
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

  /** The value in {@code WHERE rowIdColumn = value} (among ANDed conditions), or null. */
  private Expression rowIdEquality(Expression where, String rowIdColumn) {
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

  private static boolean isColumn(Expression e, String name) {
    return e instanceof Column && name.equals(unquote(((Column) e).getColumnName()));
  }

  private static boolean isRowIdValue(Expression e) {
    return e instanceof JdbcParameter || e instanceof LongValue || e instanceof StringValue;
  }

  private static Expression unparenthesed(Expression e) {
    while (e instanceof net.sf.jsqlparser.expression.Parenthesis) {
      e = ((net.sf.jsqlparser.expression.Parenthesis) e).getExpression();
    }
    while (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1
        && ((ParenthesedExpressionList<?>) e).get(0) instanceof Expression) {
      e = (Expression) ((ParenthesedExpressionList<?>) e).get(0);
    }
    return e;
  }
}
