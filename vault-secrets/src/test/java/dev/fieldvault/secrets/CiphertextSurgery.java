package dev.fieldvault.secrets;

import dev.fieldvault.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Test helper: moves stored ciphertexts between rows behind the vault's back, as an attacker with SQL access would. */
final class CiphertextSurgery {

  /** What an entry row stores of its value: the value under its data key, and the wrapped data key. */
  record Stored(byte[] value, byte[] wrappedKey) {}

  private CiphertextSurgery() {}

  static Stored read(TestDatabase db, String prefix, String ns, String tenant, String nameKey) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT e.value_ct, e.dek_ct FROM "
        + prefix + "entry e JOIN " + prefix + "store s ON s.id = e.store_id WHERE s.name = ? AND s.tenant = ?"
        + " AND e.name_key = ?")) {
      ps.setString(1, ns);
      ps.setString(2, tenant == null ? "" : tenant);
      ps.setString(3, nameKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row for " + nameKey);
        }
        return new Stored(rs.getBytes(1), rs.getBytes(2));
      }
    }
  }

  static byte[] readValue(TestDatabase db, String prefix, String ns, String tenant, String nameKey) throws Exception {
    return read(db, prefix, ns, tenant, nameKey).value();
  }

  /** Overwrites the value column only (the row keeps its own wrapped data key). */
  static void writeValue(TestDatabase db, String prefix, String ns, String tenant, String nameKey, byte[] ct)
      throws Exception {
    update(db, prefix, ns, tenant, nameKey, "value_ct", ct);
  }

  /** Overwrites the wrapped data key only (the row keeps its own value). */
  static void writeWrappedKey(TestDatabase db, String prefix, String ns, String tenant, String nameKey, byte[] dk)
      throws Exception {
    update(db, prefix, ns, tenant, nameKey, "dek_ct", dk);
  }

  private static void update(TestDatabase db, String prefix, String ns, String tenant, String nameKey, String column,
      byte[] bytes) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + prefix
        + "entry SET " + column + " = ? WHERE name_key = ? AND store_id = (SELECT id FROM " + prefix
        + "store WHERE name = ? AND tenant = ?)")) {
      ps.setBytes(1, bytes);
      ps.setString(2, nameKey);
      ps.setString(3, ns);
      ps.setString(4, tenant == null ? "" : tenant);
      if (ps.executeUpdate() != 1) {
        throw new AssertionError("no row updated for " + nameKey);
      }
    }
  }

  /** Copies the value and its wrapped data key together to another row (the whole envelope moved). */
  static void copyValue(TestDatabase db, String prefix, String fromNs, String fromTenant, String fromKey, String toNs,
      String toTenant, String toKey) throws Exception {
    Stored s = read(db, prefix, fromNs, fromTenant, fromKey);
    writeValue(db, prefix, toNs, toTenant, toKey, s.value());
    writeWrappedKey(db, prefix, toNs, toTenant, toKey, s.wrappedKey());
  }
}
