package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.unparen;

import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;

/**
 * The condition rules of the SQL analysis (WHERE, HAVING, ON, and any expression that is not a
 * written value): {@code =}, {@code <>}, {@code IN} and {@code NOT IN} between an encrypted (or
 * blind-index) column and {@code ?} map the parameter to a search, with the text edits that widen
 * it for a key rotation; anything else that would compare or compute with an encrypted column, or
 * send a {@code ?} next to one unmapped, is refused. Part of one {@link SqlAnalysis}.
 */
final class SqlConditions {

  private final SqlAnalysis a;
  private final SqlColumns columns;

  SqlConditions(SqlAnalysis analysis) {
    this.a = analysis;
    this.columns = analysis.columns;
  }

  /** Maps the searches of an expression (null: nothing) and refuses what cannot run on ciphertext. */
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
  private void refuseUnmappedParameters(Expression e, SqlScope scope) {
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
    e.accept(new ExpressionVisitorAdapter<Void>() {
      @Override
      public <S> Void visit(JdbcParameter p, S context) {
        if (p.getIndex() == null || !a.params.containsKey(p.getIndex())) {
          unmapped.add(p);
        }
        return null;
      }

      @Override
      public <S> Void visit(ParenthesedSelect s, S context) {
        return visit((Select) s, context);
      }

      @Override
      public <S> Void visit(AnyComparisonExpression any, S context) {
        return visit(any.getSelect(), context);
      }

      @Override
      public <S> Void visit(Select s, S context) {
        Resolved r = columns.selectedBy(s);
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
    EncryptedColumn inside = columns.encryptedInside(e, scope);
    if (inside == null && !selected.isEmpty()) {
      inside = selected.get(0).column;
    }
    if (inside != null) {
      throw SqlRefusal.unmappedParameter(inside);
    }
  }

  private static List<PlainSelect> plainSelects(Select s) {
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

  /** Visits one condition in one scope: maps its searches, refuses ranges and computations on encrypted columns. */
  private final class ConditionVisitor extends ExpressionVisitorAdapter<Void> {
    final SqlScope scope;

    ConditionVisitor(SqlScope scope) {
      this.scope = scope;
    }

    Resolved direct(Expression e) {
      e = unparen(e);
      return e instanceof Column ? columns.resolve((Column) e, scope) : null;
    }

    void equality(BinaryExpression e, boolean negated) {
      Expression left = e.getLeftExpression();
      Expression right = e.getRightExpression();
      Resolved l = direct(left);
      Resolved r = direct(right);
      if (l != null && r == null) {
        JdbcParameter p = operand(l, right);
        if (p != null) {
          a.searches.comparison(e, left, p, negated, l.column);
        }
      } else if (r != null && l == null) {
        JdbcParameter p = operand(r, left);
        if (p != null) {
          a.searches.comparison(e, right, p, negated, r.column);
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
          a.target((JdbcParameter) other, ParamTarget.of(ParamTarget.Kind.BLIND_INDEX_SEARCH, col.column));
        } else if (col.column.mode() == EncryptionMode.DETERMINISTIC) {
          a.target((JdbcParameter) other, ParamTarget.of(ParamTarget.Kind.SEARCH, col.column));
        } else {
          throw SqlRefusal.randomizedSearch(col.column);
        }
      } else if (other instanceof Column && columns.resolve((Column) other, scope) == null
          && scope.sourceOf((Column) other) != null && scope.sourceOf((Column) other).table == null) {
        // a derived table or CTE column can be a ? (FROM (SELECT ? AS v) x WHERE email = x.v)
        throw SqlRefusal.derivedColumnComparison(col);
      } else if (!(other instanceof NullValue || other instanceof Column || other instanceof ParenthesedSelect)) {
        throw SqlRefusal.inlineComparison(col);
      }
      return other instanceof JdbcParameter ? (JdbcParameter) other : null;
    }

    void refuseComputed(Expression e) {
      if (e == null) {
        return;
      }
      EncryptedColumn inside = columns.encryptedInside(e, scope);
      if (inside != null) {
        throw SqlRefusal.computedCondition(inside);
      }
    }

    void refuseRanges(BinaryExpression e, String what) {
      refuseRange(e.getLeftExpression(), what);
      refuseRange(e.getRightExpression(), what);
    }

    void refuseRange(Expression left, String what) {
      Resolved r = direct(left);
      EncryptedColumn c = r != null ? r.column : columns.encryptedInside(left, scope);
      if (c != null) {
        throw SqlRefusal.range(what, c);
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
              a.searches.listElement((Expression) o, p, false, col.column);
            }
          }
        } else if (!(right instanceof ParenthesedSelect)) {
          JdbcParameter p = operand(col, right);
          if (p != null) {
            a.searches.listElement(right, p, true, col.column);
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
          throw SqlRefusal.comparedWithValue(col, "An IN list holds");
        }
      }
    }

    /** A value or expression compared with an encrypted column a subquery selects would be sent as it is. */
    void refuseValueAgainstSubquery(Expression subquery, Expression other) {
      Resolved col = selectedBySubquery(subquery);
      if (col != null && !(unparen(other) instanceof Column)) {
        throw SqlRefusal.comparedWithValue(col, "A subquery selects");
      }
    }

    /** The encrypted or blind-index column {@code (SELECT ...)} or {@code ANY/ALL (SELECT ...)} selects, or null. */
    Resolved selectedBySubquery(Expression e) {
      e = unparen(e);
      Select s = e instanceof Select ? (Select) e
          : e instanceof AnyComparisonExpression ? ((AnyComparisonExpression) e).getSelect() : null;
      return s == null ? null : columns.selectedBy(s);
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
      a.selects.select(s.getSelect(), scope);
      return null;
    }

    @Override
    public <S> Void visit(Select s, S context) {
      a.selects.select(s, scope);
      return null;
    }

    @Override
    public <S> Void visit(AnalyticExpression e, S context) {
      return null;
    }
  }
}
