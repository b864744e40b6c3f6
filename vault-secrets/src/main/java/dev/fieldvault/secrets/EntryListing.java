package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.internal.Json;
import dev.fieldvault.secrets.internal.Tables;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The SQL of {@link SecretStore#list(ListQuery)} and {@link SecretStore#counts()}: keyset pages over a
 * store's entry rows (never their values), and the store's counts. The cursor is the position of the
 * last entry of a page (its order, direction, update time and name), so pages never repeat or skip an
 * entry that stays unchanged while other entries are written; metadata filters are applied to the rows
 * read, in chunks, until the page is full.
 */
final class EntryListing {

  private static final String CURSOR_VERSION = "1";
  private static final String COLUMNS =
      "name_key, version, metadata, expires_ms, updated_ms, entry_id, created_ms, created_by, kind";

  private final Tables tables;
  private final long storeId;
  private final Json json;

  EntryListing(Tables tables, long storeId, Json json) {
    this.tables = tables;
    this.storeId = storeId;
    this.json = json;
  }

  Page<SecretInfo> page(Connection c, ListQuery q, long now) throws SQLException {
    return page(c, q, now, name -> true);
  }

  /** As {@link #page(Connection, ListQuery, long)}, showing only entries whose name is {@code visible}. */
  Page<SecretInfo> page(Connection c, ListQuery q, long now, java.util.function.Predicate<String> visible)
      throws SQLException {
    Position after = q.cursor() == null ? null : Position.decode(q.cursor(), q);
    List<SecretInfo> matched = new ArrayList<>();
    int chunk = Math.min(Math.max(q.limit() + 1, 100), 1_000);
    while (matched.size() <= q.limit()) {
      List<SecretInfo> rows = chunk(c, q, after, now, chunk);
      for (SecretInfo i : rows) {
        if (matches(i, q) && matched.size() <= q.limit() && visible.test(i.name())) {
          matched.add(i);
        }
      }
      if (rows.size() < chunk) {
        break;
      }
      after = Position.of(rows.get(rows.size() - 1));
    }
    if (matched.size() > q.limit()) {
      List<SecretInfo> items = List.copyOf(matched.subList(0, q.limit()));
      return new Page<>(items, Position.of(items.get(items.size() - 1)).encode(q));
    }
    return new Page<>(List.copyOf(matched), null);
  }

  private static boolean matches(SecretInfo i, ListQuery q) {
    for (Map.Entry<String, String> e : q.metadata().entrySet()) {
      if (!e.getValue().equals(i.metadata().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private List<SecretInfo> chunk(Connection c, ListQuery q, Position after, long now, int n) throws SQLException {
    boolean byTime = q.order() == ListQuery.Order.UPDATED_AT;
    String cmp = q.reversed() ? "<" : ">";
    String dir = q.reversed() ? " DESC" : "";
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM "
        + tables.entry + " WHERE store_id = ?");
    if (q.state() == SecretInfo.State.ACTIVE) {
      sql.append(" AND (expires_ms IS NULL OR expires_ms > ?)");
    } else if (q.state() == SecretInfo.State.EXPIRED) {
      sql.append(" AND expires_ms <= ?");
    }
    if (q.kind() != null) {
      sql.append(q.kind() == SecretKind.GENERIC ? " AND kind IS NULL" : " AND kind = ?");
    }
    if (after != null) {
      sql.append(byTime ? " AND (updated_ms " + cmp + " ? OR (updated_ms = ? AND name_key " + cmp + " ?))"
          : " AND name_key " + cmp + " ?");
    }
    sql.append(byTime ? " ORDER BY updated_ms" + dir + ", name_key" + dir : " ORDER BY name_key" + dir);
    sql.append(" LIMIT ").append(n);
    List<SecretInfo> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setLong(i++, storeId);
      if (q.state() != null) {
        ps.setLong(i++, now);
      }
      if (q.kind() != null && q.kind() != SecretKind.GENERIC) {
        ps.setString(i++, q.kind().name());
      }
      if (after != null) {
        if (byTime) {
          ps.setLong(i++, after.updatedMs);
          ps.setLong(i++, after.updatedMs);
        }
        ps.setString(i, after.name);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(info(rs, now));
        }
      }
    }
    return out;
  }

  /** The entry with this name key, or null. */
  SecretInfo one(Connection c, String nameKey, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + tables.entry
        + " WHERE store_id = ? AND name_key = ?")) {
      ps.setLong(1, storeId);
      ps.setString(2, nameKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? info(rs, now) : null;
      }
    }
  }

  private SecretInfo info(ResultSet rs, long now) throws SQLException {
    long exp = rs.getLong(4);
    Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
    return new SecretInfo(rs.getString(1), json.parseMetadata(rs.getString(3)), rs.getLong(2), expires,
        Instant.ofEpochMilli(rs.getLong(5)),
        expires != null && exp <= now ? SecretInfo.State.EXPIRED : SecretInfo.State.ACTIVE,
        rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8), kindOf(rs.getString(9)));
  }

  /** The stored kind; NULL (entries before kinds, generic values) and unknown names are GENERIC. */
  static SecretKind kindOf(String stored) {
    if (stored == null) {
      return SecretKind.GENERIC;
    }
    try {
      return SecretKind.valueOf(stored);
    } catch (IllegalArgumentException e) {
      return SecretKind.GENERIC;
    }
  }

  StoreCounts counts(Connection c, long now) throws SQLException {
    long entries;
    long expired;
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN expires_ms <= ? THEN 1 ELSE 0 END)"
        + " FROM " + tables.entry + " WHERE store_id = ?")) {
      ps.setLong(1, now);
      ps.setLong(2, storeId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        entries = rs.getLong(1);
        expired = rs.getLong(2);
      }
    }
    long versions;
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + tables.version + " WHERE store_id = ?")) {
      ps.setLong(1, storeId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        versions = rs.getLong(1);
      }
    }
    return new StoreCounts(entries, expired, versions);
  }

  /** A position in a listing: the last entry's update time and name. */
  private record Position(long updatedMs, String name) {

    static Position of(SecretInfo i) {
      return new Position(i.updatedAt().toEpochMilli(), i.name());
    }

    String encode(ListQuery q) {
      String text = CURSOR_VERSION + "|" + q.order().name() + "|" + (q.reversed() ? "D" : "A") + "|" + updatedMs
          + "|" + name;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String cursor, ListQuery q) {
      String[] parts;
      try {
        parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 5);
      } catch (IllegalArgumentException e) {
        throw notACursor();
      }
      if (parts.length != 5 || !parts[0].equals(CURSOR_VERSION)) {
        throw notACursor();
      }
      if (!parts[1].equals(q.order().name()) || !parts[2].equals(q.reversed() ? "D" : "A")) {
        throw new VaultConfigurationException("This listing cursor belongs to a listing in another order: pass"
            + " nextCursor() of the previous page of the same query");
      }
      try {
        return new Position(Long.parseLong(parts[3]), parts[4]);
      } catch (NumberFormatException e) {
        throw notACursor();
      }
    }

    private static VaultConfigurationException notACursor() {
      return new VaultConfigurationException("Not a listing cursor: pass nextCursor() of the previous page");
    }
  }
}
