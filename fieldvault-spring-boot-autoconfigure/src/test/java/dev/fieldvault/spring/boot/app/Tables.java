package dev.fieldvault.spring.boot.app;

import dev.fieldvault.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tables and properties of the starter tests, per database (the server databases are shared). */
public final class Tables {

  public static final String MASTER_SECRET = "test-only-master-secret-0123456789-abcdefghij";

  private Tables() {}

  /** Drops what an earlier run left behind, in an order foreign keys accept. */
  public static void drop(TestDatabase db, String prefix) {
    String[] tables = {prefix + "patient", prefix + "secret_audit_head", prefix + "secret_audit", prefix + "secret_version",
        prefix + "secret_entry", prefix + "secret_store", prefix + "secret_task_lease", prefix + "fv_rotation_range", prefix + "fv_rotation",
        prefix + "fv_keyset", prefix + "databasechangelog", prefix + "databasechangeloglock"};
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String t : tables) {
        try {
          st.execute("DROP TABLE IF EXISTS " + t);
        } catch (SQLException e) {
          // absent or already gone
        }
      }
      try {
        st.execute("DROP SEQUENCE IF EXISTS " + prefix + "patient_seq");
      } catch (SQLException e) {
        // absent
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot clean " + db, e);
    }
  }

  /** Spring properties for an application on {@code db} whose FieldVault and Liquibase tables start with {@code prefix}. */
  public static Map<String, String> properties(TestDatabase db, String prefix) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.datasource.url", db.url());
    p.put("spring.datasource.username", db.user());
    p.put("spring.datasource.password", db.password());
    p.put("spring.liquibase.enabled", "false");
    p.put("spring.jpa.hibernate.ddl-auto", "create-drop");
    p.put("fieldvault.kek.master-secret", MASTER_SECRET);
    p.put("fieldvault.keys.create-if-missing", "true");
    p.put("fieldvault.keys.table-prefix", prefix + "fv_");
    p.put("fieldvault.secrets.table-prefix", prefix + "secret_");
    p.put("fieldvault.liquibase.change-log-table", prefix + "databasechangelog");
    p.put("fieldvault.liquibase.change-log-lock-table", prefix + "databasechangeloglock");
    return p;
  }
}
