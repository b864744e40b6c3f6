package dev.fieldvault.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Token mutations of SQL for the parser-robustness fuzz: deletion, duplication and swaps. */
final class Mutant {

  /** How a mutant fared on the plain table and through the wrapper. */
  enum Outcome {
    SAME_RESULT, REFUSED, BOTH_FAIL, ONLY_PLAIN_FAILS, ONLY_ENCRYPTED_FAILS,
    /** Depends on stored forms: see {@link Mutant#comparable(String)}. */
    NOT_COMPARABLE
  }

  /** Tokens a mutation may put in place of another: operators, keywords, columns, parameters. */
  private static final List<String> REPLACEMENTS = List.of("=", "<>", "!=", "<", ">=", "IN", "NOT", "AND", "OR",
      "IS", "NULL", "LIKE", "det", "bi_bi", "rnd", "bi", "n", "t", "id", "?", "(", ")", ",");

  private Mutant() {}

  /** The SQL with one to three random token mutations: deletion, duplication, swap or replacement. */
  static String mutate(String sql, Random r) {
    List<String> tokens = tokens(sql);
    int n = 1 + r.nextInt(3);
    for (int k = 0; k < n && tokens.size() > 1; k++) {
      int i = r.nextInt(tokens.size());
      switch (r.nextInt(5)) {
        case 0:
          tokens.remove(i);
          break;
        case 4:
          tokens.set(i, REPLACEMENTS.get(r.nextInt(REPLACEMENTS.size())));
          break;
        case 1:
          tokens.add(i, tokens.get(i));
          break;
        case 2:
          Collections.swap(tokens, i, i + 1 < tokens.size() ? i + 1 : i - 1);
          break;
        default:
          Collections.swap(tokens, i, r.nextInt(tokens.size()));
      }
    }
    return String.join(" ", tokens);
  }

  /** How many {@code ?} parameters the SQL has (outside literals and comments). */
  static int parameters(String sql) {
    return Collections.frequency(tokens(sql), "?");
  }

