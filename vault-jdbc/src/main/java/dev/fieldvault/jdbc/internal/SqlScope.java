package dev.fieldvault.jdbc.internal;

import dev.fieldvault.keys.EncryptedColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names visible at one level of a statement for {@link SqlAnalyzer}: its FROM sources (tables,
 * derived tables, CTEs) by name and alias, with the enclosing level as parent, and the CTEs in scope.
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
