package dev.fieldvault.jdbc.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the wrapper must know about an SQL string before it trusts a parser with it: how many
 * statements it holds, and whether one of them runs SQL text the wrapper cannot see (dynamic SQL,
 * a procedural block, a call).
 *
 * <p>The string is split at {@code ;} outside literals, quoted identifiers and comments, once by
 * the lexical rules of PostgreSQL and H2 (standard strings, {@code E'...'}, dollar quotes, nested
 * comments) and once by those of MariaDB and MySQL (backslash escapes, double-quoted strings,
 * {@code #} comments). The same text can split differently under the two (a backslash before a
 * quote ends a PostgreSQL string but not a MariaDB one); a caller that needs certainty treats the
 * string as one statement only when both agree on one. Thread-safe (stateless).
 */
final class SqlText {

  /** Statement keywords that run SQL text or a procedural block the wrapper cannot see. */
  private static final Set<String> DYNAMIC_KEYWORDS = Set.of("execute", "exec", "prepare", "do", "declare",
      "if", "case", "loop", "repeat", "while", "for", "handler", "runscript", "script");

  /**
   * Functions that run an SQL text they take as an argument, or read rows or data from a file or
   * another database that the wrapper cannot see (PostgreSQL, its extensions, H2).
   */
  static final List<String> SQL_TEXT_FUNCTIONS = List.of("query_to_xml", "query_to_xmlschema",
      "query_to_xml_and_xmlschema", "dblink", "dblink_exec", "dblink_open", "dblink_send_query", "crosstab",
      "ts_stat", "csvwrite", "pg_background_launch", "csvread", "file_read", "link_schema");

  /** A call of one of them: the name (perhaps quoted or schema-qualified) and an opening parenthesis. */
  private static final Pattern SQL_TEXT_FUNCTION = Pattern.compile("(?<![\\p{L}\\p{N}_$])("
      + String.join("|", SQL_TEXT_FUNCTIONS) + ")(?![\\p{L}\\p{N}_$])[\"`]?\\s*\\(", Pattern.CASE_INSENSITIVE);

  /** {@code {call p(...)}} or {@code {? = call p(...)}}: the JDBC escape for a procedure call. */
  private static final Pattern CALL_ESCAPE = Pattern.compile(
      "\\A\\s*\\{\\s*(\\?\\s*=\\s*)?call\\s+(.*)\\}\\s*\\z", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private SqlText() {}

  /** The two lexical rule sets the string is read under. */
  enum Dialect { STANDARD, MYSQL }

  /**
   * The non-empty statements of the string under one dialect's rules, with comments blanked out,
   * or null when a literal, identifier or comment is not closed.
   */
  static List<String> statements(String sql, Dialect d) {
    return statements(sql, d, false);
  }

  /** As {@link #statements(String, Dialect)}; with {@code blankLiterals}, each string literal reads {@code ''}. */
  static List<String> statements(String sql, Dialect d, boolean blankLiterals) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
      int end;
      boolean literal = true;
      if (c == '\'') {
        boolean backslash = d == Dialect.MYSQL || (i > 0 && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
            && (i < 2 || !identifierChar(sql.charAt(i - 2))));
        end = quoted(sql, i, '\'', backslash);
      } else if (c == '"') {
        end = quoted(sql, i, '"', d == Dialect.MYSQL);
        literal = d == Dialect.MYSQL;
      } else if (c == '`' && d == Dialect.MYSQL) {
        end = quoted(sql, i, '`', false);
        literal = false;
      } else if (c == '-' && next == '-' && (d == Dialect.STANDARD || i + 2 >= n
          || Character.isWhitespace(sql.charAt(i + 2)) || Character.isISOControl(sql.charAt(i + 2)))) {
        end = lineEnd(sql, i);
        cur.append(' ');
        i = end;
        continue;
      } else if (c == '#' && d == Dialect.MYSQL) {
        end = lineEnd(sql, i);
        cur.append(' ');
        i = end;
        continue;
      } else if (c == '/' && next == '*' && d == Dialect.MYSQL && executableComment(sql, i)) {
        // MariaDB/MySQL run the text of /*! ... */ and /*M! ... */: read it as code
        i += sql.startsWith("/*!", i) ? 3 : 4;
        continue;
      } else if (c == '/' && next == '*') {
        end = blockComment(sql, i, d == Dialect.STANDARD);
        if (end < 0) {
          return null;
        }
        cur.append(' ');
        i = end;
        continue;
      } else if (c == '$' && d == Dialect.STANDARD && (i == 0 || !identifierChar(sql.charAt(i - 1)))) {
        end = dollarQuoted(sql, i);
        literal = end != i + 1;
      } else if (c == ';') {
        add(out, cur);
        cur.setLength(0);
        i++;
        continue;
      } else {
        cur.append(c);
        i++;
        continue;
      }
      if (end < 0) {
        return null;
      }
      if (blankLiterals && literal) {
        cur.append("''");
      } else {
        cur.append(sql, i, end);
      }
      i = end;
    }
    add(out, cur);
    return out;
  }

  private static void add(List<String> out, StringBuilder cur) {
    String s = cur.toString().strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  /** The index after the closing quote of a literal or identifier starting at {@code start}, or -1. */
  private static int quoted(String sql, int start, char quote, boolean backslash) {
    for (int i = start + 1; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (backslash && c == '\\') {
        i++;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i++;
        } else {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /** Whether a comment starting at {@code i} is one MariaDB and MySQL execute ({@code /*!} or {@code /*M!}). */
  static boolean executableComment(String sql, int i) {
    return sql.startsWith("/*!", i) || sql.regionMatches(true, i, "/*M!", 0, 4);
  }

  /** Whether the string holds a comment that MariaDB and MySQL execute. */
  static boolean hasExecutableComment(String sql) {
    for (int i = sql.indexOf("/*"); i >= 0; i = sql.indexOf("/*", i + 1)) {
      if (executableComment(sql, i)) {
        return true;
      }
    }
    return false;
  }

  private static int lineEnd(String sql, int start) {
    int i = start;
    while (i < sql.length() && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  private static int blockComment(String sql, int start, boolean nested) {
    int depth = 0;
    for (int i = start; i + 1 < sql.length(); i++) {
      if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
        depth = nested || depth == 0 ? depth + 1 : depth;
        i++;
      } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
        depth--;
        i++;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /** {@code $tag$ ... $tag$}: the index after the closing tag; the start itself when it is no tag. */
  private static int dollarQuoted(String sql, int start) {
    int i = start + 1;
    while (i < sql.length() && (identifierChar(sql.charAt(i)) && sql.charAt(i) != '$')) {
      i++;
    }
    if (i >= sql.length() || sql.charAt(i) != '$' || (i > start + 1 && Character.isDigit(sql.charAt(start + 1)))) {
      return start + 1; // $1 (a parameter) or a lone $: an ordinary character
    }
    String tag = sql.substring(start, i + 1);
    int close = sql.indexOf(tag, i + 1);
    return close < 0 ? -1 : close + tag.length();
  }

  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /**
   * The string's one statement (comments blanked out, {@code ""} when it has none) when both
   * dialects find at most one, else null: more than one statement, or a string that cannot be split
   * with certainty.
   */
  static String single(String sql) {
    List<String> standard = statements(sql, Dialect.STANDARD);
    List<String> mysql = statements(sql, Dialect.MYSQL);
    if (standard == null || mysql == null || standard.size() > 1 || mysql.size() > 1) {
      return null;
    }
    return standard.isEmpty() ? "" : standard.get(0);
  }

  /**
   * The first word of a statement that runs SQL text or a block the wrapper cannot see
   * ({@code EXECUTE}, {@code PREPARE}, {@code DO}, {@code BEGIN NOT ATOMIC}, ...), under either
   * dialect, or a function that takes an SQL text; null when there is none.
   */
  static String dynamicSql(String sql) {
    for (Dialect d : Dialect.values()) {
      // outside literals and comments; the whole text when a dialect cannot split it
      List<String> code = statements(sql, d, true);
      Matcher m = SQL_TEXT_FUNCTION.matcher(code == null ? sql : String.join(";", code));
      if (m.find()) {
        return m.group(1).toLowerCase(Locale.ROOT) + "(...)";
      }
    }
    for (Dialect d : Dialect.values()) {
      List<String> all = statements(sql, d);
      if (all == null) {
        continue;
      }
      for (String s : all) {
        String[] words = firstWords(s, 3);
        if (words.length == 0) {
          continue;
        }
        String first = words[0];
        if (DYNAMIC_KEYWORDS.contains(first)) {
          return first.toUpperCase(Locale.ROOT);
        }
        if (first.endsWith(":")) {
          return "a labelled block";
        }
        if (words.length > 1 && words[1].equals(":")) {
          return "a labelled block";
        }
        if (first.equals("begin") && words.length > 1 && words[1].equals("not")) {
          return "BEGIN NOT ATOMIC";
        }
        // H2: a table whose rows live in another database, read and written past the wrapper
        if (first.equals("create") && Arrays.asList(firstWords(s, 5)).contains("linked")) {
          return "CREATE LINKED TABLE";
        }
      }
    }
    return null;
  }

  /** The first {@code max} words (lower case) of a statement; parentheses and braces are skipped. */
  static String[] firstWords(String statement, int max) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = statement.length();
    while (i < n && words.size() < max) {
      char c = statement.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == '{') {
        i++;
      } else if (c == ':') {
        words.add(":");
        i++;
      } else if (identifierChar(c)) {
        int start = i;
        while (i < n && identifierChar(statement.charAt(i))) {
          i++;
        }
        if (i < n && statement.charAt(i) == ':' && (i + 1 >= n || statement.charAt(i + 1) != '=')
            && (i + 1 >= n || statement.charAt(i + 1) != ':')) {
          words.add(statement.substring(start, i + 1).toLowerCase(Locale.ROOT));
          i++;
        } else {
          words.add(statement.substring(start, i).toLowerCase(Locale.ROOT));
        }
      } else {
        break;
      }
    }
    return words.toArray(new String[0]);
  }

  /** Whether the string holds a Unicode-escaped identifier or string ({@code U&"..."}, {@code U&'...'}: PostgreSQL, H2). */
  static boolean hasUnicodeEscapedName(String sql) {
    for (int i = sql.indexOf('&'); i > 0 && i + 1 < sql.length(); i = sql.indexOf('&', i + 1)) {
      char before = sql.charAt(i - 1);
      char after = sql.charAt(i + 1);
      if ((before == 'u' || before == 'U') && (after == '"' || after == '\'')) {
        return true;
      }
    }
    return false;
  }

  /** Whether some statement of the string, under either dialect, is a procedure call. */
  static boolean hasCall(String sql) {
    for (Dialect d : Dialect.values()) {
      List<String> all = statements(sql, d);
      for (String s : all == null ? List.<String>of() : all) {
        String[] words = firstWords(s, 2);
        if ((words.length > 0 && words[0].equals("call")) || s.startsWith("{")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A procedure call, as {@code CALL name(args)} (the JDBC escape {@code {call ...}} and
   * {@code {? = call ...}} rewritten), or null when the statement is no call.
   */
  static Call call(String statement) {
    Matcher m = CALL_ESCAPE.matcher(statement);
    if (m.matches()) {
      return new Call("CALL " + m.group(2).strip(), m.group(1) != null);
    }
    String[] words = firstWords(statement, 1);
    if (words.length == 1 && words[0].equals("call")) {
      return new Call(statement, false);
    }
    return null;
  }

  /** A procedure call: its SQL as {@code CALL ...}, and whether a {@code ? =} before it takes parameter 1. */
  static final class Call {
    final String sql;
    final boolean returnsParameter;

    Call(String sql, boolean returnsParameter) {
      this.sql = sql;
      this.returnsParameter = returnsParameter;
    }
  }
}
