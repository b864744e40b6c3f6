package dev.fieldvault.jdbc.secrets.internal;

import dev.fieldvault.jdbc.secrets.AuditAction;
import dev.fieldvault.jdbc.secrets.AuditEvent;
import dev.fieldvault.jdbc.secrets.AuditQuery;
import dev.fieldvault.jdbc.secrets.ChainCheck;
import dev.fieldvault.jdbc.secrets.Page;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The append-only, hash-chained audit log. Appends lock the single head row, so events get gap-free
 * sequence numbers and each event's {@code prev_hash} is its predecessor's hash, even across
 * application instances. {@code hash = SHA-256(length-prefixed fields || prev_hash)}.
 */
public final class AuditLog {

  /** An event before it has a sequence number and hashes. */
  public record Draft(String principal, String tenant, String namespace, String name, AuditAction action,
      String outcome, String detail) {}

  private final Tables t;

  public AuditLog(Tables tables) {
    this.t = tables;
  }

  /** Appends events in the caller's transaction (which must not be in auto-commit mode). */
  public void append(Connection c, long atMillis, List<Draft> drafts) throws SQLException {
    if (drafts.isEmpty()) {
      return;
    }
    long seq;
    String prev;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT last_seq, last_hash FROM " + t.auditHead + " WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("The audit head row of " + t.auditHead + " is missing: apply the secrets changelog");
      }
      seq = rs.getLong(1);
      prev = rs.getString(2);
    }
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t.audit
        + " (seq, at_ms, principal, tenant, namespace, name, action, outcome, detail, prev_hash, hash)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Draft d : drafts) {
        seq++;
        String detail = d.detail == null ? null : truncate(d.detail, 500);
        String hash = hash(seq, atMillis, d.principal, d.tenant, d.namespace, d.name, d.action.name(), d.outcome,
            detail, prev);
        ins.setLong(1, seq);
        ins.setLong(2, atMillis);
        ins.setString(3, truncate(d.principal, 200));
        ins.setString(4, d.tenant);
        ins.setString(5, d.namespace);
        ins.setString(6, d.name);
        ins.setString(7, d.action.name());
        ins.setString(8, d.outcome);
        ins.setString(9, detail);
        ins.setString(10, prev);
        ins.setString(11, hash);
        ins.addBatch();
        prev = hash;
      }
      ins.executeBatch();
    }
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE " + t.auditHead + " SET last_seq = ?, last_hash = ? WHERE id = 1")) {
      up.setLong(1, seq);
      up.setString(2, prev);
      up.executeUpdate();
    }
  }

  /** One page of events matching the query, in sequence order. */
  public Page<AuditEvent> list(Connection c, AuditQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + t.audit + " WHERE seq > ?");
    List<Object> args = new ArrayList<>();
    args.add(q.cursor() == null ? 0L : parseCursor(q.cursor()));
    if (q.namespace() != null) {
      sql.append(" AND namespace = ?");
      args.add(q.namespace());
      sql.append(q.tenant() == null ? " AND tenant IS NULL" : " AND tenant = ?");
      if (q.tenant() != null) {
        args.add(q.tenant());
      }
    }
    if (q.principal() != null) {
      sql.append(" AND principal = ?");
      args.add(q.principal());
    }
    if (q.action() != null) {
      sql.append(" AND action = ?");
      args.add(q.action().name());
    }
    if (q.from() != null) {
      sql.append(" AND at_ms >= ?");
      args.add(q.from().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND at_ms < ?");
      args.add(q.until().toEpochMilli());
    }
    sql.append(" ORDER BY seq LIMIT ").append(q.limit() + 1);
    List<AuditEvent> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
    }
    if (out.size() > q.limit()) {
      out.remove(out.size() - 1);
      return new Page<>(List.copyOf(out), Long.toString(out.get(out.size() - 1).seq()));
    }
    return new Page<>(List.copyOf(out), null);
  }

  /** Walks the whole chain in batches and checks every link and hash, and the head. */
  public ChainCheck verify(Connection c) throws SQLException {
    long lastSeq;
    String lastHash;
    long anchorSeq;
    String anchorHash;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT last_seq, last_hash, anchor_seq, anchor_hash FROM " + t.auditHead + " WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return new ChainCheck(false, 0, 0, "the audit head row is missing");
      }
      lastSeq = rs.getLong(1);
      lastHash = rs.getString(2);
      anchorSeq = rs.getLong(3);
      anchorHash = rs.getString(4);
    }
    long expectSeq = anchorSeq + 1;
    String prev = anchorHash;
    long checked = 0;
    while (true) {
      int n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t.audit
          + " WHERE seq >= ? ORDER BY seq LIMIT 1000")) {
        ps.setLong(1, expectSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            AuditEvent e = read(rs);
            if (e.seq() != expectSeq) {
              return new ChainCheck(false, checked, expectSeq, "event " + expectSeq + " is missing");
            }
            if (!e.prevHash().equals(prev)) {
              return new ChainCheck(false, checked, e.seq(), "event " + e.seq() + " does not link to its predecessor");
            }
            String h = hash(e.seq(), e.at().toEpochMilli(), e.principal(), e.tenant(), e.namespace(), e.name(),
                e.action().name(), e.outcome(), e.detail(), e.prevHash());
            if (!h.equals(e.hash())) {
              return new ChainCheck(false, checked, e.seq(), "event " + e.seq() + " was modified");
            }
            prev = e.hash();
            expectSeq++;
            checked++;
          }
        }
      }
      if (n < 1000) {
        break;
      }
    }
    if (expectSeq - 1 != lastSeq || !prev.equals(lastHash)) {
      return new ChainCheck(false, checked, expectSeq, "the chain ends at event " + (expectSeq - 1)
          + " but the head records event " + lastSeq + ": events were removed or the head was modified");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + t.audit + " WHERE seq <= ? OR seq > ?")) {
      ps.setLong(1, anchorSeq);
      ps.setLong(2, lastSeq);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return new ChainCheck(false, checked, lastSeq + 1, "events outside the chain were inserted");
        }
      }
    }
    return new ChainCheck(true, checked, 0, null);
  }

  /**
   * Deletes events older than {@code cutoffMillis} (a prefix of the chain) and moves the anchor to the
   * last deleted event, so the remaining chain still verifies. Returns the number deleted.
   */
  public long purgeBefore(Connection c, long cutoffMillis) throws SQLException {
    long lastOld = 0;
    String lastOldHash = null;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT last_seq FROM " + t.auditHead + " WHERE id = 1 FOR UPDATE"); ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
    // events are appended in time order under the head lock, so the old ones form a prefix
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM " + t.audit
        + " WHERE at_ms < ? ORDER BY seq DESC LIMIT 1")) {
      ps.setLong(1, cutoffMillis);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          lastOld = rs.getLong(1);
          lastOldHash = rs.getString(2);
        }
      }
    }
    if (lastOldHash == null) {
      return 0;
    }
    long deleted;
    try (PreparedStatement del = c.prepareStatement("DELETE FROM " + t.audit + " WHERE seq <= ?")) {
      del.setLong(1, lastOld);
      deleted = del.executeUpdate();
    }
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE " + t.auditHead + " SET anchor_seq = ?, anchor_hash = ? WHERE id = 1")) {
      up.setLong(1, lastOld);
      up.setString(2, lastOldHash);
      up.executeUpdate();
    }
    return deleted;
  }

  private static final String COLUMNS =
      "seq, at_ms, principal, tenant, namespace, name, action, outcome, detail, prev_hash, hash";

  private static AuditEvent read(ResultSet rs) throws SQLException {
    return new AuditEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), AuditAction.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11));
  }

  private static long parseCursor(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new dev.fieldvault.keys.VaultConfigurationException("Not an audit cursor: pass nextCursor() of a page");
    }
  }

  static String hash(long seq, long at, String... fields) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(SealedKeys.encode(Long.toString(seq), Long.toString(at)));
      for (String f : fields) {
        if (f == null) {
          md.update(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        } else {
          md.update(SealedKeys.encode(f));
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

}
