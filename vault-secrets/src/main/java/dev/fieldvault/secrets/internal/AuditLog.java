package dev.fieldvault.secrets.internal;

import dev.fieldvault.secrets.AuditAction;
import dev.fieldvault.secrets.AuditAnchor;
import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.ChainCheck;
import dev.fieldvault.secrets.Page;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyUnavailableException;
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
 * The append-only, keyed audit chain. Appends lock the single head row, so events get gap-free
 * sequence numbers and each event's {@code prev_hash} is its predecessor's hash, even across
 * application instances.
 *
 * <ul>
 *   <li>{@code hash = SHA-256(length-prefixed fields || prev_hash)} links the events;
 *   <li>{@code mac} authenticates {@code hash}: an AEAD ciphertext of nothing under the vault's
 *       keyring (default keyring, primary AEAD key at append time) whose associated data binds the
 *       hash, so only a holder of the key can make one; its header carries the key id, so events keep
 *       verifying under their own key after the keyring rotates, as long as that key stays readable;
 *   <li>the head row ({@code last_seq, last_hash, anchor_seq, anchor_hash, keyed_from}) carries a MAC
 *       of its own, so the anchor cannot be moved nor the keyed part declared legacy without the key.
 * </ul>
 *
 * <p>Events before {@code keyed_from} (written before the upgrade) are legacy: checked by their
 * hashes only. The first append after the upgrade sets {@code keyed_from}.
 */
public final class AuditLog implements Jdbc.TransactionHook {

  /**
   * An event before it has a sequence number and hashes; {@code context} is the request context, or
   * null (then {@link #append} fills it from the vault's supplier, on the calling thread).
   */
  public record Draft(String principal, String tenant, String namespace, String name, AuditAction action,
      String outcome, String detail, dev.fieldvault.secrets.RequestContext context) {

    /** A draft without request context. */
    public Draft(String principal, String tenant, String namespace, String name, AuditAction action,
        String outcome, String detail) {
      this(principal, tenant, namespace, name, action, outcome, detail, null);
    }
  }

  /** The hash input version of events appended now (1: before request contexts; 2: with them). */
  public static final int HASH_VERSION = 2;
  /** The marker that starts the version-2 part of the hash input. */
  static final String HASH_V2_MARKER = "fieldvault.secrets.audit/2";

  /** An event with its own time (batched events keep the time they happened at). */
  public record Timed(long atMillis, Draft draft) {}

  /** The head row. */
  private record Head(long lastSeq, String lastHash, long anchorSeq, String anchorHash, Long keyedFrom,
      String headMac) {}

  static final String DOMAIN = "fieldvault.secrets.audit";
  private static final byte[] NOTHING = new byte[0];

  private final Tables t;
  private final FieldCipher cipher;
  private final dev.fieldvault.secrets.AuditListener listener;
  /** Delivers committed events to the event listeners (null: none registered). */
  private EventDispatcher dispatcher;
  /** The vault's request context supplier (null: none), read by {@link #append} on the caller's thread. */
  private java.util.function.Supplier<dev.fieldvault.secrets.RequestContext> contexts;
  /** Events appended in transactions not yet committed, per connection (only with a dispatcher). */
  private final java.util.Map<Connection, List<AuditEvent>> pending =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  public AuditLog(Tables tables, FieldCipher cipher) {
    this(tables, cipher, null);
  }

  /**
   * Wires the event listeners' dispatcher and the request context supplier (either may be null); called
   * once, before the vault is used.
   */
  public void configure(EventDispatcher eventDispatcher,
      java.util.function.Supplier<dev.fieldvault.secrets.RequestContext> requestContexts) {
    this.dispatcher = eventDispatcher;
    this.contexts = requestContexts;
  }

  /** The request context of the calling thread from the vault's supplier, or null (a failing supplier: null, logged). */
  public dev.fieldvault.secrets.RequestContext currentContext() {
    if (contexts == null) {
      return null;
    }
    try {
      return contexts.get();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(AuditLog.class).warn("The request context supplier failed ({}): the event"
          + " is recorded without request context", e.getClass().getName());
      return null;
    }
  }

  @Override
  public void committed(Connection c) {
    if (dispatcher == null) {
      return;
    }
    List<AuditEvent> events = pending.remove(c);
    if (events != null && !events.isEmpty()) {
      dispatcher.committed(events);
    }
  }

  @Override
  public void ended(Connection c) {
    if (dispatcher != null) {
      pending.remove(c);
    }
  }

  /** With a listener told of every appended event (action, outcome, lag; nothing else). */
  public AuditLog(Tables tables, FieldCipher cipher, dev.fieldvault.secrets.AuditListener listener) {
    this.t = tables;
    this.cipher = cipher;
    this.listener = listener;
  }

