package dev.fieldvault.secrets.imports.internal;

import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.imports.SecretsImportException;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .env} file, by dotenv's rules (README, "Importing from other products"): {@code KEY=VALUE} lines;
 * blank lines and lines starting with {@code #} ignored; an optional {@code export } prefix; keys of
 * letters, digits, {@code _ . -}; unquoted values trimmed, a {@code #} after whitespace starting a comment;
 * single-quoted and backquoted values literal; double-quoted values with the escapes {@code \n \r \t \" \\};
 * quoted values may span lines; CRLF and CR read as LF. Stricter than dotenv where it would silently lose
 * data: an unquoted {@code #} inside a word, text after a closing quote, an unclosed quote and a key
 * defined twice are refused with the line, never the value. A key is named in an error only once its {@code =}
 * was seen (the text of a line without {@code =} is never quoted: it is usually a wrapped value). No variable
 * expansion ({@code ${VAR}} stays as it is).
 */
public final class DotenvFile {

  private final String s;
  private int pos;
  private int line = 1;

  private DotenvFile(String text) {
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.s = t.replace("\r\n", "\n").replace('\r', '\n');
  }

  public static List<SourceSecret> parse(String text) {
    return new DotenvFile(text).all();
  }

  private List<SourceSecret> all() {
    List<SourceSecret> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    while (pos < s.length()) {
      skipBlanks();
      if (pos >= s.length()) {
        break;
      }
      if (peek() == '\n') {
        newline();
        continue;
      }
      if (peek() == '#') {
        skipToEol();
        continue;
      }
      int keyLine = line;
      if (s.startsWith("export", pos) && pos + 6 < s.length() && (s.charAt(pos + 6) == ' ' || s.charAt(pos + 6) == '\t')) {
        pos += 6;
        skipBlanks();
      }
      String key = key();
      String where = "line " + keyLine;
      if (key.isEmpty()) {
        throw new SecretsImportException(Reason.MALFORMED, where, "expected KEY=VALUE, with a key of letters,"
            + " digits, '_', '.' or '-'");
      }
      skipBlanks();
      if (pos >= s.length() || peek() != '=') {
        // the text before the missing '=' is not known to be a key: a wrapped value or a pasted token is the usual
        // cause, so it is never quoted
        throw new SecretsImportException(Reason.MALFORMED, where, "expected KEY=VALUE (this line has no '=' after"
            + " its first word): join a value wrapped onto its own line with its key, quote a value that spans lines,"
            + " or start a comment with '#'");
      }
      pos++;
      skipBlanks();
      String value = pos < s.length() && isQuote(peek()) ? quoted(key, keyLine) : unquoted(key, keyLine);
      Integer before = seen.putIfAbsent(key, keyLine);
      if (before != null) {
        throw new SecretsImportException(Reason.MALFORMED, where, key + " is already defined on line " + before
            + ": keep one definition");
      }
      out.add(new SourceSecret(key, SecretValue.ofString(value), Map.of("source", "dotenv"), where, null));
    }
    if (out.isEmpty()) {
      throw new SecretsImportException(Reason.MALFORMED, null, "the .env file defines no KEY=VALUE");
    }
    return out;
  }

  private String key() {
    int start = pos;
    while (pos < s.length()) {
      char c = peek();
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == '-') {
        pos++;
      } else {
        break;
      }
    }
    return s.substring(start, pos);
  }

  private String unquoted(String key, int keyLine) {
    int end = s.indexOf('\n', pos);
    String raw = s.substring(pos, end < 0 ? s.length() : end);
    pos += raw.length();
    int comment = -1;
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && (i == 0 || raw.charAt(i - 1) == ' ' || raw.charAt(i - 1) == '\t')) {
        comment = i;
        break;
      }
    }
    String v = (comment < 0 ? raw : raw.substring(0, comment)).strip();
    if (v.indexOf('#') >= 0) {
      throw new SecretsImportException(Reason.MALFORMED, "line " + keyLine, "the unquoted value of " + key
          + " contains '#', which dotenv reads as the start of a comment and other parsers do not: quote the"
          + " value");
    }
    return v;
  }

  private String quoted(String key, int keyLine) {
    char q = peek();
    pos++;
    StringBuilder v = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw new SecretsImportException(Reason.MALFORMED, "line " + keyLine, "the value of " + key + " opens a "
            + q + " quote that is never closed: close it (a quoted value may span lines)");
      }
      char c = s.charAt(pos++);
      if (c == q) {
        break;
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && q == '"' && pos < s.length()) {
        char n = s.charAt(pos);
        String esc = switch (n) {
          case 'n' -> "\n";
          case 'r' -> "\r";
          case 't' -> "\t";
          case '"' -> "\"";
          case '\\' -> "\\";
          default -> null;
        };
        if (esc != null) {
          v.append(esc);
          pos++;
          continue;
        }
      }
      v.append(c);
    }
    skipBlanks();
    if (pos < s.length() && peek() == '#') {
      skipToEol();
    } else if (pos < s.length() && peek() != '\n') {
      throw new SecretsImportException(Reason.MALFORMED, "line " + line, "text follows the closing quote of "
          + key + "'s value: quote the whole value, or start a comment with ' #'");
    }
    return v.toString();
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  private char peek() {
    return s.charAt(pos);
  }

  private void skipBlanks() {
    while (pos < s.length() && (peek() == ' ' || peek() == '\t')) {
      pos++;
    }
  }

  private void skipToEol() {
    while (pos < s.length() && peek() != '\n') {
      pos++;
    }
  }

  private void newline() {
    pos++;
    line++;
  }
}
