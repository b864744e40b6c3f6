package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.parser.ASTNodeAccess;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.Token;

/**
 * The text edits that widen the searches of one SQL string for a key rotation ({@code col = ?}
 * becomes {@code col IN (group)}), collected by {@link SqlConditions} as it maps searched parameters,
 * and turned into the statement's {@link SearchExpansion}. Each edit is placed by the parser's token
 * positions, checked against the text; a search that cannot be placed exactly is refused.
 */
final class SearchEdits {

  /** The SQL text, to rewrite searches in; null when they are not rewritten (the edits are then ignored). */
  private final String sql;
  private final List<SearchExpansion.Edit> edits = new ArrayList<>();

  SearchEdits(String sql) {
    this.sql = sql;
  }

  boolean isEmpty() {
    return edits.isEmpty();
  }

  /** {@code col = ?} (either side) becomes {@code col IN (group)}, {@code col <> ?} {@code col NOT IN (group)}. */
  void comparison(BinaryExpression e, Expression column, JdbcParameter p, boolean negated, EncryptedColumn searched) {
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
  void listElement(Expression element, JdbcParameter p, boolean bare, EncryptedColumn searched) {
    if (sql != null) {
      int[] at = span(element, searched);
      edits.add(new SearchExpansion.Edit(at[0], at[1], bare ? "(" : "", bare ? ")" : "", p.getIndex()));
    }
  }

  /**
   * The expansion of the collected edits, or null when nothing is rewritten; refused when two edits
   * overlap or their parameters are out of text order.
   */
  SearchExpansion toExpansion(Map<Integer, ParamTarget> params) {
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
    for (int i = 0; i < edits.size(); i++) {
      SearchExpansion.Edit e = edits.get(i);
      ParamTarget t = params.get(e.parameter);
      deterministic |= t.kind == ParamTarget.Kind.SEARCH;
      blindIndex |= t.kind == ParamTarget.Kind.BLIND_INDEX_SEARCH;
      if (t.kind == ParamTarget.Kind.SEARCH && t.column.legacyPlaintext()
          && t.column.storage() == dev.fieldvault.keys.ColumnStorage.TEXT) {
        edits.set(i, e.legacyText());
      }
    }
    return new SearchExpansion(sql, edits, deterministic, blindIndex);
  }

  /** The text range {@code [start, end)} of a parsed node, checked against the SQL text. */
  private int[] span(Object node, EncryptedColumn searched) {
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
}
