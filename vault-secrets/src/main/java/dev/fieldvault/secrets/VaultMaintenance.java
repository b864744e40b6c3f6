package dev.fieldvault.secrets;

import dev.fieldvault.secrets.internal.AuditLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's scheduled maintenance ({@link SecretsVault#cleanupExpired},
 * {@link SecretsVault#runDueRotations}): expired entries and dynamic secrets, and secret rotation
 * policies. Split out of {@link SecretsVault}, whose connections, transactions, tables, audit and
 * read cache it uses; logs counts and generator names only, never a value.
 */
final class VaultMaintenance {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsVault.class);
  private static final int CLEANUP_LIMIT = 10_000;
  private final SecretsVault vault;

  VaultMaintenance(SecretsVault vault) {
    this.vault = vault;
  }

  /**
   * Deletes entries that expired more than {@code retention} ago, and revokes and deletes expired
   * dynamic secrets right away (calling their generator's revoke first). Audited as EXPIRED_CLEANUP
   * and DYNAMIC_REVOKED. Looks at up to 10,000 expired entries per call: call it regularly.
   */
  MaintenanceReport cleanupExpired(Duration retention) {
    long now = vault.now().toEpochMilli();
    long cutoff = now - retention.toMillis();
    List<Object[]> due = vault.call("find expired", c -> {
      List<Object[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT store_id, name_key, version, value_ct, generator, expires_ms, dek_ct, dek_version"
          + " FROM " + vault.tables().entry + " WHERE expires_ms <= ? ORDER BY store_id, name_key LIMIT " + CLEANUP_LIMIT)) {
        ps.setLong(1, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Object[] row = {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getBytes(4), rs.getString(5),
                rs.getLong(6), rs.getBytes(7), null};
            int dkv = rs.getInt(8);
            row[7] = rs.wasNull() ? null : dkv;
            out.add(row);
          }
        }
      }
      return out;
    });
    Map<Long, StoreMeta> metas = vault.call("stores", vault::allStores);
    long changed = 0;
    long skipped = 0;
    for (Object[] row : due) {
      StoreMeta m = metas.get((Long) row[0]);
      String key = (String) row[1];
      String gen = (String) row[4];
      boolean dynamic = gen != null;
      if (!dynamic && (Long) row[5] > cutoff) {
        continue;
      }
      if (dynamic) {
        try {
          byte[] plain = vault.openStored(m, key, (Long) row[2], (byte[]) row[3], (byte[]) row[6], (Integer) row[7]);
          vault.generator(gen).revoke(key, SecretValue.decode(plain));
        } catch (RuntimeException e) {
          LOG.warn("Revoking the expired dynamic secret of generator '{}' in {} failed ({}); retrying at the next cleanup",
              gen, m.describe(), e.getClass().getSimpleName());
          skipped++;
          continue;
        }
      }
      int n = vault.tx("cleanup", x -> {
        int d;
        try (PreparedStatement ps = x.prepareStatement("DELETE FROM " + vault.tables().entry
            + " WHERE store_id = ? AND name_key = ? AND version = ?")) {
          ps.setLong(1, m.id());
          ps.setString(2, key);
          ps.setLong(3, (Long) row[2]);
          d = ps.executeUpdate();
        }
        if (d > 0) {
          try (PreparedStatement ps = x.prepareStatement("DELETE FROM " + vault.tables().version
              + " WHERE store_id = ? AND name_key = ?")) {
            ps.setLong(1, m.id());
            ps.setString(2, key);
            ps.executeUpdate();
          }
          vault.audit().append(x, now, List.of(new AuditLog.Draft(vault.actor(), m.tenant(), m.namespace(), key,
              dynamic ? AuditAction.DYNAMIC_REVOKED : AuditAction.EXPIRED_CLEANUP, Status.OK.name(), null)));
        }
        return d;
      });
      vault.invalidate(m, key);
      if (n > 0) {
        changed++;
      } else {
        skipped++;
      }
    }
    return new MaintenanceReport(due.size(), changed, skipped);
  }

  /**
   * Deletes, per store, versions that are not current and either beyond the store's count or older
   * than its age limit. Candidates are found with a plain (non-locking) read; each is deleted by its
   * key, in batches: a version that is not current stays so, so a concurrent write changes nothing.
   */
  MaintenanceReport pruneVersions() {
    long now = vault.now().toEpochMilli();
    Map<Long, StoreMeta> metas = vault.call("stores", vault::allStores);
    long deleted = 0;
    String v = vault.tables().version;
    String e = vault.tables().entry;
    for (StoreMeta m : metas.values()) {
      long cutoff = m.versionMaxAgeMs() == null ? Long.MIN_VALUE : now - m.versionMaxAgeMs();
      List<Object[]> due = vault.call("find prunable versions", c -> {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + v + ".name_key, " + v + ".version FROM " + v
            + " JOIN " + e + " ON " + e + ".store_id = " + v + ".store_id AND " + e + ".name_key = " + v + ".name_key"
            + " WHERE " + v + ".store_id = ? AND " + v + ".version < " + e + ".version AND (" + v + ".version <= "
            + e + ".version - ? OR " + v + ".created_ms < ?) ORDER BY " + v + ".name_key, " + v + ".version")) {
          ps.setLong(1, m.id());
          ps.setLong(2, m.maxVersions());
          ps.setLong(3, cutoff);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new Object[] {rs.getString(1), rs.getLong(2)});
            }
          }
        }
        return out;
      });
      long storeDeleted = 0;
      for (int from = 0; from < due.size(); from += 500) {
        List<Object[]> batch = due.subList(from, Math.min(due.size(), from + 500));
        boolean last = from + 500 >= due.size();
        long done = storeDeleted;
        storeDeleted += vault.tx("prune versions", x -> {
          int n = 0;
          try (PreparedStatement ps = x.prepareStatement("DELETE FROM " + v
              + " WHERE store_id = ? AND name_key = ? AND version = ?")) {
            for (Object[] row : batch) {
              ps.setLong(1, m.id());
              ps.setString(2, (String) row[0]);
              ps.setLong(3, (Long) row[1]);
              n += ps.executeUpdate();
            }
          }
          if (last && done + n > 0) {
            vault.audit().append(x, now, List.of(new AuditLog.Draft(vault.actor(), m.tenant(), m.namespace(),
                null, AuditAction.VERSIONS_PRUNED, Status.OK.name(), (done + n) + " versions")));
          }
          return n;
        });
      }
      deleted += storeDeleted;
    }
    return new MaintenanceReport(metas.size(), deleted, 0);
  }

  /**
   * Runs the registered rotation policies: every entry of a policy's store whose value is older than
   * the policy's period gets a new value from its handler (compare-and-set; an entry written
   * concurrently is skipped and picked up by the next run). Sealed stores cannot have policies.
   */
  MaintenanceReport runDueRotations(Collection<SecretsVault.Rotation> rotations) {
    long scanned = 0;
    long changed = 0;
    long skipped = 0;
    for (SecretsVault.Rotation r : rotations) {
      StoreMeta m = vault.meta(r.namespace(), r.tenant());
      SecretStore store = new SecretStore(vault, m, "fieldvault-rotation", null);
      long dueBefore = vault.now().minus(r.period()).toEpochMilli();
      long nowMs = vault.now().toEpochMilli();
      List<String> names = vault.call("find due rotations", c -> {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name_key FROM " + vault.tables().entry
            + " WHERE store_id = ? AND value_ms <= ? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY name_key")) {
          ps.setLong(1, m.id());
          ps.setLong(2, dueBefore);
          ps.setLong(3, nowMs);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
        }
        return out;
      });
      for (String name : names) {
        scanned++;
        SecretResult cur = store.get(name);
        if (!cur.isFound()) {
          skipped++;
          continue;
        }
        SecretValue next;
        try {
          next = r.handler().rotate(name, cur.value());
        } catch (RuntimeException e) {
          LOG.warn("The rotation handler of {} failed for an entry ({}); it stays due", m.describe(),
              e.getClass().getSimpleName());
          skipped++;
          continue;
        }
        if (store.rotate(name, next, cur.version()).isWritten()) {
          changed++;
        } else {
          skipped++;
        }
      }
    }
    return new MaintenanceReport(scanned, changed, skipped);
  }
}
