package dev.fieldvault.jdbc.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a statement that searches deterministic or blind-index columns is rewritten so that a search
 * matches a value under every readable key during a key rotation: each searched parameter becomes a
 * group of {@code slots} parameters. {@code col = ?} becomes {@code col IN (?, ?)}, {@code col <> ?}
 * becomes {@code col NOT IN (?, ?)}, and a {@code ?} of an {@code IN} list becomes {@code ?, ?}.
 * The edits are made in the application's own SQL text, so everything else reaches the driver as
 * written. Immutable; the rewritten SQL is cached per number of slots.
 */
final class SearchExpansion {

  /** One edit of the SQL text: {@code [start, end)} becomes {@code prefix + group of ?s + suffix}. */
  static final class Edit {
    final int start;
    final int end;
    final String prefix;
    final String suffix;
    /** The application's index of the searched parameter. */
    final int parameter;

    Edit(int start, int end, String prefix, String suffix, int parameter) {
      this.start = start;
      this.end = end;
      this.prefix = prefix;
      this.suffix = suffix;
      this.parameter = parameter;
    }
  }

  /** The SQL for a number of slots, and where each of the application's parameters went. */
  static final class Expanded {
    final String sql;
    final int slots;
    private final SearchExpansion expansion;

    private Expanded(String sql, int slots, SearchExpansion expansion) {
      this.sql = sql;
      this.slots = slots;
      this.expansion = expansion;
    }

    /** The driver's index of the application's parameter (of its first slot, for a searched one). */
    int first(int parameterIndex) {
      int[] before = expansion.searchedBefore;
      int searched = parameterIndex < before.length ? before[parameterIndex] : before[before.length - 1];
      return parameterIndex + (slots - 1) * searched;
    }

    /** How many parameters the application's SQL has, from the driver's count for this SQL. */
    int applicationCount(int driverCount) {
      int[] before = expansion.searchedBefore;
      return driverCount - (slots - 1) * before[before.length - 1];
    }
  }

  private final String sql;
  private final List<Edit> edits;
  /** By application parameter index: how many searched parameters come before it; the last entry is the total. */
  private final int[] searchedBefore;
  /** Whether a deterministic column is searched (its keyset's readable keys count). */
  final boolean deterministic;
  /** Whether a blind index is searched (the PRF keyset's readable keys count). */
  final boolean blindIndex;
  private final ConcurrentHashMap<Integer, Expanded> bySlots = new ConcurrentHashMap<>();

  /**
   * @param edits one per searched parameter, in text order, not overlapping, with increasing
   *     parameter indexes (the order in which the driver numbers the {@code ?}s)
   */
  SearchExpansion(String sql, List<Edit> edits, boolean deterministic, boolean blindIndex) {
    this.sql = sql;
    this.edits = List.copyOf(edits);
    int last = edits.get(edits.size() - 1).parameter;
    this.searchedBefore = new int[last + 2];
    for (Edit e : edits) {
      for (int i = e.parameter + 1; i < searchedBefore.length; i++) {
        searchedBefore[i]++;
      }
    }
    this.deterministic = deterministic;
    this.blindIndex = blindIndex;
  }

  /** The statement with every searched parameter taking {@code slots} values (1: the SQL as written). */
  Expanded expand(int slots) {
    Expanded e = bySlots.get(slots);
    if (e == null) {
      e = bySlots.computeIfAbsent(slots, n -> new Expanded(n == 1 ? sql : rewrite(n), n, this));
    }
    return e;
  }

  private String rewrite(int slots) {
    StringBuilder group = new StringBuilder("?");
    for (int i = 1; i < slots; i++) {
      group.append(", ?");
    }
    StringBuilder out = new StringBuilder(sql.length() + edits.size() * (group.length() + 8));
    int at = 0;
    for (Edit e : edits) {
      out.append(sql, at, e.start).append(e.prefix).append(group).append(e.suffix);
      at = e.end;
    }
    return out.append(sql, at, sql.length()).toString();
  }

  @Override
  public String toString() {
    return "SearchExpansion{" + edits.size() + " searched parameters}";
  }
}
