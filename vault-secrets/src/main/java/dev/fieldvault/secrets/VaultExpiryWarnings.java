package dev.fieldvault.secrets;

import dev.fieldvault.keys.VaultConfigurationException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's {@link ScheduledTask#EXPIRY_WARNINGS} task: finds entries expiring within a window that
 * were not warned about for their current version and expiry, records the warning in the entry's row
 * ({@code expiry_warned_version}, {@code expiry_warned_ms}) with a conditional UPDATE (so of several
 * instances exactly one warns), then tells the listeners. Never reads or decrypts a value.
 */
final class VaultExpiryWarnings {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsVault.class);
  private static final int LIMIT = 10_000;
  private final SecretsVault vault;
  private final List<ExpiryListener> listeners;

  VaultExpiryWarnings(SecretsVault vault, List<ExpiryListener> listeners) {
    this.vault = vault;
    this.listeners = List.copyOf(listeners);
  }

  /** Warns about entries expiring within {@code ahead}; report: candidates, warned, skipped (taken or failed). */
  MaintenanceReport run(Duration ahead) {
    long now = vault.now().toEpochMilli();
    long until = now + ahead.toMillis();
    String e = vault.tables().entry;
    List<Object[]> due = vault.call("find entries that expire soon", c -> {
      List<Object[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT store_id, name_key, version, expires_ms, metadata,"
          + " entry_id, kind FROM " + e + " WHERE expires_ms > ? AND expires_ms <= ? AND generator IS NULL"
          + " AND (expiry_warned_version IS NULL OR expiry_warned_version <> version OR expiry_warned_ms <> expires_ms)"
          + " ORDER BY expires_ms, store_id, name_key LIMIT " + LIMIT)) {
        ps.setLong(1, now);
        ps.setLong(2, until);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getString(7)});
          }
        }
      }
      return out;
    });
    if (due.isEmpty()) {
      return new MaintenanceReport(0, 0, 0);
    }
    Map<Long, StoreMeta> metas = vault.call("stores", vault::allStores);
    long warned = 0;
    long skipped = 0;
    for (Object[] row : due) {
      StoreMeta m = metas.get((Long) row[0]);
      String key = (String) row[1];
      long version = (Long) row[2];
      long expires = (Long) row[3];
      if (m == null || !mark(m.id(), key, version, expires)) {
        skipped++; // rewritten meanwhile, or warned by another instance
        continue;
      }
      ExpiryListener.Warning w = new ExpiryListener.Warning(m.namespace(), m.tenant(), key, m.sealed(),
          (String) row[5], version, Instant.ofEpochMilli(expires), metadata((String) row[4]),
          EntryListing.kindOf((String) row[6]));
      boolean told = true;
      for (ExpiryListener l : listeners) {
        try {
          l.expiring(w);
        } catch (RuntimeException ex) {
          told = false;
          LOG.warn("An expiry listener ({}) failed for an entry of {} ({}); it is warned again at the next run",
              l.getClass().getName(), m.describe(), ex.getClass().getSimpleName());
        }
      }
      if (told) {
        warned++;
      } else {
        unmark(m.id(), key, version, expires);
        skipped++;
      }
    }
    return new MaintenanceReport(due.size(), warned, skipped);
  }

  private boolean mark(long storeId, String key, long version, long expires) {
    return vault.tx("record an expiry warning", x -> {
      try (PreparedStatement ps = x.prepareStatement("UPDATE " + vault.tables().entry
          + " SET expiry_warned_version = ?, expiry_warned_ms = ? WHERE store_id = ? AND name_key = ? AND version = ?"
          + " AND expires_ms = ? AND (expiry_warned_version IS NULL OR expiry_warned_version <> ?"
          + " OR expiry_warned_ms <> ?)")) {
        ps.setLong(1, version);
        ps.setLong(2, expires);
        ps.setLong(3, storeId);
        ps.setString(4, key);
        ps.setLong(5, version);
        ps.setLong(6, expires);
        ps.setLong(7, version);
        ps.setLong(8, expires);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Takes a warning's record back (only if it is still this one), so that the next run warns again. */
  private void unmark(long storeId, String key, long version, long expires) {
    vault.tx("take back an expiry warning", x -> {
      try (PreparedStatement ps = x.prepareStatement("UPDATE " + vault.tables().entry
          + " SET expiry_warned_version = NULL, expiry_warned_ms = NULL WHERE store_id = ? AND name_key = ?"
          + " AND expiry_warned_version = ? AND expiry_warned_ms = ?")) {
        ps.setLong(1, storeId);
        ps.setString(2, key);
        ps.setLong(3, version);
        ps.setLong(4, expires);
        return ps.executeUpdate();
      }
    });
  }

  private Map<String, String> metadata(String stored) {
    try {
      return vault.json().parseMetadata(stored);
    } catch (VaultConfigurationException ex) {
      return Map.of(); // changed outside the vault; the warning itself still matters
    }
  }
}
