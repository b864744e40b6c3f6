package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The write side of {@link RangeRewrapper}: a batch's rewrapped values written with
 * compare-and-set ({@code ... WHERE pk = ? AND c = <the value read>}), set-based where the dialect
 * has {@code UPDATE ... FROM (VALUES ...)}, else as a JDBC batch. Rows the application changed since
 * they were read are not written and are handed back as conflicts. Internal.
 */
final class CasWriter {

  /** PostgreSQL accepts at most 65535 bind parameters per statement; stay well below. */
  private static final int MAX_PARAMETERS = 30_000;

  private final Dialect dialect;
  private final String table;
  private final TableKey key;
  private final List<EncryptedColumn> columns;
  private final boolean exact;

  /**
   * @param exactText whether text columns are compared exactly, whatever their collation (a plaintext
   *     migration: an application may change a legacy value in case or trailing spaces only, which a
   *     case- or pad-insensitive {@code =} would take for the value read)
   */
  CasWriter(Dialect dialect, String table, TableKey key, List<ColumnCrypto<?>> crypto, boolean exactText) {
    this.dialect = dialect;
    this.table = table;
    this.key = key;
    List<EncryptedColumn> cols = new ArrayList<>();
    crypto.forEach(c -> cols.add(c.column()));
    this.columns = List.copyOf(cols);
    this.exact = exactText && dialect != Dialect.H2 && dialect != Dialect.GENERIC;
  }

  /**
   * The expression read (and compared) as the exact compare-and-set operand of a text column, or null
   * when the column itself is compared: PostgreSQL {@code CAST(c AS TEXT)} (text equality, even for
   * citext), MariaDB {@code CAST(c AS BINARY)} (bytes: no collation, no pad space). H2 compares
   * {@code VARCHAR} exactly already.
   */
  String exactExpression(EncryptedColumn c, String qualifier) {
    if (!exact || c.storage() != ColumnStorage.TEXT) {
      return null;
    }
    return dialect == Dialect.MARIADB ? "CAST(" + qualifier + c.column() + " AS BINARY)"
        : "CAST(" + qualifier + c.column() + " AS TEXT)";
  }

  /** Whether the exact operand is read and bound as bytes (else as text). */
  boolean exactIsBinary() {
    return dialect == Dialect.MARIADB;
  }

  private String compared(EncryptedColumn c, String qualifier) {
    String e = exactExpression(c, qualifier);
    return e != null ? e : qualifier + c.column();
  }

  private void bindOperand(PreparedStatement ps, int index, RowUpdate u, int k) throws SQLException {
    EncryptedColumn ec = columns.get(k);
    if (exactExpression(ec, "") != null) {
      if (exactIsBinary()) {
        ps.setBytes(index, (byte[]) u.operand(k));
      } else {
        ps.setString(index, (String) u.operand(k));
      }
    } else {
      bind(ps, index, u.old()[2 * k], ec.storage());
    }
  }

  /** Writes the updates; those whose row changed since it was read are added to {@code conflicts}. */
  long apply(Connection writer, List<RowUpdate> updates, List<RowUpdate> conflicts) throws SQLException {
    long updated = 0;
    Map<Integer, List<RowUpdate>> byMask = new LinkedHashMap<>();
    for (RowUpdate u : updates) {
      byMask.computeIfAbsent(u.mask(), m -> new ArrayList<>()).add(u);
    }
    for (Map.Entry<Integer, List<RowUpdate>> e : byMask.entrySet()) {
      updated += dialect.setBasedUpdate() ? writeSetBased(writer, e.getKey(), e.getValue(), conflicts)
          : writeBatched(writer, e.getKey(), e.getValue(), conflicts);
    }
    return updated;
  }

