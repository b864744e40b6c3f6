package dev.fieldvault.secrets;

import dev.fieldvault.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Test helper: moves stored ciphertexts between rows behind the vault's back, as an attacker with SQL access would. */
final class CiphertextSurgery {

  private CiphertextSurgery() {}

  static byte[] readValue(TestDatabase db, String prefix, String ns, String tenant, String nameKey) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT e.value_ct FROM " + prefix
        + "entry e JOIN " + prefix + "store s ON s.id = e.store_id WHERE s.name = ? AND s.tenant = ? AND e.name_key = ?")) {
      ps.setString(1, ns);
      ps.setString(2, tenant == null ? "" : tenant);
      ps.setString(3, nameKey);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row for " + nameKey);
        }
        return rs.getBytes(1);
      }
    }
  }

  static void writeValue(TestDatabase db, String prefix, String ns, String tenant, String nameKey, byte[] ct)
      throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE " + prefix
        + "entry SET value_ct = ? WHERE name_key = ? AND store_id = (SELECT id FROM " + prefix
        + "store WHERE name = ? AND tenant = ?)")) {
      ps.setBytes(1, ct);
      ps.setString(2, nameKey);
      ps.setString(3, ns);
      ps.setString(4, tenant == null ? "" : tenant);
      if (ps.executeUpdate() != 1) {
        throw new AssertionError("no row updated for " + nameKey);
      }
    }
  }

  static void copyValue(TestDatabase db, String prefix, String fromNs, String fromTenant, String fromKey, String toNs,
      String toTenant, String toKey) throws Exception {
    writeValue(db, prefix, toNs, toTenant, toKey, readValue(db, prefix, fromNs, fromTenant, fromKey));
  }
}
