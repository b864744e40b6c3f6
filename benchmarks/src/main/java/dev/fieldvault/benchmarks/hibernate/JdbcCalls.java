package dev.fieldvault.benchmarks.hibernate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Benchmark-only: counts the JDBC calls Hibernate makes (connections taken, statements prepared and
 * executed, commits, and every other call on a connection or statement), by wrapping the pool in
 * dynamic proxies. Used for counting passes only, never while timing.
 */
final class JdbcCalls {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  DataSource wrap(DataSource pool) {
    return proxy(DataSource.class, pool, "DataSource");
  }

  void reset() {
    counts.clear();
  }

  /** Calls per operation, by {@code Interface.method}, for {@code ops} operations since the last reset. */
  Map<String, Double> perOp(long ops) {
    Map<String, Double> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum() / (double) ops));
    return out;
  }

  @SuppressWarnings("unchecked")
  private <T> T proxy(Class<T> type, T target, String name) {
    InvocationHandler h = (p, m, args) -> {
      String method = m.getName();
      if (!method.equals("toString") && !method.equals("hashCode") && !method.equals("equals")) {
        counts.computeIfAbsent(name + "." + method, k -> new LongAdder()).increment();
      }
      Object r;
      try {
        r = m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (r instanceof Connection && m.getReturnType() == Connection.class && !(r instanceof Proxy)) {
        return proxy(Connection.class, (Connection) r, "Connection");
      }
      if (r instanceof Statement && Statement.class.isAssignableFrom(m.getReturnType()) && !(r instanceof Proxy)) {
        Class<?> rt = m.getReturnType();
        return proxy((Class<Object>) rt, r, rt.getSimpleName());
      }
      return r;
    };
    return (T) Proxy.newProxyInstance(JdbcCalls.class.getClassLoader(), new Class<?>[] {type}, h);
  }
}
