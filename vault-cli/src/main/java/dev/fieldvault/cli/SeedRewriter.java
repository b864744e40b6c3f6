package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.parser.ASTNodeAccessImpl;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Rewrites a seed SQL file: every literal written to a declared encrypted column by an
 * {@code INSERT ... (columns) VALUES (...), ...} becomes its ciphertext, in the column's stored form
 * and bound to the column's context (tenant from the tenant column, row id from the primary key),
 * and the blind-index columns (given as {@code NULL}) get their indexes. Statements are parsed with
 * JSqlParser; only the literals are replaced, so comments and layout stay. Any other shape that
 * writes a declared table's encrypted column is refused: nothing reaches the output in plaintext.
 * Error messages name the statement, row and column, never a value.
 */
final class SeedRewriter {

  private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");
  private static final Pattern UPPER_UUID = Pattern.compile(
      "(?=.*[A-F])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

  /** What was rewritten. */
  record Result(String sql, int statements, int rows, int values) {}

  private record Replacement(int begin, int end, String text) {}

  private final Map<String, EncryptedTable> tables = new LinkedHashMap<>();
  private final FieldCipher cipher;
  private final SqlDialect dialect;
  private final boolean noBackslashEscapes;

  SeedRewriter(List<EncryptedTable> declared, FieldCipher cipher, SqlDialect dialect) {
    this(declared, cipher, dialect, false);
  }

  /**
   * A rewriter for files of this dialect (null: unknown); noBackslashEscapes when a MariaDB or MySQL
   * server runs with NO_BACKSLASH_ESCAPES, so that a backslash in a literal is itself.
   */
  SeedRewriter(List<EncryptedTable> declared, FieldCipher cipher, SqlDialect dialect, boolean noBackslashEscapes) {
    this.noBackslashEscapes = noBackslashEscapes;
    for (EncryptedTable t : declared) {
      tables.put(unqualified(t.table()), t);
    }
    this.cipher = cipher;
    this.dialect = dialect;
  }

  Result rewrite(String sql, String source) {
    Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(sql);
    } catch (JSQLParserException e) {
      // the parser's message quotes the text it stopped at, which may be a plaintext value: position only
      Matcher m = POSITION.matcher(String.valueOf(e.getMessage()));
      throw new CliException("cannot parse " + source + (m.find() ? " at line " + m.group(1) + ", column "
          + m.group(2) : "") + ": seed accepts SQL statements JSqlParser reads (write them as plain INSERT ... VALUES)");
    }
    List<Replacement> replacements = new ArrayList<>();
    int count = 0;
    int rows = 0;
    int values = 0;
    for (Statement s : statements) {
      count++;
      String where = source + ", statement " + count;
      if (s instanceof Insert insert) {
        EncryptedTable t = declared(insert.getTable());
        if (t != null) {
          int[] done = insert(insert, t, sql, where, replacements);
          rows += done[0];
          values += done[1];
        }
      } else if (s instanceof Update update) {
        EncryptedTable t = declared(update.getTable());
        if (t != null) {
          for (UpdateSet set : update.getUpdateSets()) {
            for (Column c : set.getColumns()) {
              if (encrypted(t, c.getColumnName())) {
                throw new CliException(where + ": an UPDATE of " + t.table() + "." + name(c.getColumnName())
                    + " cannot be rewritten: write the value in the INSERT");
              }
            }
          }
        }
      } else if (s instanceof Upsert upsert) {
        if (declared(upsert.getTable()) != null) {
          throw new CliException(where + ": UPSERT/REPLACE into " + upsert.getTable().getName()
              + " cannot be rewritten: use INSERT ... VALUES");
        }
      } else if (s instanceof Merge merge) {
        if (declared(merge.getTable()) != null) {
          throw new CliException(where + ": MERGE into " + merge.getTable().getName()
              + " cannot be rewritten: use INSERT ... VALUES");
        }
      }
    }
    replacements.sort(Comparator.comparingInt(Replacement::begin).reversed());
    StringBuilder out = new StringBuilder(sql);
    for (Replacement r : replacements) {
      out.replace(r.begin, r.end, r.text);
    }
    return new Result(out.toString(), count, rows, values);
  }

  /** Adds the replacements of one INSERT; returns its rows and the values it encrypts. */
  private int[] insert(Insert insert, EncryptedTable t, String sql, String where, List<Replacement> replacements) {
    List<String> columns = columns(insert, t, where);
    List<List<Expression>> rows = rows(((Values) insert.getSelect()).getExpressions());
    int encrypted = 0;
    for (int r = 0; r < rows.size(); r++) {
      List<Expression> row = rows.get(r);
      String at = where + ", row " + (r + 1);
      if (row.size() != columns.size()) {
        throw new CliException(at + ": " + row.size() + " values for " + columns.size() + " columns");
      }
      String tenant = t.tenantColumn() == null ? null : key(t, t.tenantColumn(), columns, row, at, "tenant");
      for (EncryptedColumn c : t.columns()) {
        encrypted += column(t, c, columns, row, tenant, sql, at, replacements);
      }
    }
    return new int[] {rows.size(), encrypted};
  }

