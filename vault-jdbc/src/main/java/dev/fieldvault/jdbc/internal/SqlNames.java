package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Locale;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Table;

/**
 * How the SQL analysis compares names and peels parentheses: a declared name and a name from the
 * parser meet under one key, so that {@code Email}, {@code email} and {@code "email"} find the same
 * column where the database would. Static helpers, no state.
 */
final class SqlNames {

  private SqlNames() {
  }

  /**
   * The key a name is matched by: a declared (model) name by {@link SqlIdentifier}'s rule, a name
   * the parser gave (already unquoted) in lower case.
   */
  static String key(String name) {
    if (name.indexOf('"') < 0 && name.indexOf('`') < 0) {
      return name.toLowerCase(Locale.ROOT);
    }
    try {
      return SqlIdentifier.key(name);
    } catch (VaultConfigurationException e) {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  /** The key of the last part of a (perhaps qualified, perhaps quoted) name the parser gave; null for null. */
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

  /** The key of a table's name. */
  static String tableName(Table t) {
    return unquote(t.getName());
  }

  /** The expression inside single parentheses ({@code (x)}), or the expression itself. */
  static Expression unparen(Expression e) {
    while (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
      e = ((ParenthesedExpressionList<?>) e).get(0);
    }
    return e;
  }
}
