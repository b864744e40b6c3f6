package dev.fieldvault.jdbc.keystore.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The few SQL differences between the databases FieldVault's tables run on. Internal. */
public enum Dialect {
  POSTGRESQL("postgresql", "TEXT"),
  MARIADB("mariadb", "LONGTEXT"),
  H2("h2", "CLOB"),
  /** Anything else: standard SQL, no row locking hints, no set-based writes. */
  GENERIC("generic", "CLOB");

  private final String scriptName;
  private final String textType;

  Dialect(String scriptName, String textType) {
    this.scriptName = scriptName;
    this.textType = textType;
  }

  public static Dialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    if (product.contains("mariadb") || product.contains("mysql")) {
      return MARIADB;
    }
    if (product.contains("h2")) {
      return H2;
    }
    return GENERIC;
  }

  /** Suffix of the shipped plain-SQL schema script ({@code fieldvault-schema-<name>.sql}). */
  public String scriptName() {
    return scriptName;
  }

  public String textType() {
    return textType;
  }

  /**
   * The clause that locks the selected work-table row and skips rows other workers hold:
   * {@code FOR UPDATE SKIP LOCKED} on PostgreSQL, MariaDB 10.6+ and H2 2.x.
   */
  public String lockSkipLocked() {
    return this == GENERIC ? " FOR UPDATE" : " FOR UPDATE SKIP LOCKED";
  }

  /** Whether multi-row {@code UPDATE ... FROM (VALUES ...)} is available. */
  public boolean setBasedUpdate() {
    return this == POSTGRESQL;
  }
}
