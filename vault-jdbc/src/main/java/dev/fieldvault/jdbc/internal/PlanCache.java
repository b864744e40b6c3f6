package dev.fieldvault.jdbc.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Plans by SQL string, bounded: reads are lock-free; when the cache is full, an arbitrary entry is
 * evicted before a new one is added, so memory stays bounded even for applications that build SQL
 * strings with inline values.
 */
final class PlanCache {

  private final ConcurrentHashMap<String, StatementPlan> plans = new ConcurrentHashMap<>();
  private final int maxSize;
  private final Function<String, StatementPlan> analyzer;

  PlanCache(int maxSize, Function<String, StatementPlan> analyzer) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be >= 1");
    }
    this.maxSize = maxSize;
    this.analyzer = analyzer;
  }

  StatementPlan get(String sql) {
    StatementPlan plan = plans.get(sql);
    if (plan != null) {
      return plan;
    }
    plan = analyzer.apply(sql);
    while (plans.size() >= maxSize) {
      Iterator<String> it = plans.keySet().iterator();
      if (!it.hasNext()) {
        break;
      }
      plans.remove(it.next());
    }
    StatementPlan raced = plans.putIfAbsent(sql, plan);
    return raced == null ? plan : raced;
  }

  int size() {
    return plans.size();
  }
}
