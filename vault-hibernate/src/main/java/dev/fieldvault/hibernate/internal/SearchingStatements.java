package dev.fieldvault.hibernate.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps equality queries on deterministic columns working during a key rotation. While the
 * deterministic keyset has more than one readable key, each {@code col = ?} and {@code col in (?, ...)}
 * on a deterministic column (outside an UPDATE's SET clause) is prepared as {@code col in (?, ?, ...)}
 * with one placeholder per readable key, and each {@code col <> ?} / {@code col not in (?, ...)} as
 * {@code col not in (?, ?, ...)}. When Hibernate binds the value's ciphertext (under the primary key) to
 * such a slot, the statement binds the same value's ciphertext under each readable key; any other value
 * bound there is repeated, so the predicate keeps its meaning. A placeholder compared with a
 * deterministic column in any other form ({@code ? = col}, {@code col < ?}, {@code like}, ...) fails
 * the prepare with an {@link SQLException} rather than miss rows under older keys.
 *
 * <p>HQL and Criteria queries reach this class only in the shapes above: {@link EncryptedQueryTranslator}
 * puts every equality on an encrypted attribute into them (column first) and refuses the rest on the
 * query's semantic model; the text matching here only has to recognise Hibernate's rendering of those
 * shapes, and guards native SQL. With one readable key (the normal state) statements are not touched.
 */
final class SearchingStatements {

  private SearchingStatements() {}

  /** The tenant of the deterministic value being bound on this thread (tenant entities), else null. */
  private static final ThreadLocal<String> BINDING_TENANT = new ThreadLocal<>();

  /** A bind call that may fail. */
  interface Bind {
    void run() throws SQLException;
  }

  /**
   * Runs a bind of a tenant entity's value: a rewritten search slot then derives the value's forms
   * under the other keys in that tenant's context.
   */
  static void withTenant(String tenant, Bind bind) throws SQLException {
    BINDING_TENANT.set(tenant);
    try {
      bind.run();
    } finally {
      BINDING_TENANT.remove();
    }
  }

  /** A connection that prepares rewritten statements when needed. */
  static Connection wrap(Connection connection, VaultRuntime runtime) {
    return (Connection) Proxy.newProxyInstance(SearchingStatements.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new ConnectionHandler(connection, runtime));
  }

  /** The connection a wrapper was made for (or the argument itself). */
  static Connection unwrap(Connection connection) {
    if (Proxy.isProxyClass(connection.getClass())
        && Proxy.getInvocationHandler(connection) instanceof ConnectionHandler) {
      return ((ConnectionHandler) Proxy.getInvocationHandler(connection)).target;
    }
    return connection;
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static final class ConnectionHandler implements InvocationHandler {
    final Connection target;
    final VaultRuntime runtime;

    ConnectionHandler(Connection target, VaultRuntime runtime) {
      this.target = target;
      this.runtime = runtime;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      if (name.equals("unwrap") && args[0] == Connection.class) {
        return proxy;
      }
      if (name.equals("equals")) {
        return proxy == args[0];
      }
      if (name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (name.equals("prepareStatement") && args != null && args[0] instanceof String) {
        int keys = runtime.readableDeterministicKeys();
        Set<String> columns = runtime.deterministicColumns();
        if (keys > 1 && !columns.isEmpty()) {
          Rewrite rw = Rewrite.of((String) args[0], columns, keys);
          if (rw != null) {
            Object[] a = args.clone();
            a[0] = rw.sql;
            PreparedStatement real = (PreparedStatement) SearchingStatements.invoke(target, m, a);
            return Proxy.newProxyInstance(SearchingStatements.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, new StatementHandler(real, rw, (Connection) proxy, runtime));
          }
        }
      }
      return SearchingStatements.invoke(target, m, args);
    }
  }

  /** The rewritten SQL and where each original placeholder went. */
  static final class Rewrite {
    final String sql;
    final int[] start; // 1-based original index -> first new index
    final int[] count; // 1-based original index -> number of new placeholders
    final String[] column; // 1-based original index -> compared deterministic column (lower case), or null

    private Rewrite(String sql, int[] start, int[] count, String[] column) {
      this.sql = sql;
      this.start = start;
      this.count = count;
      this.column = column;
    }

    private static final Pattern EQ = Pattern.compile("(?:[A-Za-z0-9_$]+\\.)?([A-Za-z0-9_$]+)\\s*=\\s*$");
    private static final Pattern NE = Pattern.compile("(?:[A-Za-z0-9_$]+\\.)?([A-Za-z0-9_$]+)\\s*(?:<>|!=)\\s*$");
    private static final Pattern IN = Pattern.compile(
        "(?:[A-Za-z0-9_$]+\\.)?([A-Za-z0-9_$]+)\\s+(?:not\\s+)?in\\s*\\(\\s*(?:\\?\\s*,\\s*)*$",
        Pattern.CASE_INSENSITIVE);
    /** The end of the text before a "col = ?" or "col <> ?" placeholder: the operator. */
    private static final Pattern OPERATOR = Pattern.compile("\\s*(?:=|<>|!=)\\s*$");
    /** A placeholder compared with a column on its right ("? = col", "? < col", ...). */
    private static final Pattern VALUE_FIRST = Pattern.compile(
        "^\\s*(?:=|<>|!=|<=|>=|<|>)\\s*(?:[A-Za-z0-9_$]+\\.)?([A-Za-z0-9_$]+)");
    /** A column in an ordering comparison, range or pattern before a placeholder. */
    private static final Pattern UNORDERED = Pattern.compile(
        "(?:[A-Za-z0-9_$]+\\.)?([A-Za-z0-9_$]+)\\s*(?:<=|>=|<|>|\\s(?:not\\s+)?like|\\s(?:not\\s+)?between)\\s*$",
        Pattern.CASE_INSENSITIVE);

    /** Null when no placeholder compares a deterministic column. */
    static Rewrite of(String sql, Set<String> columns, int keys) throws SQLException {
      String lower = sql.toLowerCase(Locale.ROOT);
      int whereFrom = lower.startsWith("update") ? Math.max(lower.indexOf(" where "), 0) : 0;
      if (lower.startsWith("update") && lower.indexOf(" where ") < 0 || lower.startsWith("insert")) {
        return null;
      }
      StringBuilder out = new StringBuilder(sql.length() + 16);
      List<int[]> slots = new ArrayList<>();
      List<String> slotColumns = new ArrayList<>();
      boolean any = false;
      int next = 1;
      char quote = 0;
      int last = 0;
      for (int i = 0; i < sql.length(); i++) {
        char c = sql.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
          continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
          quote = c;
          continue;
        }
        if (c != '?') {
          continue;
        }
        String before = sql.substring(last, i);
        out.append(before);
        String context = sql.substring(Math.max(0, i - 200), i);
        boolean search = false;
        String comparison = null; // " in (" for "col = ?", " not in (" for "col <> ?", null for a list
        String column = null;
        if (i >= whereFrom) {
          Matcher eq = EQ.matcher(context);
          Matcher ne = NE.matcher(context);
          Matcher in = IN.matcher(context);
          if (eq.find() && columns.contains(eq.group(1).toLowerCase(Locale.ROOT))
              && !context.substring(0, eq.start()).stripTrailing().endsWith("!")
              && !context.substring(0, eq.end()).matches("(?s).*[<>!]\\s*=\\s*$")) {
            search = true;
            comparison = " in (";
            column = eq.group(1).toLowerCase(Locale.ROOT);
          } else if (ne.find() && columns.contains(ne.group(1).toLowerCase(Locale.ROOT))) {
            search = true;
            comparison = " not in (";
            column = ne.group(1).toLowerCase(Locale.ROOT);
          } else if (in.find() && columns.contains(in.group(1).toLowerCase(Locale.ROOT))) {
            search = true;
            column = in.group(1).toLowerCase(Locale.ROOT);
          } else {
            refuseUnwidened(context, sql.substring(i + 1, Math.min(sql.length(), i + 200)), columns);
          }
        }
        if (search) {
          any = true;
          if (comparison != null) {
            // "col = ?" -> "col in (?, ?)", "col <> ?" -> "col not in (?, ?)": drop the operator already copied
            Matcher op = OPERATOR.matcher(out);
            if (!op.find()) {
              throw new SQLException("FieldVault could not rewrite a comparison of deterministic column " + column
                  + " for a key rotation", "42000");
            }
            out.setLength(op.start());
            out.append(comparison);
            appendPlaceholders(out, keys);
            out.append(')');
          } else {
            appendPlaceholders(out, keys);
          }
          slots.add(new int[] {next, keys});
          slotColumns.add(column);
          next += keys;
        } else {
          out.append('?');
          slots.add(new int[] {next, 1});
          slotColumns.add(null);
          next++;
        }
        last = i + 1;
      }
      if (!any) {
        return null;
      }
      out.append(sql, last, sql.length());
      int[] start = new int[slots.size() + 1];
      int[] count = new int[slots.size() + 1];
      String[] cols = new String[slots.size() + 1];
      for (int i = 0; i < slots.size(); i++) {
        start[i + 1] = slots.get(i)[0];
        count[i + 1] = slots.get(i)[1];
        cols[i + 1] = slotColumns.get(i);
      }
      return new Rewrite(out.toString(), start, count, cols);
    }

    /**
     * Fails closed on a placeholder compared with a deterministic column in a form that is not widened
     * to every readable key ("? = col", "col < ?", "col like ?", ...): during a rotation such a statement
     * would miss rows under the older keys without an error. HQL and criteria queries never produce
     * these forms (FieldVault's query translator refuses or rearranges them); native SQL can.
     */
    private static void refuseUnwidened(String before, String after, Set<String> columns) throws SQLException {
      Matcher right = VALUE_FIRST.matcher(after);
      Matcher left = UNORDERED.matcher(before);
      String column = right.find() && columns.contains(right.group(1).toLowerCase(Locale.ROOT)) ? right.group(1)
          : left.find() && columns.contains(left.group(1).toLowerCase(Locale.ROOT)) ? left.group(1) : null;
      if (column != null) {
        throw new SQLException("FieldVault refuses a statement that compares deterministic column " + column
            + " with a parameter in a form it cannot widen to every readable key during a key rotation (it"
            + " would miss rows still under an older key): write the column first and compare with =, <>, in or"
            + " not in (col = ?, col in (?, ...)); ordering, range and pattern comparisons on encrypted columns are"
            + " not possible", "42000");
      }
    }

    private static void appendPlaceholders(StringBuilder out, int n) {
      for (int k = 0; k < n; k++) {
        out.append(k == 0 ? "?" : ",?");
      }
    }
  }

  private static final class StatementHandler implements InvocationHandler {
    final PreparedStatement target;
    final Rewrite rw;
    final Connection connection;
    final VaultRuntime runtime;

    StatementHandler(PreparedStatement target, Rewrite rw, Connection connection, VaultRuntime runtime) {
      this.target = target;
      this.rw = rw;
      this.connection = connection;
      this.runtime = runtime;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      if (name.equals("getConnection")) {
        return connection;
      }
      if (name.equals("equals")) {
        return proxy == args[0];
      }
      if (name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
        int index = (Integer) args[0];
        if (index >= rw.count.length) {
          return SearchingStatements.invoke(target, m, args);
        }
        int n = rw.count[index];
        Object[] values = null;
        if (n > 1 && (args[1] instanceof byte[] || args[1] instanceof String)) {
          // the ciphertext under the primary key: add the same value's ciphertexts under the other keys
          values = runtime.searchForms(rw.column[index], args[1], BINDING_TENANT.get());
        }
        Object[] a = args.clone();
        for (int k = 0; k < n; k++) {
          a[0] = rw.start[index] + k;
          if (values != null) {
            a[1] = values[Math.min(k, values.length - 1)];
          }
          SearchingStatements.invoke(target, m, a);
        }
        return null;
      }
      return SearchingStatements.invoke(target, m, args);
    }
  }
}