  /**
   * Whether the rows a statement returns are defined by the plain values: true unless it reads a
   * blind index, compares an encrypted column with another column, or has LIMIT or OFFSET without
   * ORDER BY id (ORDER BY an encrypted column sorts by ciphertext), or with ORDER BY id where the
   * select list may name another value id.
   */
  static boolean comparable(String sql) {
    List<String> t = tokens(sql.toLowerCase(java.util.Locale.ROOT));
    int from = t.indexOf("from");
    if (t.get(0).equals("select") && from > 0
        && (t.subList(0, from).contains("bi_bi") || t.subList(0, from).contains("e.bi_bi"))) {
      return false; // a blind index is read as it is stored, never decrypted
    }
    if (comparesEncryptedColumnWithColumn(t)) {
      return false; // stored forms are compared (as in a join), not plaintexts
    }
    if (!t.contains("limit") && !t.contains("offset")) {
      return true;
    }
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).equals("order") && t.get(i + 1).equals("by")) {
        // ORDER BY id (not an expression such as id >= ?, whose ties make LIMIT/OFFSET pick any rows)
        String next = i + 3 < t.size() ? t.get(i + 3) : "";
        return (t.get(i + 2).equals("id") && !namesAnotherValueId(t, from) || t.get(i + 2).equals("e.id"))
            && List.of("", "limit", "offset", "asc", "desc", ";").contains(next);
      }
    }
    return false;
  }

  /**
   * Whether the select list may name another value {@code id}, as {@code select t id, ...} or
   * {@code n AS id} (a mutant that deleted a comma, or put {@code id} after a column): ORDER BY id then
   * sorts by that value, whose ties make LIMIT and OFFSET pick any rows, on the plain table and on the
   * encrypted one differently (seed -7161110325522681093: {@code select t id, bi, n, t ... ORDER BY id
   * DESC LIMIT ?} kept two different rows of t = 't-y'). Conservative: {@code id} after a column, a
   * literal, a parameter or a closing parenthesis counts, unless that is a keyword or {@code id} itself.
   */
  private static boolean namesAnotherValueId(List<String> t, int from) {
    for (int j = 1; j < from && t.get(0).equals("select"); j++) {
      if (!t.get(j).equals("id")) {
        continue;
      }
      int b = j - 1;
      while (b > 0 && (t.get(b).startsWith("/*") || t.get(b).startsWith("--"))) {
        b--; // a comment
      }
      String before = t.get(b);
      char c = before.charAt(0);
      boolean value = Character.isLetterOrDigit(c) || c == '_' || c == '\'' || c == ')' || c == '?';
      if (value && !List.of("select", "distinct", "all", "not", "and", "or", "is", "in", "like", "when", "then",
          "else", "case", "id", "e.id").contains(before)) {
        return true;
      }
    }
    return false;
  }

  private static final List<String> COLUMNS = List.of("id", "det", "rnd", "bi", "bi_bi", "n", "t");
  private static final List<String> ENCRYPTED = List.of("det", "rnd", "bi", "bi_bi");

  /** Whether the SQL compares an encrypted column with another column (or a subquery's column). */
  static boolean comparesEncryptedColumnWithColumn(String sql) {
    return comparesEncryptedColumnWithColumn(tokens(sql.toLowerCase(java.util.Locale.ROOT)));
  }

  /** Whether some {@code =, <>, !=} or IN list has two column operands, one of them encrypted. */
  private static boolean comparesEncryptedColumnWithColumn(List<String> t) {
    for (int i = 0; i < t.size(); i++) {
      List<String> operands = new ArrayList<>();
      String op = t.get(i);
      if (op.equals("=") || op.equals("<>") || op.equals("!=")) {
        operands.add(operand(t, i, -1));
        operands.add(operand(t, i, +1));
      } else if (op.equals("in") && i + 1 < t.size() && t.get(i + 1).equals("(")) {
        operands.add(operand(t, i > 0 && t.get(i - 1).equals("not") ? i - 1 : i, -1));
        for (int j = i + 2; j < t.size() && !t.get(j).equals(")"); j++) {
          operands.add(column(t.get(j)));
        }
      }
      long columns = operands.stream().filter(o -> o != null).count();
      if (columns >= 2 && operands.stream().anyMatch(o -> o != null && ENCRYPTED.contains(o))) {
        return true;
      }
    }
    return false;
  }

  /** The column next to token {@code i} in direction {@code step}, past parentheses, or null. */
  private static String operand(List<String> t, int i, int step) {
    int j = i + step;
    while (j >= 0 && j < t.size() && (t.get(j).equals("(") || t.get(j).equals(")"))) {
      j += step;
    }
    return j >= 0 && j < t.size() ? column(t.get(j)) : null;
  }

  private static String column(String token) {
    String name = token.startsWith("e.") || token.startsWith("s.") ? token.substring(2) : token;
    return COLUMNS.contains(name) ? name : null;
  }

  /** The base statement's values, cut or extended with numbers to {@code count}. */
  static List<Object> values(List<Object> base, int count, Random r) {
    List<Object> out = new ArrayList<>(base.subList(0, Math.min(count, base.size())));
    while (out.size() < count) {
      out.add(1 + r.nextInt(5));
    }
    return out;
  }

  static String summary(int[] outcomes) {
    StringBuilder s = new StringBuilder();
    for (Outcome o : Outcome.values()) {
      s.append(s.length() == 0 ? "" : ", ").append(o).append('=').append(outcomes[o.ordinal()]);
    }
    return s.toString();
  }

  /** Literals, comments, {@code {T}}, words, multi-character operators and single characters. */
  static List<String> tokens(String sql) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int end;
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      } else if (c == '\'') {
        end = i + 1;
        while (end < sql.length() && !(sql.charAt(end) == '\'' && (end + 1 == sql.length()
            || sql.charAt(end + 1) != '\''))) {
          end += sql.charAt(end) == '\'' ? 2 : 1;
        }
        end = Math.min(end + 1, sql.length());
      } else if (sql.startsWith("/*", i)) {
        end = sql.indexOf("*/", i + 2);
        end = end < 0 ? sql.length() : end + 2;
      } else if (sql.startsWith("--", i)) {
        end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith(SqlFuzzGenerator.TABLE, i)) {
        end = i + SqlFuzzGenerator.TABLE.length();
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        end = i;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
            || sql.charAt(end) == '.')) {
          end++;
        }
      } else if (sql.startsWith("<=>", i)) {
        end = i + 3;
      } else if (sql.startsWith("<>", i) || sql.startsWith("!=", i) || sql.startsWith("<=", i)
          || sql.startsWith(">=", i)) {
        end = i + 2;
      } else {
        end = i + 1;
      }
      out.add(sql.substring(i, end));
      i = end;
    }
    return out;
  }
}
