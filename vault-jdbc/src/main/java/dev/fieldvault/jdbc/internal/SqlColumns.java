package dev.fieldvault.jdbc.internal;

import static dev.fieldvault.jdbc.internal.SqlNames.key;
import static dev.fieldvault.jdbc.internal.SqlNames.tableName;
import static dev.fieldvault.jdbc.internal.SqlNames.unparen;
import static dev.fieldvault.jdbc.internal.SqlNames.unquote;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptedProcedure;
import dev.fieldvault.jdbc.internal.SqlScope.Resolved;
import dev.fieldvault.jdbc.internal.SqlScope.Source;
import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;

/**
 * The declared encrypted columns as the SQL analysis looks them up: by table and name, as a table
 * exposes them to a query, and what a column reference in a {@link SqlScope}, an expression or a
 * subquery's select list leads to (an encrypted column, or the blind-index column of one).
 * Immutable; one per {@link SqlAnalyzer}.
 */
final class SqlColumns {

  private final EncryptedColumns declared;
  private final Map<String, Map<String, ReadColumn>> exposedByTable = new HashMap<>();

  SqlColumns(EncryptedColumns declared) {
    this.declared = declared;
    for (String table : declared.tables()) {
      Map<String, ReadColumn> m = new LinkedHashMap<>();
      for (EncryptedColumn c : declared.ofTable(table).values()) {
        m.put(key(c.column()), new ReadColumn(c, c.rowIdColumn() == null ? null : key(c.rowIdColumn())));
      }
      exposedByTable.put(table, Map.copyOf(m));
    }
  }

  boolean hasTable(String table) {
    return declared.hasTable(table);
  }

  Map<String, EncryptedColumn> ofTable(String table) {
    return declared.ofTable(table);
  }

  Optional<EncryptedColumn> find(String table, String column) {
    return declared.find(table, column);
  }

  Optional<EncryptedColumn> findByBlindIndexColumn(String table, String column) {
    return declared.findByBlindIndexColumn(table, column);
  }

  Optional<EncryptedProcedure> procedure(String name) {
    return declared.procedure(name);
  }

  /** The encrypted columns a table exposes to a query, by key, with their row-id labels; empty for another table. */
  Map<String, ReadColumn> exposed(String table) {
    return exposedByTable.getOrDefault(table, Map.of());
  }

  /** Whether one of the columns is encrypted, or the blind-index column of an encrypted one. */
  boolean writesEncrypted(String table, List<String> cols) {
    for (String c : cols) {
      if (declared.find(table, c).isPresent() || declared.findByBlindIndexColumn(table, c).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** The first table with encrypted columns whose name appears in the SQL as a word, or null. */
  String mentionedTable(String sql) {
    String lower = sql.toLowerCase(Locale.ROOT);
    for (String table : declared.tables()) {
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

  /** What a column reference leads to in a scope (or the scopes around it), or null for a plain column. */
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

  private Resolved resolveIn(Source src, String name) {
    ReadColumn rc = src.exposed.get(name);
    if (rc != null) {
      return new Resolved(rc.column, false, src);
    }
    if (src.table != null) {
      EncryptedColumn owner = declared.findByBlindIndexColumn(src.table, name).orElse(null);
      if (owner != null) {
        return new Resolved(owner, true, src);
      }
    }
    return null;
  }

  /** An encrypted column referenced anywhere inside an expression (subqueries aside), or null. */
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

  /** The encrypted or blind-index column a subquery selects from a table with encrypted columns, or null. */
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
      if (fi instanceof Table && declared.hasTable(tableName((Table) fi))) {
        tables.add(tableName((Table) fi));
      }
    }
    for (SelectItem<?> it : ps.getSelectItems()) {
      Expression x = unparen(it.getExpression());
      for (String t : tables) {
        if (x instanceof AllColumns || x instanceof AllTableColumns) {
          return new Resolved(declared.ofTable(t).values().iterator().next(), false, null);
        }
        String name = x instanceof Column ? unquote(((Column) x).getColumnName()) : null;
        EncryptedColumn enc = name == null ? null : declared.find(t, name).orElse(null);
        EncryptedColumn owner = name == null ? null : declared.findByBlindIndexColumn(t, name).orElse(null);
        if (enc != null || owner != null) {
          return new Resolved(enc != null ? enc : owner, enc == null, null);
        }
      }
    }
    return null;
  }
}
