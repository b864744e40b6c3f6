package dev.fieldvault.cli;

import java.util.Locale;
import net.sf.jsqlparser.expression.StringValue;

/**
 * The value a database stores for a string literal of a seed file, so that seed encrypts exactly
 * what loading the plain file would have stored: {@code ''} doubling everywhere, PostgreSQL's
 * {@code E'...'} escapes, MariaDB's and MySQL's backslash escapes (unless the server runs with
 * {@code NO_BACKSLASH_ESCAPES}). A literal whose stored value cannot be known for certain (an escape
 * that names a raw byte, a prefix the dialect does not read as text, a backslash without a known
 * dialect) is refused with a message that names its place, never its text.
 */
final class SqlStringLiteral {

  private SqlStringLiteral() {}

  /**
   * The stored value of a string literal.
   *
   * @param dialect the database the file is for; null when unknown
   * @param noBackslashEscapes MariaDB/MySQL only: the server's sql_mode has NO_BACKSLASH_ESCAPES
   * @param at where the literal is (statement, row, column), for the error message
   */
  static String value(StringValue s, SqlDialect dialect, boolean noBackslashEscapes, String at) {
    String quote = s.getQuoteStr();
    String raw = s.getValue();
    if (quote != null && quote.startsWith("$")) {
      if (dialect == SqlDialect.MARIADB || dialect == SqlDialect.MYSQL) {
        throw new CliException(at + ": " + dialect
            + " does not read it as a string: write the value in '...'");
      }
      return raw;   // PostgreSQL, H2: dollar quoting has no escapes at all
    }
    if (!"'".equals(quote)) {
      throw new CliException(at + ": write the value as a '...' string literal");
    }
    String prefix = s.getPrefix() == null ? "" : s.getPrefix().toUpperCase(Locale.ROOT);
    boolean mysql = dialect == SqlDialect.MARIADB || dialect == SqlDialect.MYSQL;
    boolean escapes;
    if (prefix.equals("E")) {
      if (dialect != SqlDialect.POSTGRESQL) {
        throw new CliException(at + ": E'...' escape strings are PostgreSQL's: give --dialect POSTGRESQL, or write"
            + " the value as a plain '...' literal");
      }
      escapes = true;
    } else if (prefix.isEmpty() || prefix.equals("N") || (mysql && prefix.startsWith("_"))) {
      // PostgreSQL (standard_conforming_strings on, its default) and H2 read a backslash as itself
      escapes = mysql && !noBackslashEscapes;
    } else {
      throw new CliException(at + ": a string literal with the prefix " + s.getPrefix() + " cannot be seeded:"
          + " write the value as a plain '...' literal");
    }
    if (dialect == null && raw.indexOf('\\') >= 0) {
      throw new CliException(at + ": the value holds a backslash, which databases read differently: give --dialect"
          + " (POSTGRESQL, MARIADB, MYSQL or H2) so seed encrypts what the database would store");
    }
    if (!escapes) {
      return raw.replace("''", "'");
    }
    return dialect == SqlDialect.POSTGRESQL ? postgresEscapes(raw, at) : mysqlEscapes(raw, at);
  }

  /** MariaDB / MySQL: the escapes of their string literals; any other backslash pair is the character. */
  private static String mysqlEscapes(String raw, String at) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
        b.append('\'');
        i++;
      } else if (c == '\\') {
        if (i + 1 >= raw.length()) {
          throw new CliException(at + ": the string literal ends in a lone backslash");
        }
        char e = raw.charAt(++i);
        switch (e) {
          case '0' -> b.append('\0');
          case 'b' -> b.append('\b');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'Z' -> b.append('\u001a');
          // kept with their backslash, as MariaDB and MySQL do (for LIKE patterns)
          case '%', '_' -> b.append('\\').append(e);
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** PostgreSQL E'...': C-like escapes; octal and hex escapes only for ASCII (other bytes depend on the encoding). */
  private static String postgresEscapes(String raw, String at) {
    StringBuilder b = new StringBuilder(raw.length());
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '\'' && i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
        b.append('\'');
        i += 2;
        continue;
      }
      if (c != '\\') {
        b.append(c);
        i++;
        continue;
      }
      if (i + 1 >= raw.length()) {
        throw new CliException(at + ": the string literal ends in a lone backslash");
      }
      char e = raw.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'x' -> {
          int end = digits(raw, i, 2, 16);
          if (end == i) {
            b.append('x');   // \x without a hex digit is the letter x
          } else {
            b.append(ascii(Integer.parseInt(raw.substring(i, end), 16), at));
            i = end;
          }
        }
        case 'u', 'U' -> {
          int n = e == 'u' ? 4 : 8;
          int end = digits(raw, i, n, 16);
          if (end - i != n) {
            throw new CliException(at + ": a \\" + e + " escape needs " + n + " hex digits");
          }
          int cp = (int) Long.parseLong(raw.substring(i, end), 16);
          if (cp == 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new CliException(at + ": a \\" + e + " escape names no character seed can encrypt for certain:"
                + " write the character itself");
          }
          b.appendCodePoint(cp);
          i = end;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int end = digits(raw, i - 1, 3, 8);
            b.append(ascii(Integer.parseInt(raw.substring(i - 1, end), 8), at));
            i = end;
          } else {
            b.append(e);   // \\, \' and any other character stand for themselves
          }
        }
      }
    }
    return b.toString();
  }

  /** The end of up to max digits of the radix from start. */
  private static int digits(String s, int start, int max, int radix) {
    int end = start;
    while (end < s.length() && end - start < max && Character.digit(s.charAt(end), radix) >= 0) {
      end++;
    }
    return end;
  }

  private static char ascii(int value, String at) {
    if (value == 0 || value > 0x7f) {
      throw new CliException(at + ": an octal or hex escape of a byte that is not ASCII (or zero) depends on the"
          + " database encoding: write the character itself, or \\uXXXX");
    }
    return (char) value;
  }
}