  /** The (lower-case) column names of an INSERT whose shape seed can rewrite. */
  private static List<String> columns(Insert insert, EncryptedTable t, String where) {
    String table = t.table();
    if (!(insert.getSelect() instanceof Values)) {
      throw new CliException(where + ": INSERT INTO " + table + " without VALUES (e.g. INSERT ... SELECT) cannot be"
          + " rewritten: write the rows as INSERT INTO " + table + " (columns) VALUES (...)");
    }
    if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
      throw new CliException(where + ": INSERT INTO " + table + " must name its columns: INSERT INTO " + table
          + " (" + String.join(", ", t.primaryKeys()) + ", ...) VALUES (...)");
    }
    if (insert.getDuplicateUpdateSets() != null || insert.getConflictAction() != null
        || insert.getSetUpdateSets() != null) {
      throw new CliException(where + ": INSERT INTO " + table + " with ON DUPLICATE KEY / ON CONFLICT / SET cannot"
          + " be rewritten: use a plain INSERT ... VALUES");
    }
    List<String> columns = new ArrayList<>();
    for (Column c : insert.getColumns()) {
      columns.add(name(c.getColumnName()));
    }
    return columns;
  }

  /** Adds the replacements of one encrypted column in one row (and its blind index); returns 1 if it encrypts a value. */
  private int column(EncryptedTable t, EncryptedColumn c, List<String> columns, List<Expression> row, String tenant,
      String sql, String at, List<Replacement> replacements) {
    int i = columns.indexOf(name(c.column()));
    if (i < 0) {
      return 0;   // not written: NULL or the column's default
    }
    String qualified = t.table() + "." + c.column();
    if (c.rowContext() != null) {
      throw new CliException(at + ": " + qualified + " computes its context from its row (a RowContext):"
          + " seed it from the application's own code");
    }
    int bi = c.blindIndexColumn() == null ? -1 : columns.indexOf(name(c.blindIndexColumn()));
    if (c.blindIndexColumn() != null && bi < 0) {
      throw new CliException(at + ": " + qualified + " has the blind index column " + c.blindIndexColumn()
          + ": add it to the INSERT's columns with the value NULL (seed computes it)");
    }
    if (bi >= 0 && !(row.get(bi) instanceof NullValue)) {
      throw new CliException(at + ": give the blind index column " + t.table() + "." + c.blindIndexColumn()
          + " as NULL (seed computes it; was this file rewritten already?)");
    }
    Expression e = row.get(i);
    if (e instanceof NullValue) {
      return 0;
    }
    @SuppressWarnings("unchecked")
    FieldSpec<Object> spec = (FieldSpec<Object>) c.spec();
    Object value = value(e, spec.codec().type(), c.storage(), sql, at + ", column " + c.column());
    String rowId = null;
    if (spec.rowBound()) {
      if (t.primaryKeys().size() != 1) {
        throw new CliException(at + ": " + qualified + " is row-bound but " + t.table() + " has a composite key");
      }
      rowId = key(t, t.primaryKeys().get(0), columns, row, at, "primary key");
    }
    FieldEncryptor<Object> enc = cipher.field(spec);
    replacements.add(replace(e, literal(enc.encrypt(value, tenant, rowId), c.storage(), qualified), sql, at));
    if (bi >= 0) {
      replacements.add(replace(row.get(bi), literal(enc.blindIndex(value, tenant), c.blindIndexStorage(),
          t.table() + "." + c.blindIndexColumn()), sql, at));
    }
    return 1;
  }

  /** The rows of VALUES: a list of parenthesized lists, or one row. */
  private static List<List<Expression>> rows(ExpressionList<?> values) {
    List<List<Expression>> rows = new ArrayList<>();
    if (!values.isEmpty() && values.stream().allMatch(v -> v instanceof ExpressionList<?>)) {
      for (Object row : values) {
        rows.add(new ArrayList<>((ExpressionList<?>) row));
      }
    } else {
      rows.add(new ArrayList<>(values));
    }
    return rows;
  }

  /** The text of a key column (tenant or primary key) in a row, as the context binds it. */
  private String key(EncryptedTable t, String column, List<String> columns, List<Expression> row, String at,
      String what) {
    int i = columns.indexOf(name(column));
    if (i < 0) {
      throw new CliException(at + ": the INSERT into " + t.table() + " must give the " + what + " column " + column
          + " (the encrypted values are bound to it)");
    }
    Expression e = row.get(i);
    if (e instanceof LongValue l) {
      return EncryptionContext.canonicalRowId(new BigInteger(l.getStringValue()));
    }
    if (e instanceof StringValue s) {
      String v = SqlStringLiteral.value(s, dialect, noBackslashEscapes, at + ", " + what + " column " + column);
      if (UPPER_UUID.matcher(v).matches()) {
        throw new CliException(at + ": write the UUID in " + t.table() + "." + column + " in lower case (the"
            + " canonical form the application binds)");
      }
      return EncryptionContext.canonicalRowId(v);
    }
    throw new CliException(at + ": the " + what + " column " + t.table() + "." + column + " must be a number or"
        + " string literal (the encrypted values are bound to it)");
  }

  private Object value(Expression e, Class<?> type, ColumnStorage storage, String sql, String at) {
    if (type == byte[].class) {
      if (e instanceof HexValue h) {
        return HexFormat.of().parseHex(h.getValue().replaceAll("^[xX]'|'$|^0[xX]", ""));
      }
      throw new CliException(at + ": a bytes value must be a hex literal X'...'");
    }
    String text;
    if (e instanceof StringValue s) {
      // what the database would store for the literal (its escapes decoded), not its text as written
      text = SqlStringLiteral.value(s, dialect, noBackslashEscapes, at);
      if (storage == ColumnStorage.TEXT && looksEncrypted(text)) {
        throw new CliException(at + ": the value is already a FieldVault ciphertext: seed the plaintext file");
      }
    } else if (e instanceof LongValue || e instanceof DoubleValue
        || (e instanceof SignedExpression se && (se.getExpression() instanceof LongValue
            || se.getExpression() instanceof DoubleValue))) {
      text = span(e, sql, at).replaceAll("\\s+", "");
    } else {
      throw new CliException(at + ": the value must be a string or number literal (or NULL), not "
          + e.getClass().getSimpleName() + (e instanceof HexValue || e.toString().toLowerCase(Locale.ROOT)
              .startsWith("decode(") ? " (already encrypted? seed the plaintext file)" : ""));
    }
    return ValueText.parse(type, text, at);
  }

  private String literal(byte[] bytes, ColumnStorage storage, String column) {
    if (storage == ColumnStorage.BINARY && dialect == null) {
      throw new CliException(column + " is stored as binary: give --dialect (POSTGRESQL, MARIADB, MYSQL or H2) for"
          + " its SQL literal");
    }
    return (dialect == null ? SqlDialect.H2 : dialect).literal(bytes, storage);
  }

  private static Replacement replace(Expression e, String text, String sql, String at) {
    int[] span = bounds(e, sql, at);
    return new Replacement(span[0], span[1], text);
  }

  private static String span(Expression e, String sql, String at) {
    int[] b = bounds(e, sql, at);
    return sql.substring(b[0], b[1]);
  }

  /** Where the literal is in the file, from the parser's tokens, checked against the literal itself. */
  private static int[] bounds(Expression e, String sql, String at) {
    Node n = e instanceof ASTNodeAccessImpl a ? a.getASTNode() : null;
    if (n != null && n.jjtGetFirstToken() != null && n.jjtGetLastToken() != null) {
      String expected = compact(e.toString());
      // JSqlParser's absolute offsets count from 1; accept 0-based ones too, but only where the text matches
      for (int shift : new int[] {1, 0}) {
        int begin = n.jjtGetFirstToken().absoluteBegin - shift;
        int end = n.jjtGetLastToken().absoluteEnd - shift;
        if (begin >= 0 && end <= sql.length() && begin < end
            && compact(sql.substring(begin, end)).equalsIgnoreCase(expected)) {
          return new int[] {begin, end};
        }
      }
    }
    throw new CliException(at + ": cannot locate the literal in the file; write it as a plain literal");
  }

  private static String compact(String s) {
    return s.replaceAll("\\s+", "");
  }

  private static boolean looksEncrypted(String text) {
    try {
      return CiphertextHeader.looksLikeCiphertext(CiphertextHeader.decodeText(text));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private EncryptedTable declared(Table table) {
    return table == null ? null : tables.get(unqualified(name(table.getName())));
  }

  private static boolean encrypted(EncryptedTable t, String column) {
    String c = name(column);
    return t.columns().stream().anyMatch(e -> name(e.column()).equals(c)
        || (e.blindIndexColumn() != null && name(e.blindIndexColumn()).equals(c)));
  }

  /** An identifier without quotes, in lower case (names match case-insensitively, as in the wrapper). */
  private static String name(String identifier) {
    String s = identifier.strip();
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '`' || s.charAt(0) == '[')) {
      s = s.substring(1, s.length() - 1);
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static String unqualified(String name) {
    int dot = name.lastIndexOf('.');
    return name(dot < 0 ? name : name.substring(dot + 1));
  }
}
