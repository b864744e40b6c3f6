package dev.fieldvault.jdbc.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a statement that searches deterministic or blind-index columns is rewritten so that a search
 * matches a value under every readable key during a key rotation: each searched parameter becomes a
 * group of {@code slots} parameters. {@code col = ?} becomes {@code col IN (?, ?)}, {@code col <> ?}
 * becomes {@code col NOT IN (?, ?)}, and a {@code ?} of an {@code IN} list becomes {@code ?, ?}.
 * The edits are made in the application's own SQL text, so everything else reaches the driver as
 * written. Immutable; the rewritten SQL is cached per number of slots (and exact rendering).
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
    /**
     * Whether the parameter searches a TEXT column that may hold legacy plaintext, whose plaintext forms
     * are compared exactly ({@link #EXACT_MARIADB}).
     */
    final boolean legacyText;

    Edit(int start, int end, String prefix, String suffix, int parameter) {
      this(start, end, prefix, suffix, parameter, false);
    }

    private Edit(int start, int end, String prefix, String suffix, int parameter, boolean legacyText) {
      this.start = start;
      this.end = end;
      this.prefix = prefix;
      this.suffix = suffix;
      this.parameter = parameter;
      this.legacyText = legacyText;
    }

    /** This edit, searching a TEXT column that may hold legacy plaintext. */
    Edit legacyText() {
      return new Edit(start, end, prefix, suffix, parameter, true);
    }
  }

  /**
   * A placeholder of a search of a TEXT column that may hold legacy plaintext, on MariaDB: its usual
   * collations ignore case and trailing spaces, so the values are given a binary, no-pad collation
   * (MariaDB then compares the whole {@code IN} list with it, and still uses an index on the column):
   * {@code 'alice'} does not find a legacy {@code 'Alice'} (nor {@code 'Alice '}), as it does not once
   * that row is migrated. The ciphertexts in the same list are base64, compared exactly either way. The
   * same rendering as the Hibernate integration's ({@code LegacyPlaintextArm}).
   */
  static final String EXACT_MARIADB = "convert(? using utf8mb4) collate utf8mb4_nopad_bin";

  /**
   * The SQL for a number of slots (the placeholders of legacy plaintext searches of TEXT columns rendered
   * {@link #EXACT_MARIADB} when {@code exact}), and where each of the application's parameters went.
   */
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
  /** Whether a TEXT column that may hold legacy plaintext is searched. */
  final boolean legacyText;
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
    this.legacyText = edits.stream().anyMatch(e -> e.legacyText);
  }

  /** The statement with every searched parameter taking {@code slots} values (1: the SQL as written). */
  Expanded expand(int slots) {
    return expand(slots, false);
  }

  /**
   * The statement with every searched parameter taking {@code slots} values, and when {@code exact} the
   * placeholders of searches of TEXT columns that may hold legacy plaintext rendered {@link #EXACT_MARIADB}
   * (on MariaDB; the same number of placeholders either way).
   */
  Expanded expand(int slots, boolean exact) {
    boolean rendered = exact && legacyText;
    int key = rendered ? -slots : slots;
    Expanded e = bySlots.get(key);
    if (e == null) {
      e = bySlots.computeIfAbsent(key, n -> new Expanded(slots == 1 && !rendered ? sql : rewrite(slots, rendered),
          slots, this));
    }
    return e;
  }

  private String rewrite(int slots, boolean exact) {
    StringBuilder out = new StringBuilder(sql.length() + edits.size() * (slots * 3 + 8));
    int at = 0;
    for (Edit e : edits) {
      String placeholder = exact && e.legacyText ? EXACT_MARIADB : "?";
      out.append(sql, at, e.start).append(e.prefix).append(placeholder);
      for (int i = 1; i < slots; i++) {
        out.append(", ").append(placeholder);
      }
      out.append(e.suffix);
      at = e.end;
    }
    return out.append(sql, at, sql.length()).toString();
  }

  @Override
  public String toString() {
    return "SearchExpansion{" + edits.size() + " searched parameters}";
  }
}
