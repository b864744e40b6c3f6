package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.tableName;
import static dev.fieldvault.jdbc.internal.SqlNames.unquote;

import dev.fieldvault.jdbc.internal.SqlScope.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * The walk of queries in the SQL analysis: CTEs, FROM items and joins become {@link SqlScope}s
 * (a table exposes its encrypted columns; a derived table or CTE exposes what its select list
 * exposes), the select list goes to {@link SqlProjection}, and join conditions, WHERE and HAVING to
 * {@link SqlConditions}. Part of one {@link SqlAnalysis}.
 */
final class SqlSelects {

  private final SqlAnalysis a;
  private final SqlColumns columns;

  SqlSelects(SqlAnalysis analysis) {
    this.a = analysis;
    this.columns = analysis.columns;
  }

  /** The CTEs of a WITH clause by name, each with the encrypted columns it exposes by label. */
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

  /** Walks a query (inside {@code outer}, or at the top for null); returns the encrypted columns it exposes by label. */
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
      Map<String, ReadColumn> labels = a.projection.items(ps.getSelectItems(), scope);
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
      ((Values) s).getExpressions().forEach(e -> a.conditions.condition(e, scope));
    }
    return Map.of();
  }

  /** The scope of a query's FROM item and joins. */
  SqlScope from(PlainSelect ps, SqlScope outer, Map<String, Map<String, ReadColumn>> ctes) {
    SqlScope scope = new SqlScope(outer, ctes);
    fromItem(scope, ps.getFromItem());
    joins(scope, ps.getJoins());
    return scope;
  }

  /** A query's join conditions, WHERE and HAVING. */
  void clauses(PlainSelect ps, SqlScope scope) {
    joinConditions(scope, ps.getJoins());
    a.conditions.condition(ps.getWhere(), scope);
    a.conditions.condition(ps.getHaving(), scope);
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
          j.getOnExpressions().forEach(e -> a.conditions.condition(e, scope));
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
      scope.add(cte != null ? new Source(null, cte) : new Source(name, columns.exposed(name)), name, alias);
    } else if (fi instanceof ParenthesedSelect) {
      scope.add(new Source(null, select(((ParenthesedSelect) fi).getSelect(), scope.parent)), null, alias);
    } else if (fi instanceof ParenthesedFromItem) {
      ParenthesedFromItem p = (ParenthesedFromItem) fi;
      fromItem(scope, p.getFromItem());
      joins(scope, p.getJoins());
      joinConditions(scope, p.getJoins());
    }
  }
}
