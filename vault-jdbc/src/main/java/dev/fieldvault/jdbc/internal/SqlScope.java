package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Column;

/**
 * The names visible at one level of a statement for {@link SqlAnalyzer}: its FROM sources (tables,
 * derived tables, CTEs) by name and alias, with the enclosing level as parent, and the CTEs in scope.
 * {@link SqlSelects} builds them; {@link SqlColumns#resolve} says what a column reference in one means.
 */
final class SqlScope {
  final SqlScope parent;
  final Map<String, Map<String, ReadColumn>> ctes;
  final Map<String, Source> byName = new LinkedHashMap<>();
  final List<Source> sources = new ArrayList<>();

  SqlScope(SqlScope parent, Map<String, Map<String, ReadColumn>> ctes) {
    this.parent = parent;
    this.ctes = ctes;
  }

  Source lookup(String name) {
    for (SqlScope s = this; s != null; s = s.parent) {
      Source src = s.byName.get(name);
      if (src != null) {
        return src;
      }
    }
    return null;
  }

  /**
   * The source a column reference belongs to: the one its qualifier names, else the first (from this
   * level outwards) that exposes an encrypted column of that name, else the only source of a level.
   */
  Source sourceOf(Column c) {
    if (c.getTable() != null && c.getTable().getName() != null) {
      return lookup(SqlNames.unquote(c.getTable().getName()));
    }
    String name = SqlNames.unquote(c.getColumnName());
    for (SqlScope s = this; s != null; s = s.parent) {
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

  void add(Source src, String name, String alias) {
    sources.add(src);
    if (name != null) {
      byName.put(name, src);
    }
    if (alias != null) {
      byName.put(alias, src);
    }
  }

  /** Where a name in a FROM clause leads: a table, or a derived table / CTE with its exposed columns. */
  static final class Source {
    final String table;
    final Map<String, ReadColumn> exposed;

    Source(String table, Map<String, ReadColumn> exposed) {
      this.table = table;
      this.exposed = exposed;
    }
  }

  /** A column reference that leads to an encrypted column or to a blind-index column. */
  static final class Resolved {
    final EncryptedColumn column;
    final boolean blindIndex;
    final Source source;

    Resolved(EncryptedColumn column, boolean blindIndex, Source source) {
      this.column = column;
      this.blindIndex = blindIndex;
      this.source = source;
    }
  }
}
