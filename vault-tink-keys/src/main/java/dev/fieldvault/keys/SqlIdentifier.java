package dev.fieldvault.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one rule FieldVault applies to table and column names, wherever they are declared (the
 * JDBC wrapper, the rewrapper, the key inventory, the CLI's tables file, a Hibernate mapping).
 *
 * <ul>
 *   <li>A name is one identifier or, for a table, a schema-qualified {@code schema.table}.
 *   <li>Each part is unquoted ({@code customer}, {@code Customer_2}, {@code a$b}: a letter or
 *       {@code _} then letters, digits, {@code _} and {@code $}, at most 128 characters) or quoted
 *       with double quotes or backticks ({@code "Order Lines"}, {@code `select`}), which allows any
 *       other character except a line break; a quote inside is doubled.
 *   <li>Names are matched case-insensitively, quoted or not. PostgreSQL folds unquoted names to
 *       lower case, H2 to upper case and MariaDB compares column names without case: matching
 *       without case is the rule on which all three agree, so two names that differ only in case
 *       name the same column to FieldVault and cannot both be declared. A quoted name matches the
 *       same name unquoted.
 *   <li>A name is written into SQL exactly as declared (quotes included), so quote a name that is
 *       a reserved word or has characters beyond the unquoted ones.
 * </ul>
 */
public final class SqlIdentifier {

  private static final int MAX_LENGTH = 128;

  private SqlIdentifier() {}

  /**
   * Checks a column name (one identifier) and returns it unchanged.
   *
   * @throws VaultConfigurationException naming {@code what} if it breaks the rule
   */
  public static String requireColumn(String name, String what) {
    if (parts(name, what).size() != 1) {
      throw new VaultConfigurationException("The " + what + " must be one name, not the qualified '" + name
          + "': name the column alone (quote it if it contains a dot)");
    }
    return name;
  }

  /**
   * Checks a table name ({@code table} or {@code schema.table}) and returns it unchanged.
   *
   * @throws VaultConfigurationException naming {@code what} if it breaks the rule
   */
  public static String requireTable(String name, String what) {
    if (parts(name, what).size() > 2) {
      throw new VaultConfigurationException("The " + what + " must be a table or schema.table, not '" + name + "'");
    }
    return name;
  }

  /**
   * The key two names are matched by: the unquoted parts in lower case (ROOT locale), joined by
   * dots. {@code "Customer"}, {@code customer} and {@code CUSTOMER} have the same key.
   */
  public static String key(String name) {
    return String.join(".", parts(name, "name"));
  }

  /** The key of the last part of a name (the table without its schema, or the column). */
  public static String unqualifiedKey(String name) {
    List<String> p = parts(name, "name");
    return p.get(p.size() - 1);
  }

  /** The key of the schema of a qualified name, or null when it has none. */
  public static String schemaKey(String name) {
    List<String> p = parts(name, "name");
    return p.size() == 1 ? null : String.join(".", p.subList(0, p.size() - 1));
  }

  /**
   * Whether a table name as written in SQL (possibly unqualified) may name the declared table: the
   * unqualified names match, and the schemas too when both have one.
   */
  public static boolean sameTable(String declared, String referenced) {
    if (!unqualifiedKey(declared).equals(unqualifiedKey(referenced))) {
      return false;
    }
    String a = schemaKey(declared);
    String b = schemaKey(referenced);
    return a == null || b == null || a.equals(b);
  }

  /** Whether two column names match. */
  public static boolean sameColumn(String a, String b) {
    return key(a).equals(key(b));
  }

  /**
   * The last part of a name without its quotes, case kept: the default context domain of a table
   * ({@code "Order Lines"} gives {@code Order Lines}, {@code billing.Customer} gives {@code Customer}).
   */
  public static String unqualifiedName(String name) {
    List<String> p = rawParts(name, "name");
    return p.get(p.size() - 1);
  }

  /** The parts' keys, validated. */
  private static List<String> parts(String name, String what) {
    List<String> out = new ArrayList<>();
    for (String p : rawParts(name, what)) {
      out.add(p.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** The parts without quotes, validated. */
  private static List<String> rawParts(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new VaultConfigurationException("The " + what + " must be a non-empty SQL name");
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = name.length();
    while (true) {
      if (i >= n) {
        throw bad(name, what);
      }
      char c = name.charAt(i);
      StringBuilder part = new StringBuilder();
      if (c == '"' || c == '`') {
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw bad(name, what);
          }
          char d = name.charAt(j);
          if (d == '\n' || d == '\r' || d == 0) {
            throw bad(name, what);
          }
          if (d == c) {
            if (j + 1 < n && name.charAt(j + 1) == c) {
              part.append(c);
              j += 2;
              continue;
            }
            break;
          }
          part.append(d);
          j++;
        }
        if (part.length() == 0 || part.length() > MAX_LENGTH) {
          throw bad(name, what);
        }
        i = j + 1;
      } else {
        if (!(Character.isLetter(c) && c < 128) && c != '_') {
          throw bad(name, what);
        }
        int j = i;
        while (j < n && isUnquotedPart(name.charAt(j))) {
          part.append(name.charAt(j));
          j++;
        }
        if (part.length() > MAX_LENGTH) {
          throw bad(name, what);
        }
        i = j;
      }
      out.add(part.toString());
      if (i == n) {
        return out;
      }
      if (name.charAt(i) != '.') {
        throw bad(name, what);
      }
      i++;
    }
  }

  private static boolean isUnquotedPart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  }

  private static VaultConfigurationException bad(String name, String what) {
    return new VaultConfigurationException("The " + what + " must be a SQL name: letters, digits, _ and $"
        + " (starting with a letter or _), or quoted with \" or ` (a quote inside doubled), optionally"
        + " schema-qualified for a table; not '" + name + "'");
  }
}