  /** Appends events in the caller's transaction (which must not be in auto-commit mode). */
  public void append(Connection c, long atMillis, List<Draft> drafts) throws SQLException {
    List<Timed> timed = new ArrayList<>(drafts.size());
    dev.fieldvault.secrets.RequestContext current = null;
    boolean looked = false;
    for (Draft d : drafts) {
      if (d.context() == null && contexts != null) {
        if (!looked) {
          current = currentContext();
          looked = true;
        }
        if (current != null) {
          d = new Draft(d.principal(), d.tenant(), d.namespace(), d.name(), d.action(), d.outcome(), d.detail(),
              current);
        }
      }
      timed.add(new Timed(atMillis, d));
    }
    appendTimed(c, timed);
  }

  /** The last event an append wrote: its sequence number and hash. */
  public record Appended(long seq, String hash) {}

  /**
   * Appends events with their own times in the caller's transaction.
   *
   * @return the last event appended (null when there was none): after a commit whose outcome is unknown,
   *     {@link #recorded} tells whether it landed
   */
  public Appended appendTimed(Connection c, List<Timed> events) throws SQLException {
    if (events.isEmpty()) {
      return null;
    }
    Head head = readHead(c, true);
    if (head == null) {
      throw new SQLException("The audit head row of " + t.auditHead + " is missing: apply the secrets changelog",
          "42P01");
    }
    long seq = head.lastSeq;
    String prev = head.lastHash;
    long keyedFrom = head.keyedFrom == null ? seq + 1 : head.keyedFrom;
    List<AuditEvent> appended = dispatcher == null ? null : new ArrayList<>(events.size());
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t.audit
        + " (seq, at_ms, principal, tenant, namespace, name, action, outcome, detail, prev_hash, hash, mac,"
        + " client_addr, user_agent, request_id, hash_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Timed ev : events) {
        Draft d = ev.draft();
        long atMillis = ev.atMillis();
        seq++;
        String detail = d.detail == null ? null : truncate(d.detail, 500);
        String principal = truncate(d.principal, 200);
        dev.fieldvault.secrets.RequestContext rc = d.context == null || d.context.isEmpty() ? null : d.context;
        String hash = hashV2(seq, atMillis, principal, d.tenant, d.namespace, d.name, d.action.name(), d.outcome,
            detail, prev, rc);
        ins.setLong(1, seq);
        ins.setLong(2, atMillis);
        ins.setString(3, principal);
        ins.setString(4, d.tenant);
        ins.setString(5, d.namespace);
        ins.setString(6, d.name);
        ins.setString(7, d.action.name());
        ins.setString(8, d.outcome);
        ins.setString(9, detail);
        ins.setString(10, prev);
        ins.setString(11, hash);
        String mac = mac(eventContext(seq, hash));
        ins.setString(12, mac);
        ins.setString(13, rc == null ? null : rc.clientAddress());
        ins.setString(14, rc == null ? null : rc.userAgent());
        ins.setString(15, rc == null ? null : rc.requestId());
        ins.setInt(16, HASH_VERSION);
        ins.addBatch();
        if (appended != null) {
          appended.add(new AuditEvent(seq, Instant.ofEpochMilli(atMillis), principal, d.tenant, d.namespace, d.name,
              d.action, d.outcome, detail, prev, hash, mac, rc, HASH_VERSION));
        }
        prev = hash;
      }
      ins.executeBatch();
    }
    writeHead(c, new Head(seq, prev, head.anchorSeq, head.anchorHash, keyedFrom, null));
    Appended last = new Appended(seq, prev);
    if (appended != null) {
      pending.computeIfAbsent(c, k -> new ArrayList<>()).addAll(appended);
    }
    if (listener != null) {
      long now = System.currentTimeMillis();
      for (Timed ev : events) {
        listener.appended(ev.draft().action(), ev.draft().outcome(),
            java.time.Duration.ofMillis(Math.max(0, now - ev.atMillis())));
      }
    }
    return last;
  }

  /**
   * Whether an appended event is in the log (read on {@code c}, a connection other than the one whose
   * commit failed): its transaction committed exactly when its sequence number holds its hash.
   */
  public boolean recorded(Connection c, Appended appended) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      // the failed transaction held the head row: taking it waits until that transaction has really ended
      // (committed or rolled back by the database), so the answer below is final
      readHead(c, true);
      try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM " + t.audit + " WHERE seq = ?")) {
        ps.setLong(1, appended.seq());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && appended.hash().equals(rs.getString(1));
        }
      }
    } finally {
      c.rollback();
      c.setAutoCommit(auto);
    }
  }

  /** The operator's anchor: the newest event and its MAC (null when there is no keyed event yet). */
  public AuditAnchor anchor(Connection c) throws SQLException {
    Head head = readHead(c, false);
    if (head == null || head.lastSeq == 0 || head.lastSeq <= head.anchorSeq) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT mac FROM " + t.audit + " WHERE seq = ?")) {
      ps.setLong(1, head.lastSeq);
      try (ResultSet rs = ps.executeQuery()) {
        String mac = rs.next() ? rs.getString(1) : null;
        return mac == null ? null : new AuditAnchor(head.lastSeq, mac);
      }
    }
  }

  private Head readHead(Connection c, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_seq, last_hash, anchor_seq, anchor_hash, keyed_from,"
        + " head_mac FROM " + t.auditHead + " WHERE id = 1" + (lock ? " FOR UPDATE" : ""));
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long keyedFrom = rs.getLong(5);
      Long kf = rs.wasNull() ? null : keyedFrom;
      return new Head(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), kf, rs.getString(6));
    }
  }

  /** Writes the head with a fresh MAC over its fields. */
  private void writeHead(Connection c, Head h) throws SQLException {
    try (PreparedStatement up = c.prepareStatement("UPDATE " + t.auditHead + " SET last_seq = ?, last_hash = ?,"
        + " anchor_seq = ?, anchor_hash = ?, keyed_from = ?, head_mac = ? WHERE id = 1")) {
      up.setLong(1, h.lastSeq);
      up.setString(2, h.lastHash);
      up.setLong(3, h.anchorSeq);
      up.setString(4, h.anchorHash);
      up.setLong(5, h.keyedFrom);
      up.setString(6, mac(headContext(h)));
      up.executeUpdate();
    }
  }

  private static EncryptionContext eventContext(long seq, String hash) {
    return EncryptionContext.of(DOMAIN, "event", null, seq + ":" + hash);
  }

  private static EncryptionContext headContext(Head h) {
    return EncryptionContext.of(DOMAIN, "head", null, h.lastSeq + ":" + h.lastHash + ":" + h.anchorSeq + ":"
        + h.anchorHash + ":" + h.keyedFrom);
  }

  /** A MAC of the context: an AEAD ciphertext of nothing, the context being its associated data. */
  private String mac(EncryptionContext context) {
    return HexFormat.of().formatHex(cipher.encrypt(NOTHING, context, EncryptionMode.RANDOMIZED));
  }

  /** Null when {@code mac} authenticates {@code context}, else why not. */
  private String checkMac(String mac, EncryptionContext context) {
    if (mac == null) {
      return "has no MAC";
    }
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(mac);
    } catch (IllegalArgumentException e) {
      return "has a MAC that is not hex";
    }
    try {
      cipher.decrypt(bytes, context, EncryptionMode.RANDOMIZED);
      return null;
    } catch (KeyUnavailableException e) {
      String keyId;
      try {
        keyId = Long.toString(Integer.toUnsignedLong(CiphertextHeader.parse(bytes).keyId()));
      } catch (RuntimeException m) {
        keyId = "?";
      }
      return "has a MAC under key " + keyId + ", which is not loaded (keep retired AEAD keys readable while audit"
          + " events use them, or load them to verify)";
    } catch (DecryptionFailedException e) {
      return "has a MAC that does not match (it was modified, or its chain recomputed without the key)";
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
    if (q.name() != null) {
      sql.append(" AND name = ?");
      args.add(q.name());
    }
    if (q.principal() != null) {
      sql.append(" AND principal = ?");
      args.add(q.principal());
    }
    if (q.action() != null) {
      sql.append(" AND action = ?");
      args.add(q.action().name());
    }
    if (q.requestId() != null) {
      sql.append(" AND request_id = ?");
      args.add(q.requestId());
    }
    if (q.clientAddress() != null) {
      sql.append(" AND client_addr = ?");
      args.add(q.clientAddress());
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

  /**
   * Walks the whole chain in batches and checks, in order of position: events at or before the anchor
   * (inserted before the chain's first event), then every event's link, hash and MAC (legacy events
   * before {@code keyed_from}: link and hash only), the head's MAC, its last event, and events after it.
   */
  public ChainCheck verify(Connection c) throws SQLException {
    Head head = readHead(c, false);
    if (head == null) {
      return bad(0, 0, "the audit head row is missing", 0);
    }
    Long before = firstSeq(c, "seq <= ?", head.anchorSeq);
    if (before != null) {
      return bad(0, before, "event " + before + " lies before the first event of the chain (event "
          + (head.anchorSeq + 1) + "): it was inserted", 0);
    }
    if (head.keyedFrom == null) {
      Long keyed = firstSeq(c, "mac IS NOT NULL AND seq > ?", head.anchorSeq);
      if (keyed != null) {
        return bad(0, keyed, "the head row says the chain is not keyed, but event " + keyed + " has a MAC:"
            + " the head row was modified", 0);
      }
    }
    long keyedFrom = head.keyedFrom == null ? Long.MAX_VALUE : head.keyedFrom;
    long expectSeq = head.anchorSeq + 1;
    String prev = head.anchorHash;
    long checked = 0;
    long legacy = 0;
    while (true) {
      int n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t.audit
          + " WHERE seq >= ? ORDER BY seq LIMIT 1000")) {
        ps.setLong(1, expectSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            AuditEvent e = read(rs);
            String rawAddr = rs.getString(13);
            String rawAgent = rs.getString(14);
            String rawRid = rs.getString(15);
            if (e.seq() > head.lastSeq) {
              break;
            }
            if (e.seq() != expectSeq) {
              return bad(checked, expectSeq, "event " + expectSeq + " is missing", legacy);
            }
            if (!e.prevHash().equals(prev)) {
              return bad(checked, e.seq(), "event " + e.seq() + " does not link to its predecessor",
                  legacy);
            }
            String h;
            if (e.hashVersion() == 1) {
              if (rawAddr != null || rawAgent != null || rawRid != null) {
                return bad(checked, e.seq(), "event " + e.seq() + " was modified (it has a request context but a"
                    + " version 1 hash, which has none)", legacy);
              }
              h = hash(e.seq(), e.at().toEpochMilli(), e.principal(), e.tenant(), e.namespace(), e.name(),
                  e.action().name(), e.outcome(), e.detail(), e.prevHash());
            } else if (e.hashVersion() == 2) {
              h = hash(e.seq(), e.at().toEpochMilli(), e.principal(), e.tenant(), e.namespace(), e.name(),
                  e.action().name(), e.outcome(), e.detail(), e.prevHash(), HASH_V2_MARKER, rawAddr, rawAgent, rawRid);
            } else {
              return bad(checked, e.seq(), "event " + e.seq() + " has hash version " + e.hashVersion() + ", which"
                  + " this FieldVault does not know (modified, or written by a newer FieldVault: upgrade)", legacy);
            }
            if (!h.equals(e.hash())) {
              return bad(checked, e.seq(), "event " + e.seq() + " was modified", legacy);
            }
            if (e.seq() >= keyedFrom) {
              String why = checkMac(e.mac(), eventContext(e.seq(), e.hash()));
              if (why != null) {
                return bad(checked, e.seq(), "event " + e.seq() + " " + why, legacy);
              }
            } else {
              legacy++;
            }
            prev = e.hash();
            expectSeq++;
            checked++;
          }
        }
      }
      if (n < 1000 || expectSeq > head.lastSeq) {
        break;
      }
    }
    if (head.keyedFrom != null) {
      String why = checkMac(head.headMac, headContext(head));
      if (why != null) {
        return bad(checked, head.lastSeq, "the audit head row " + why + ": the head (last event, anchor or start of"
            + " the keyed chain) was modified", legacy);
      }
    }
    if (expectSeq - 1 != head.lastSeq || !prev.equals(head.lastHash)) {
      return bad(checked, expectSeq, "the chain ends at event " + (expectSeq - 1)
          + " but the head records event " + head.lastSeq + ": events were removed or the head was modified", legacy);
    }
    Long after = firstSeq(c, "seq > ?", head.lastSeq);
    if (after != null) {
      // appended since the head was read (appends are gap-free under the head lock, so a forged row at
      // that position would have made the append fail): not an insertion
      Head now = readHead(c, false);
      if (now != null && now.lastSeq >= after) {
        after = null;
      }
    }
    if (after != null) {
      return bad(checked, after, "event " + after + " lies after the last event of the chain (event "
          + head.lastSeq + "): it was inserted", legacy);
    }
    return new ChainCheck(true, checked, 0, null, legacy);
  }

  /**
   * {@link #verify} and then the operator's anchor: the chain still reaches it and its event still has
   * the anchor's MAC.
   */
  public ChainCheck verify(Connection c, AuditAnchor anchor) throws SQLException {
    ChainCheck base = verify(c);
    if (!base.intact()) {
      return base;
    }
    Head head = readHead(c, false);
    if (head.lastSeq < anchor.seq()) {
      return bad(base.eventsChecked(), head.lastSeq + 1, "the chain ends at event " + head.lastSeq
          + ", before the operator's anchor (event " + anchor.seq() + "): events were removed from its end or the"
          + " head row was rolled back", base.legacyEvents());
    }
    if (anchor.seq() <= head.anchorSeq) {
      return bad(base.eventsChecked(), anchor.seq(), "the operator's anchor (event " + anchor.seq()
          + ") was purged by audit retention (the chain starts at event " + (head.anchorSeq + 1) + "): it cannot be"
          + " checked any more; take a newer anchor with auditAnchor()", base.legacyEvents());
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT mac FROM " + t.audit + " WHERE seq = ?")) {
      ps.setLong(1, anchor.seq());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !anchor.mac().equals(rs.getString(1))) {
          return bad(base.eventsChecked(), anchor.seq(), "event " + anchor.seq() + " is not the event of"
              + " the operator's anchor: the chain was rewritten from there or earlier", base.legacyEvents());
        }
      }
    }
    return base;
  }

  private static ChainCheck bad(long checked, long seq, String problem, long legacy) {
    return new ChainCheck(false, checked, seq, problem, legacy);
  }

  private Long firstSeq(Connection c, String condition, long bound) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM " + t.audit + " WHERE " + condition)) {
      ps.setLong(1, bound);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  /**
   * Deletes events older than {@code cutoffMillis} (a prefix of the chain) and moves the anchor to the
   * last deleted event (re-MACing the head), so the remaining chain still verifies. Returns the number
   * deleted.
   */
  public long purgeBefore(Connection c, long cutoffMillis) throws SQLException {
    Head head = readHead(c, true);
    if (head == null) {
      throw new SQLException("The audit head row of " + t.auditHead + " is missing: apply the secrets changelog",
          "42P01");
    }
    long lastOld = 0;
    String lastOldHash = null;
    // events are appended in time order under the head lock, so the old ones form a prefix
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM " + t.audit
        + " WHERE at_ms < ? AND seq <= ? ORDER BY seq DESC LIMIT 1")) {
      ps.setLong(1, cutoffMillis);
      ps.setLong(2, head.lastSeq);
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
    long keyedFrom = head.keyedFrom == null ? head.lastSeq + 1 : head.keyedFrom;
    writeHead(c, new Head(head.lastSeq, head.lastHash, lastOld, lastOldHash, keyedFrom, null));
    return deleted;
  }

  private static final String COLUMNS = "seq, at_ms, principal, tenant, namespace, name, action, outcome, detail,"
      + " prev_hash, hash, mac, client_addr, user_agent, request_id, hash_version";

  private static AuditEvent read(ResultSet rs) throws SQLException {
    String addr = rs.getString(13);
    String agent = rs.getString(14);
    String rid = rs.getString(15);
    int v = rs.getInt(16);
    int hashVersion = rs.wasNull() ? 1 : v;
    dev.fieldvault.secrets.RequestContext rc = addr == null && agent == null && rid == null ? null
        : storedContext(addr, agent, rid);
    return new AuditEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), AuditAction.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getString(12), rc, hashVersion);
  }

  /**
   * A stored context; one that breaks the rules (it was edited in the table) is shown sanitized, so
   * that listing still works. The verification hashes the stored columns themselves, not this.
   */
  private static dev.fieldvault.secrets.RequestContext storedContext(String addr, String agent, String rid) {
    try {
      return new dev.fieldvault.secrets.RequestContext(addr, agent, rid);
    } catch (RuntimeException e) {
      return dev.fieldvault.secrets.RequestContext.sanitized(addr, agent, rid);
    }
  }

  private static long parseCursor(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new dev.fieldvault.keys.VaultConfigurationException("Not an audit cursor: pass nextCursor() of a page");
    }
  }

  /** The unkeyed link hash of an event (its formula is public: the MAC is what an outsider cannot recompute). */
  public static String hash(long seq, long at, String... fields) {
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

  /**
   * The version 2 link hash: the version 1 input ({@link #hash}), then {@code lp(HASH_V2_MARKER)} and
   * the request context's client address, user agent and request id (each {@code lp(text)}, or
   * {@code FF FF FF FF} when absent or when there is no context).
   */
  public static String hashV2(long seq, long at, String principal, String tenant, String namespace, String name,
      String action, String outcome, String detail, String prevHash, dev.fieldvault.secrets.RequestContext rc) {
    return hash(seq, at, principal, tenant, namespace, name, action, outcome, detail, prevHash, HASH_V2_MARKER,
        rc == null ? null : rc.clientAddress(), rc == null ? null : rc.userAgent(),
        rc == null ? null : rc.requestId());
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

}
