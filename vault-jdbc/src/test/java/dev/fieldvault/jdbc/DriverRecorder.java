package dev.fieldvault.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A data source under the wrapper that records everything the driver receives: every SQL string
 * (prepared, executed or batched) and every value bound to a parameter. Single-threaded use.
 */
final class DriverRecorder {

  /** An SQL string the driver received (bound values are recorded as they are). */
  record Sql(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private final List<Object> received = new ArrayList<>();

  /** The real data source, recording what reaches its connections and statements. */
  DataSource wrap(DataSource real) {
    return proxy(DataSource.class, real);
  }

  /** How many SQL strings and values the driver has received so far. */
  int mark() {
    return received.size();
  }

  /** What the driver received since a {@link #mark()}. */
  List<Object> since(int mark) {
    return List.copyOf(received.subList(mark, received.size()));
  }

  /** The first SQL string or value received since the mark that holds one of the plaintexts, or null. */
  Object plaintextSince(int mark, List<String> plaintexts) {
    return plaintextSince(mark, plaintexts, false);
  }

  /** As {@link #plaintextSince(int, List)}, in SQL strings only when {@code sqlOnly}. */
  Object plaintextSince(int mark, List<String> plaintexts, boolean sqlOnly) {
    for (Object o : received.subList(mark, received.size())) {
      if ((!sqlOnly || o instanceof Sql) && holdsAny(o, plaintexts)) {
        return o;
      }
    }
    return null;
  }

  private static boolean holdsAny(Object o, List<String> plaintexts) {
    for (String p : plaintexts) {
      if (o instanceof byte[] ? indexOf((byte[]) o, p.getBytes(StandardCharsets.UTF_8)) >= 0
          : o != null && o.toString().toLowerCase(Locale.ROOT).contains(p.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private <T> T proxy(Class<T> iface, T real) {
    return iface.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, (p, m, args) -> {
      String name = m.getName();
      if (args != null && (name.startsWith("prepare") || name.startsWith("execute") || name.equals("addBatch")
          || name.equals("nativeSQL")) && args[0] instanceof String) {
        received.add(new Sql((String) args[0]));
      } else if (args != null && name.startsWith("set") && args.length >= 2 && args[0] instanceof Integer
          && iface == PreparedStatement.class) {
        for (int i = 1; i < args.length; i++) {
          received.add(args[i]);
        }
      }
      Object result;
      try {
        result = m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof PreparedStatement && name.equals("prepareStatement")) {
        return proxy(PreparedStatement.class, (PreparedStatement) result);
      }
      if (result instanceof Statement && name.equals("createStatement")) {
        return proxy(Statement.class, (Statement) result);
      }
      if (result instanceof Connection && name.equals("getConnection")) {
        return proxy(Connection.class, (Connection) result);
      }
      return result;
    }));
  }
}