  /**
   * {@code UPDATE t SET c = v.n ... FROM (VALUES ...) v WHERE t.pk1 = v.k0 AND t.pk2 = v.k1 ... AND t.c = v.o
   * AND t.pk1 BETWEEN <first> AND <last>}: one statement per chunk. The updates come in key order (a
   * batch is read {@code ORDER BY} the key, a conflict re-read too), so the chunk's rows lie between
   * its first and last keys' leading column; without that range PostgreSQL hash-joins the values
   * with a scan of the whole table, for every batch.
   */
  private long writeSetBased(Connection c, int mask, List<RowUpdate> updates, List<RowUpdate> conflicts) throws SQLException {
    List<Integer> cols = columnsOf(mask);
    StringBuilder set = new StringBuilder();
    List<String> keyAliases = new ArrayList<>();
    List<String> keyMatch = new ArrayList<>();
    List<String> returning = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      keyAliases.add("k" + i);
      keyMatch.add("fv_t." + key.columns().get(i) + " = fv_v.k" + i);
      returning.add("fv_t." + key.columns().get(i));
    }
    StringBuilder alias = new StringBuilder(String.join(", ", keyAliases));
    StringBuilder where = new StringBuilder(String.join(" AND ", keyMatch));
    int perRow = key.size();
    for (int k : cols) {
      EncryptedColumn ec = columns.get(k);
      set.append(set.length() == 0 ? "" : ", ").append(ec.column()).append(" = fv_v.n").append(k);
      alias.append(", o").append(k).append(", n").append(k);
      where.append(" AND ").append(compared(ec, "fv_t.")).append(" = fv_v.o").append(k);
      perRow += 2;
      if (ec.blindIndexColumn() != null) {
        set.append(", ").append(ec.blindIndexColumn()).append(" = fv_v.b").append(k);
        alias.append(", b").append(k);
        perRow++;
      }
    }
    String row = "(" + String.join(", ", java.util.Collections.nCopies(perRow, "?")) + ")";
    int chunk = Math.max(1, MAX_PARAMETERS / perRow);
    long updated = 0;
    for (int from = 0; from < updates.size(); from += chunk) {
      List<RowUpdate> part = updates.subList(from, Math.min(updates.size(), from + chunk));
      String sql = "UPDATE " + table + " AS fv_t SET " + set + " FROM (VALUES "
          + String.join(", ", java.util.Collections.nCopies(part.size(), row)) + ") AS fv_v(" + alias + ") WHERE "
          + where + " AND " + key.leadingBetween("fv_t.") + " RETURNING " + String.join(", ", returning);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        for (RowUpdate u : part) {
          i = key.bind(ps, i, u.key());
          for (int k : cols) {
            EncryptedColumn ec = columns.get(k);
            bindOperand(ps, i++, u, k);
            bind(ps, i++, u.values()[k], ec.storage());
            if (ec.blindIndexColumn() != null) {
              bind(ps, i++, u.blindIndexes()[k], ec.blindIndexStorage());
            }
          }
        }
        key.bindLeading(ps, i, part.get(0).key(), part.get(part.size() - 1).key());
        java.util.Set<List<Object>> done = new java.util.HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            done.add(key.read(rs, 1));
          }
        }
        updated += done.size();
        for (RowUpdate u : part) {
          if (!done.contains(u.key())) {
            conflicts.add(u);
          }
        }
      }
    }
    return updated;
  }

  /** {@code UPDATE t SET c = ? WHERE pk1 = ? AND pk2 = ? ... AND c = ?} as a JDBC batch. */
  private long writeBatched(Connection c, int mask, List<RowUpdate> updates, List<RowUpdate> conflicts) throws SQLException {
    List<Integer> cols = columnsOf(mask);
    StringBuilder set = new StringBuilder();
    StringBuilder where = new StringBuilder(key.equalTo(""));
    for (int k : cols) {
      EncryptedColumn ec = columns.get(k);
      set.append(set.length() == 0 ? "" : ", ").append(ec.column()).append(" = ?");
      if (ec.blindIndexColumn() != null) {
        set.append(", ").append(ec.blindIndexColumn()).append(" = ?");
      }
      where.append(" AND ").append(compared(ec, "")).append(" = ?");
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE " + where)) {
      for (RowUpdate u : updates) {
        int i = 1;
        for (int k : cols) {
          EncryptedColumn ec = columns.get(k);
          bind(ps, i++, u.values()[k], ec.storage());
          if (ec.blindIndexColumn() != null) {
            bind(ps, i++, u.blindIndexes()[k], ec.blindIndexStorage());
          }
        }
        i = key.bind(ps, i, u.key());
        for (int k : cols) {
          bindOperand(ps, i++, u, k);
        }
        ps.addBatch();
      }
      long updated = 0;
      int[] counts = ps.executeBatch();
      for (int r = 0; r < counts.length; r++) {
        int n = counts[r];
        if (n == 0) {
          conflicts.add(updates.get(r));
        }
        if (n == Statement.SUCCESS_NO_INFO) {
          throw new SQLException("the driver does not report per-row update counts for batches, which"
              + " compare-and-set needs (MariaDB: do not set useBulkStmts=true on the rewrapper's DataSource)");
        }
        updated += n;
      }
      return updated;
    }
  }

  private List<Integer> columnsOf(int mask) {
    List<Integer> out = new ArrayList<>();
    for (int k = 0; k < columns.size(); k++) {
      if ((mask & (1 << k)) != 0) {
        out.add(k);
      }
    }
    return out;
  }

  private static void bind(PreparedStatement ps, int index, Object value, ColumnStorage storage) throws SQLException {
    if (storage == ColumnStorage.BINARY) {
      ps.setBytes(index, (byte[]) value);
    } else {
      ps.setString(index, (String) value);
    }
  }
}
