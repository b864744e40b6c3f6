package dev.fieldvault.secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of a group-committed batch of writes ({@link WriteBatcher}), sent as JDBC batches: one
 * round trip per distinct statement instead of one per write. Statements run in phases (entries, then
 * kept versions, then pruning), so rows are locked in the same order as a single write takes them.
 * A statement with an expected update count (a compare-and-set) that does not get it names its write
 * as lost.
 */
final class WritePlan {

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** One statement with its parameters. */
  record Stmt(String sql, Binder binder) {

    /** Runs it alone on {@code c}: its update count. */
    int executeOn(Connection c) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        return ps.executeUpdate();
      }
    }
  }

  /** The phases, in the order they run. */
  static final int ENTRIES = 0;
  static final int VERSIONS = 1;
  static final int PRUNES = 2;
  private static final int PHASES = 3;

  /** An update count a statement does not need to have. */
  static final int ANY_COUNT = -1;

  /** The driver did not report a statement's update count: the batch cannot check its compare-and-sets. */
  static final class CountsUnknown extends Exception {
    CountsUnknown() {
      super(null, null, false, false);
    }
  }

  private record Item(Stmt stmt, int expected, Object owner) {}

  private final List<Map<String, List<Item>>> phases = new ArrayList<>();
  private Object owner;

  WritePlan() {
    for (int i = 0; i < PHASES; i++) {
      phases.add(new LinkedHashMap<>());
    }
  }

  /** The write the next statements belong to. */
  void owner(Object owner) {
    this.owner = owner;
  }

  /** Adds a statement of the current owner, in {@code phase}, that must update {@code expected} rows (or ANY_COUNT). */
  void add(int phase, Stmt stmt, int expected) {
    phases.get(phase).computeIfAbsent(stmt.sql(), k -> new ArrayList<>()).add(new Item(stmt, expected, owner));
  }

  /**
   * Sends every statement, one JDBC batch per distinct statement, phase after phase.
   *
   * @return the owner of the first statement whose update count was not the expected one (its write lost
   *     a compare-and-set: the transaction must be rolled back), or null when every count matched
   * @throws CountsUnknown the driver reported no count for a statement that needs one
   */
  Object execute(Connection c) throws SQLException, CountsUnknown {
    for (Map<String, List<Item>> phase : phases) {
      for (Map.Entry<String, List<Item>> group : phase.entrySet()) {
        List<Item> items = group.getValue();
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement(group.getKey())) {
          if (items.size() == 1) {
            items.get(0).stmt().binder().bind(ps);
            counts = new int[] {ps.executeUpdate()};
          } else {
            for (Item item : items) {
              item.stmt().binder().bind(ps);
              ps.addBatch();
            }
            counts = ps.executeBatch();
          }
        }
        if (counts.length != items.size()) {
          throw new CountsUnknown();
        }
        for (int i = 0; i < counts.length; i++) {
          int expected = items.get(i).expected();
          if (expected == ANY_COUNT) {
            continue;
          }
          if (counts[i] == Statement.SUCCESS_NO_INFO || counts[i] < 0) {
            throw new CountsUnknown();
          }
          if (counts[i] != expected) {
            return items.get(i).owner();
          }
        }
      }
    }
    return null;
  }
}
