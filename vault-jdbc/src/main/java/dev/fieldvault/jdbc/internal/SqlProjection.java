package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.unparen;
import static dev.fieldvault.jdbc.internal.SqlNames.unquote;

import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.jdbc.internal.SqlScope.Source;
import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The projection rules of the SQL analysis: which result labels of a select list (or RETURNING
 * clause) carry an encrypted column, so that their getters decrypt, with the label of the row id a
 * row-bound column needs. A label shared by an encrypted column and another column, and an
 * expression whose result would be a ciphertext (a function, CASE, arithmetic or scalar subquery of
 * an encrypted column), are refused. Part of one {@link SqlAnalysis}.
 */
final class SqlProjection {

  private final SqlAnalysis a;
  private final SqlColumns columns;

  SqlProjection(SqlAnalysis analysis) {
    this.a = analysis;
    this.columns = analysis.columns;
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
        Source src = scope.sourceOf(c);
        if (src != null) {
          labelOf.computeIfAbsent(src, k -> new HashMap<>()).putIfAbsent(unquote(c.getColumnName()), label);
        }
        Resolved r = columns.resolve(c, scope);
        if (r != null && !r.blindIndex) {
          ReadColumn rc = r.source.exposed.get(unquote(c.getColumnName()));
          Map.Entry<Source, ReadColumn> before = found.put(label, Map.entry(r.source, rc));
          if (before != null && before.getValue().column != rc.column) {
            throw SqlRefusal.ambiguousLabel(label, rc.column);
          }
        } else {
          others.add(label);
        }
      } else {
        EncryptedColumn cipher = cipherValued(e, scope);
        if (cipher != null) {
          throw SqlRefusal.selectListExpression(cipher);
        }
        if (it.getAlias() != null) {
          others.add(unquote(it.getAlias().getName()));
        }
        a.conditions.condition(e, scope);
      }
    }
    for (String label : others) {
      ReadColumn rc = found.containsKey(label) ? found.get(label).getValue() : labels.get(label);
      if (rc != null) {
        throw SqlRefusal.ambiguousLabel(label, rc.column);
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
      Resolved r = columns.resolve((Column) e, scope);
      return r == null || r.blindIndex ? null : r.column;
    }
    if (e instanceof Function && "count".equalsIgnoreCase(((Function) e).getName())) {
      return null;
    }
    if (e instanceof AnalyticExpression && "count".equalsIgnoreCase(((AnalyticExpression) e).getName())) {
      return null;
    }
    if (e instanceof Select) {
      Resolved r = columns.selectedBy((Select) e);
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
        Resolved r = columns.resolve(c, scope);
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
        Resolved r = columns.selectedBy(s);
        if (r != null && !r.blindIndex && found[0] == null) {
          found[0] = r.column;
        }
        return null;
      }
    }, null);
    return found[0];
  }
}
