package dev.fieldvault.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but valid SQL over the fuzz tables of {@link SqlDifferentialFuzzTest}: {@code id BIGINT,
 * det} (deterministic), {@code rnd} (randomized, bound to its row's id), {@code bi} (randomized)
 * with its blind index {@code bi_bi}, {@code n INT} and {@code t VARCHAR} (plain). The table is
 * written {@value #TABLE}; the test puts the plain or the encrypted twin there.
 *
 * <p>WHERE clauses are trees of AND / OR / NOT and parentheses over comparisons of the searchable
 * columns ({@code =, <>, !=, IN, NOT IN, IS [NOT] NULL}, the {@code ?} on either side) and of the
 * plain ones (ranges, LIKE, string literals holding {@code ?} or comment-like text), with comments
 * between terms. {@link #unsafe()} adds one comparison or assignment the wrapper must refuse.
 */
final class SqlFuzzGenerator {

  static final String TABLE = "{T}";

  static final List<String> DET = List.of("det-alpha", "det-beta", "det-gamma?", "det-O'Brien");
  static final List<String> RND = List.of("rnd-one", "rnd-two", "rnd-three");
  static final List<String> BI = List.of("bi-red", "bi-green", "bi-blue");
  static final List<String> TEXT = List.of("t-x", "t-y", "what?", "-- not a comment", "/* not */", "it's?");
  /** The plaintexts of the encrypted columns: none may ever reach the driver. */
  static final List<String> ENCRYPTED_PLAINTEXTS = concat(DET, RND, BI);
  static final int ROWS = 30;

  /** What a {@code ?} stands for, and so which values it is bound to. */
  enum Role {
    DET, RND, BI, INT, TEXT, ID, LIMIT, OFFSET;

    Object value(Random r) {
      switch (this) {
        case DET:
          return nullOr(r, SqlFuzzGenerator.DET);
        case RND:
          return nullOr(r, SqlFuzzGenerator.RND);
        case BI:
          return nullOr(r, SqlFuzzGenerator.BI);
        case TEXT:
          return nullOr(r, SqlFuzzGenerator.TEXT);
        case INT:
          return 1 + r.nextInt(5);
        case ID:
          return (long) (1 + r.nextInt(ROWS));
        case LIMIT:
          return r.nextInt(8);
        default:
          return r.nextInt(4);
      }
    }

    private static Object nullOr(Random r, List<String> values) {
      return r.nextInt(12) == 0 ? null : values.get(r.nextInt(values.size()));
    }
  }

  /** One {@code ?}: its role, and the earlier parameter (0-based) whose value it repeats, or -1. */
  record Param(Role role, int sameAs) {}

  /** A statement: its SQL (with {@value #TABLE}), parameters, and whether it reads rows in a defined order. */
  record Case(String sql, List<Param> params, boolean query, boolean ordered, boolean batch, boolean unsafe) {

    /** {@code rows} rows of parameter values. */
    List<List<Object>> values(Random r, int rows) {
      List<List<Object>> out = new ArrayList<>();
      for (int k = 0; k < rows; k++) {
        List<Object> row = new ArrayList<>();
        for (Param p : params) {
          row.add(p.sameAs() >= 0 ? row.get(p.sameAs()) : p.role().value(r));
        }
        out.add(row);
      }
      return out;
    }

    String on(String table) {
      return sql.replace(TABLE, table);
    }
  }

  private final Random r;
  private final StringBuilder sql = new StringBuilder();
  private final List<Param> params = new ArrayList<>();
  /** The qualifier of the outer table's columns: "" or "e.". */
  private String q = "";

  SqlFuzzGenerator(Random r) {
    this.r = r;
  }

  /** A statement the wrapper must run exactly as the plain table does. */
  Case safe() {
    int k = r.nextInt(100);
    if (k < 55) {
      return select(false);
    }
    if (k < 75) {
      return update(false, false);
    }
    if (k < 85) {
      return delete(false, false);
    }
    return r.nextBoolean() ? update(false, true) : delete(false, true);
  }

  /** A statement with one comparison or assignment the wrapper must refuse. */
  Case unsafe() {
    int k = r.nextInt(100);
    if (k < 40) {
      return select(true);
    }
    if (k < 65) {
      return update(true, false);
    }
    if (k < 75) {
      return delete(true, false);
    }
    if (k < 85) {
      return multiStatement();
    }
    if (k < 93) {
      return dynamicSql();
    }
    return procedureCall();
  }

  /** The shapes of {@link #unsafe()} other than one statement (each one in 12 to 14 unsafe statements). */
  enum UnsafeShape {
    MULTI_STATEMENT, DYNAMIC, CALL
  }

  /** An unsafe statement of the given shape. */
  Case unsafe(UnsafeShape shape) {
    switch (shape) {
      case MULTI_STATEMENT:
        return multiStatement();
      case DYNAMIC:
        return dynamicSql();
      default:
        return procedureCall();
    }
  }

  /**
   * Two statements in one SQL string (a safe one and another, or one with a plaintext written
   * inline after a harmless first one): only the first would be analysed by a parser that stops there.
   */
  private Case multiStatement() {
    Case first = r.nextInt(3) == 0 ? new Case(pick("SELECT 1", "SELECT id FROM " + TABLE + " WHERE id = 1"),
        List.of(), true, true, false, false) : new SqlFuzzGenerator(r).safe();
    Case second = r.nextInt(4) == 0
        ? new Case("INSERT INTO " + TABLE + " (id, n, det) VALUES (" + (ROWS + 1) + ", 1, '"
            + DET.get(r.nextInt(DET.size())).replace("'", "''") + "')", List.of(), false, false, false, true)
        : new SqlFuzzGenerator(r).safe();
    // a newline first, so that a trailing "-- comment" of the first statement cannot hide the separator
    String text = first.sql() + pick("\n;", "\n; ", "\n;\n", "\n;;") + second.sql() + pick("", ";", " ;");
    List<Param> all = new ArrayList<>(first.params());
    for (Param p : second.params()) {
      all.add(new Param(p.role(), p.sameAs() < 0 ? -1 : p.sameAs() + first.params().size()));
    }
    return new Case(text, List.copyOf(all), false, false, false, true);
  }

  /** A safe statement run as SQL text by a vendor's dynamic SQL: the wrapper cannot see what it does. */
  private Case dynamicSql() {
    Case inner = new SqlFuzzGenerator(r).safe();
    String text = inner.sql().replace("'", "''");
    String sqlText = pick(
        "EXECUTE IMMEDIATE '" + text + "'",
        "PREPARE fuzz_s FROM '" + text + "'",
        "DO $$ BEGIN EXECUTE '" + text + "'; END $$",
        "SELECT query_to_xml('" + text + "', true, false, '')",
        "SELECT * FROM dblink('dbname=fuzz', '" + text + "') AS x(id BIGINT)",
        "EXECUTE fuzz_s USING " + "'" + DET.get(r.nextInt(DET.size())).replace("'", "''") + "'");
    return new Case(sqlText, inner.params(), false, false, false, true);
  }

  /** A call of a procedure the wrapper was not told about, with arguments: its body is invisible. */
  private Case procedureCall() {
    List<Role> roles = new ArrayList<>();
    StringBuilder args = new StringBuilder();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      args.append(i == 0 ? "" : ", ").append(r.nextInt(5) == 0 ? "'" + DET.get(0).replace("'", "''") + "'" : "?");
      if (args.charAt(args.length() - 1) == '?') {
        roles.add(List.of(Role.DET, Role.RND, Role.BI, Role.INT).get(r.nextInt(4)));
      }
    }
    String name = TABLE + "_proc";
    boolean returns = r.nextInt(3) == 0;
    String text = returns ? "{? = call " + name + "(" + args + ")}"
        : pick("CALL " + name + "(" + args + ")", "{call " + name + "(" + args + ")}", "call " + name + " (" + args + ")");
    List<Param> all = new ArrayList<>();
    if (returns) {
      all.add(new Param(Role.INT, -1));
    }
    roles.forEach(role -> all.add(new Param(role, -1)));
    return new Case(text, List.copyOf(all), false, false, false, true);
  }

  // ----------------------------------------------------------------------------------------------

  private Case select(boolean unsafe) {
    sql.append(pick("SELECT ", "SELECT ", "select /* list? */ "));
    boolean alias = r.nextBoolean();
    q = alias ? "e." : "";
    boolean count = r.nextInt(10) == 0;
    if (count) {
      sql.append("COUNT(*)");
    } else {
      sql.append(q).append("id");
      for (String c : List.of("det", "rnd", "bi", "n", "t")) {
        if (r.nextBoolean()) {
          sql.append(", ").append(q).append(c).append(r.nextInt(4) == 0 ? " AS x_" + c : "");
        }
      }
    }
    sql.append(" FROM ").append(TABLE).append(alias ? pick(" e", " AS e") : "");
    where(unsafe, true, unsafe || r.nextInt(10) != 0);
    boolean ordered = !count && r.nextInt(5) != 0;
    if (ordered) {
      sql.append(sep()).append("ORDER BY ").append(q).append("id").append(r.nextBoolean() ? " DESC" : "");
      if (r.nextInt(3) == 0) {
        sql.append(" LIMIT ");
        param(Role.LIMIT);
        if (r.nextBoolean()) {
          sql.append(" OFFSET ");
          param(Role.OFFSET);
        }
      }
    }
    return done(true, ordered || count, false, unsafe);
  }

  private Case update(boolean unsafe, boolean batch) {
    sql.append("UPDATE ").append(TABLE).append(" SET ");
    List<String> set = new ArrayList<>(List.of("n", "t", "det", "bi", "rnd"));
    java.util.Collections.shuffle(set, r);
    set = set.subList(0, 1 + r.nextInt(set.size()));
    boolean rowBound = set.contains("rnd");
    boolean unsafeSet = unsafe && r.nextBoolean();
    boolean first = true;
    for (String c : set) {
      sql.append(first ? "" : ", ");
      first = false;
      assign(c);
    }
    boolean rowBoundWithoutId = unsafeSet && unsafeAssignment(rowBound);
    if (rowBound) {
      sql.append(" WHERE id = ");
      param(Role.ID);
      sql.append(" AND (");
      condition(2, false);
      sql.append(')');
      if (unsafe && !unsafeSet) {
        sql.append(" AND ");
        unsafeAtom();
      }
    } else if (rowBoundWithoutId) {
      // a row-bound column needs WHERE id = ? at the top (an OR hides it)
      sql.append(" WHERE id > ");
      param(Role.ID);
      sql.append(" OR (");
      condition(2, false);
      sql.append(')');
    } else {
      where(unsafe && !unsafeSet, false, !unsafe || unsafeSet ? r.nextInt(20) != 0 : true);
    }
    return done(false, true, batch, unsafe);
  }

  private void assign(String c) {
    sql.append(c).append(" = ");
    switch (c) {
      case "n":
        if (r.nextInt(4) == 0) {
          sql.append("n + 1");
        } else {
          param(Role.INT);
        }
        break;
      case "t":
        if (r.nextInt(4) == 0) {
          sql.append("'set? -- /* x */'");
        } else {
          param(Role.TEXT);
        }
        break;
      case "det":
        if (r.nextInt(6) == 0) {
          sql.append("NULL");
        } else {
          param(Role.DET);
        }
        break;
      case "bi":
        int at = params.size();
        param(Role.BI);
        sql.append(", bi_bi = ");
        params.add(new Param(Role.BI, at));
        sql.append('?');
        break;
      default:
        param(Role.RND);
    }
  }

  private Case delete(boolean unsafe, boolean batch) {
    sql.append("DELETE FROM ").append(TABLE);
    where(unsafe, false, !unsafe ? r.nextInt(20) != 0 : true);
    return done(false, true, batch, unsafe);
  }

  private Case done(boolean query, boolean ordered, boolean batch, boolean unsafe) {
    if (r.nextInt(8) == 0) {
      sql.append(" -- trailing? comment");
    }
    return new Case(sql.toString(), List.copyOf(params), query, ordered, batch, unsafe);
  }

  private void where(boolean unsafe, boolean subqueries, boolean present) {
    if (!present) {
      return;
    }
    sql.append(sep()).append("WHERE ");
    if (!unsafe) {
      condition(3, subqueries);
      return;
    }
    switch (r.nextInt(5)) {
      case 0:
        unsafeAtom();
        break;
      case 1:
        sql.append('(');
        condition(2, subqueries);
        sql.append(")").append(sep()).append("AND ");
        unsafeAtom();
        break;
      case 2:
        unsafeAtom();
        sql.append(sep()).append("OR (");
        condition(2, subqueries);
        sql.append(')');
        break;
      case 3:
        sql.append("NOT (");
        condition(1, subqueries);
        sql.append(" OR (");
        unsafeAtom();
        sql.append(" AND ");
        condition(1, subqueries);
        sql.append("))");
        break;
      default:
        if (subqueries) {
          sql.append(q).append("id IN (SELECT id FROM ").append(TABLE).append(" WHERE ");
          String outer = q;
          q = "";
          unsafeAtom();
          q = outer;
          sql.append(')');
        } else {
          unsafeAtom();
        }
    }
  }

  private void condition(int depth, boolean subqueries) {
    int k = depth <= 0 ? 0 : r.nextInt(6);
    switch (k) {
      case 2:
      case 3:
        boolean parens = r.nextBoolean();
        sql.append(parens ? "(" : "");
        condition(depth - 1, subqueries);
        sql.append(sep()).append(k == 2 ? pick("AND ", "and ") : pick("OR ", "or ")).append(sep());
        condition(depth - 1, subqueries);
        sql.append(parens ? ")" : "");
        break;
      case 4:
        sql.append(pick("NOT (", "NOT(", "(")).append(sep());
        condition(depth - 1, subqueries);
        sql.append(')');
        break;
      default:
        if (subqueries && r.nextInt(12) == 0) {
          subquery();
        } else {
          atom();
        }
    }
  }

  private void subquery() {
    String outer = q;
    if (!outer.isEmpty() && r.nextBoolean()) {
      sql.append(pick("EXISTS (SELECT 1 FROM ", "NOT EXISTS (SELECT 1 FROM ")).append(TABLE)
          .append(" s WHERE s.id = e.id AND ");
      q = "s.";
    } else {
      sql.append(outer).append(pick("id IN (SELECT id FROM ", "id NOT IN (SELECT id FROM ")).append(TABLE)
          .append(" WHERE id IS NOT NULL AND ");
      q = "";
    }
    condition(1, false);
    q = outer;
    sql.append(')');
  }

  private void atom() {
    int k = r.nextInt(10);
    if (k < 4) {
      searched(r.nextBoolean() ? "det" : "bi_bi");
    } else if (k == 4) {
      sql.append(q).append(pick("det", "rnd", "bi", "bi_bi", "n", "t"))
          .append(pick(" IS NULL", " IS NOT NULL", " is  null"));
    } else if (k < 7) {
      number();
    } else if (k < 9) {
      text();
    } else {
      id();
    }
  }

  /** A search on a deterministic or blind-index column. */
  private void searched(String c) {
    Role role = c.equals("det") ? Role.DET : Role.BI;
    String col = q + c;
    switch (r.nextInt(12)) {
      case 0:
        sql.append(col).append(" = ");
        param(role);
        break;
      case 1:
        param(role);
        sql.append(pick(" = ", "=")).append(col);
        break;
      case 2:
        sql.append(col).append(pick(" <> ", "<>", " != "));
        param(role);
        break;
      case 3:
        param(role);
        sql.append(pick(" <> ", " != ")).append(col);
        break;
      case 4:
      case 5:
        sql.append(col).append(pick(" IN (", " in(", " NOT IN (", " not in ("));
        list(role);
        sql.append(')');
        break;
      case 6:
        sql.append(col).append(" = (");
        param(role);
        sql.append(')');
        break;
      case 7:
        sql.append('(').append(col).append(") = ");
        param(role);
        break;
      case 8:
        sql.append(col).append(pick(" IN (NULL, ", " IN ((", " NOT IN (("));
        boolean nested = sql.charAt(sql.length() - 1) == '(' && sql.charAt(sql.length() - 2) == '(';
        param(role);
        sql.append(nested ? "), " : ", ");
        param(role);
        sql.append(')');
        break;
      case 9:
        sql.append(col).append(pick(" IS NULL", " IS NOT NULL"));
        break;
      case 10:
        sql.append("NOT ").append(col).append(" = ");
        param(role);
        break;
      default:
        sql.append(col).append(pick("=", "<>", "!="));
        param(role);
    }
  }

  private void list(Role role) {
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : pick(", ", ",", " , ", ", /* in? */ "));
      param(role);
    }
  }

  private void number() {
    String n = q + "n";
    switch (r.nextInt(9)) {
      case 0:
        sql.append(n).append(pick(" = ", " <> ", " != ", " < ", " >= "));
        param(Role.INT);
        break;
      case 1:
        param(Role.INT);
        sql.append(pick(" = ", " <> ", " > ", " <= ")).append(n);
        break;
      case 2:
        sql.append(n).append(" BETWEEN ");
        param(Role.INT);
        sql.append(" AND ");
        param(Role.INT);
        break;
      case 3:
        sql.append(n).append(pick(" IN (", " NOT IN ("));
        list(Role.INT);
        sql.append(", 3)");
        break;
      case 4:
        sql.append(n).append(pick(" = 3", " <> 2", " > 4"));
        break;
      case 5:
        sql.append(n).append(" + 1 = ");
        param(Role.INT);
        break;
      default:
        sql.append(n).append(pick(" = ", " < "));
        param(Role.INT);
    }
  }

  private void text() {
    String t = q + "t";
    switch (r.nextInt(7)) {
      case 0:
        sql.append(t).append(pick(" = ", " <> "));
        param(Role.TEXT);
        break;
      case 1:
        sql.append(t).append(pick(" = 'what?'", " <> '-- not a comment'", " = '/* not */'", " = 'it''s?'"));
        break;
      case 2:
        sql.append(pick("'what?' = ", "'t-x' <> ")).append(t);
        break;
      case 3:
        sql.append(t).append(pick(" LIKE '%?%'", " NOT LIKE '%--%'", " LIKE 't-%'"));
        break;
      case 4:
        sql.append(t).append(pick(" IN ('/* not */', ", " NOT IN ('what?', "));
        param(Role.TEXT);
        sql.append(')');
        break;
      default:
        sql.append(t).append(" IN (");
        list(Role.TEXT);
        sql.append(')');
    }
  }

  private void id() {
    String id = q + "id";
    switch (r.nextInt(4)) {
      case 0:
        sql.append(id).append(pick(" > ", " <= ", " = "));
        param(Role.ID);
        break;
      case 1:
        sql.append(id).append(" IN (");
        list(Role.ID);
        sql.append(')');
        break;
      case 2:
        sql.append(id).append(" BETWEEN ");
        param(Role.ID);
        sql.append(" AND ");
        param(Role.ID);
        break;
      default:
        sql.append(id).append(pick(" = 7", " > 20", " <> 3"));
    }
  }

  // ----------------------------------------------------------------------------------------------
  // What the wrapper must refuse

  private void unsafeAtom() {
    String name = pick("det", "det", "bi_bi", "rnd", "bi");
    String c = q + name;
    String lit = "'" + pick(DET.get(0), DET.get(1), BI.get(0), RND.get(0)) + "'";
    switch (r.nextInt(24)) {
      case 19:
        // a ? the subquery selects, compared with the encrypted column
        sql.append(c).append(pick(" = (SELECT ", " IN (SELECT ", " <> (SELECT "));
        param(Role.DET);
        sql.append(pick(")", " UNION SELECT t FROM " + TABLE + ")"));
        break;
      case 20:
        // a ? next to the column inside a function
        sql.append(pick("NULLIF(", "GREATEST(", "LEAST(")).append(c).append(", ");
        param(Role.DET);
        sql.append(pick(") IS NULL", ") IS NOT NULL"));
        break;
      case 21:
        // a ? selected by a derived table, compared with the column
        sql.append("EXISTS (SELECT 1 FROM (SELECT ");
        param(Role.DET);
        sql.append(" AS v) px WHERE px.v = ").append(c).append(')');
        break;
      case 22:
        // the blind-index column against a subquery's ?
        sql.append(q).append("bi_bi").append(pick(" = (SELECT ", " IN (SELECT "));
        param(Role.BI);
        sql.append(')');
        break;
      case 23:
        sql.append("NOT (NULLIF(").append(c).append(", ");
        param(Role.DET);
        sql.append(") IS NULL)");
        break;
      case 15:
        // the encrypted column on the right: an element of the IN list of a value
        param(Role.DET);
        sql.append(pick(" IN (", " NOT IN (", " IN (n, ")).append(c).append(')');
        break;
      case 16:
        sql.append(lit).append(" IN (").append(c).append(", ");
        param(Role.DET);
        sql.append(')');
        break;
      case 17:
        param(Role.DET);
        if (r.nextBoolean()) {
          sql.append(" BETWEEN ").append(c).append(" AND ");
          param(Role.DET);
        } else {
          sql.append(" LIKE ").append(c);
        }
        break;
      case 18:
        // a value compared with what a subquery selects
        param(Role.DET);
        String op = pick(" IN (", " NOT IN (", " = (", " <> ALL (");
        sql.append(op).append("SELECT ").append(name).append(" FROM ").append(TABLE)
            .append(op.equals(" = (") ? " WHERE id = 1)" : ")");
        break;
      case 0:
        sql.append(c).append(pick(" = ", " <> ", " != ")).append(lit);
        break;
      case 1:
        sql.append(lit).append(pick(" = ", " <> ")).append(c);
        break;
      case 2:
        sql.append(c).append(pick(" IN (", " NOT IN (")).append(lit).append(')');
        break;
      case 3:
        sql.append(c).append(pick(" > ", " < ", " >= ", " <= "));
        param(Role.DET);
        break;
      case 4:
        param(Role.DET);
        sql.append(pick(" < ", " >= ")).append(c);
        break;
      case 5:
        sql.append(c).append(pick(" BETWEEN ", " NOT BETWEEN "));
        param(Role.DET);
        sql.append(" AND ");
        param(Role.DET);
        break;
      case 6:
        sql.append(c).append(pick(" LIKE ", " NOT LIKE "));
        param(Role.DET);
        break;
      case 7:
        sql.append(c).append(" LIKE 'det%'");
        break;
      case 8:
        sql.append(pick("LOWER(", "UPPER(", "TRIM(")).append(c).append(pick(") = ", ") IN ("));
        param(Role.DET);
        if (sql.toString().endsWith("IN (?")) {
          sql.append(')');
        }
        break;
      case 9:
        sql.append("COALESCE(").append(c).append(", ");
        param(Role.DET);
        sql.append(") = ");
        param(Role.DET);
        break;
      case 10:
        sql.append(c).append(pick(" IS DISTINCT FROM ", " IS NOT DISTINCT FROM "));
        param(Role.DET);
        break;
      case 11:
        sql.append(c).append(" <=> ");
        param(Role.DET);
        break;
      case 12:
        sql.append(q).append(pick("rnd", "bi")).append(pick(" = ", " <> ", " IN ("));
        param(Role.DET);
        if (sql.toString().endsWith("IN (?")) {
          sql.append(')');
        }
        break;
      case 13:
        sql.append(c).append(" IN (");
        param(Role.DET);
        sql.append(", ").append(lit).append(')');
        break;
      default:
        sql.append("CONCAT(").append(c).append(", 'x') = ");
        param(Role.DET);
    }
  }

  /**
   * Appends {@code , col = <something the wrapper cannot encrypt>} to a SET list; true when that is the
   * row-bound column, which is unsafe only without {@code WHERE id = ?}.
   */
  private boolean unsafeAssignment(boolean rowBound) {
    switch (r.nextInt(rowBound ? 5 : 6)) {
      case 0:
        sql.append(", det = '").append(DET.get(0)).append('\'');
        break;
      case 1:
        sql.append(", det = LOWER(");
        param(Role.DET);
        sql.append(')');
        break;
      case 2:
        sql.append(", det = CONCAT(");
        param(Role.DET);
        sql.append(", '')");
        break;
      case 3:
        sql.append(", bi_bi = '").append(BI.get(0)).append('\'');
        break;
      case 4:
        sql.append(", det = t");
        break;
      default:
        sql.append(", rnd = ");
        param(Role.RND);
        return true;
    }
    return false;
  }

  // ----------------------------------------------------------------------------------------------

  private void param(Role role) {
    sql.append('?');
    params.add(new Param(role, -1));
  }

  private String pick(String... options) {
    return options[r.nextInt(options.length)];
  }

  /** Whitespace between terms, sometimes a comment (holding a {@code ?}) too. */
  private String sep() {
    switch (r.nextInt(12)) {
      case 0:
        return " /* and? or */ ";
      case 1:
        return " -- x = ? \n ";
      case 2:
        return "\n  ";
      default:
        return " ";
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> l : lists) {
      out.addAll(l);
    }
    return List.copyOf(out);
  }
}
