package dev.fieldvault.secrets.internal;

import java.sql.SQLException;

/**
 * What a database error means for the secrets vault, from its SQLState and (MariaDB) vendor code,
 * as advice an operator can act on. The driver's exception stays the cause.
 */
public final class SqlStates {

  /** The kinds of failure the vault tells apart. */
  public enum Kind {
    DUPLICATE_KEY, PRIVILEGE, MISSING_TABLE, MISSING_COLUMN, VALUE_TOO_LONG, PACKET_TOO_LARGE, BAD_CHARACTER, CONNECTION,
    OTHER
  }

  private SqlStates() {}

  /** The kind of {@code e} (or of the first classifiable exception in its cause chain). */
  public static Kind kind(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        Kind k = kindOf(s.getSQLState() == null ? "" : s.getSQLState(), s.getErrorCode());
        if (k != Kind.OTHER) {
          return k;
        }
      }
    }
    return Kind.OTHER;
  }

  private static Kind kindOf(String state, int code) {
    // MariaDB vendor codes first: its SQLStates are coarse (42000 covers syntax and privileges)
    switch (code) {
      case 1062, 1586:
        return Kind.DUPLICATE_KEY;
      case 1142, 1143, 1044, 1045, 1227, 1370:
        return Kind.PRIVILEGE;
      case 1146:
        return Kind.MISSING_TABLE;
      case 1054:
        return Kind.MISSING_COLUMN;
      case 1406:
        return Kind.VALUE_TOO_LONG;
      case 1153:
        return Kind.PACKET_TOO_LARGE; // ER_NET_PACKET_TOO_LARGE (SQLState 08S01: before the connection check)
      case 1366, 1300:
        return Kind.BAD_CHARACTER;
      default:
        break;
    }
    if (state.equals("23505") || state.equals("23000") && code == 0) {
      return Kind.DUPLICATE_KEY; // PostgreSQL, H2 (23505)
    }
    if (state.equals("42501") || state.equals("28000")) {
      return Kind.PRIVILEGE;
    }
    if (state.equals("42P01") || state.equals("42S02") || state.equals("42102")) {
      return Kind.MISSING_TABLE;
    }
    if (state.equals("42703") || state.equals("42S22") || state.equals("42122")) {
      return Kind.MISSING_COLUMN;
    }
    if (state.equals("22001")) {
      return Kind.VALUE_TOO_LONG;
    }
    if (state.equals("22021") || state.equals("22P05")) {
      return Kind.BAD_CHARACTER;
    }
    if (state.startsWith("08")) {
      return Kind.CONNECTION;
    }
    return Kind.OTHER;
  }

  /** What to do about {@code e}, naming the vault's tables (never a value). */
  public static String advice(SQLException e, Tables t) {
    switch (kind(e)) {
      case DUPLICATE_KEY:
        return "a row with the same key already exists (unique violation): the entry or store is already there;"
            + " read it, or write with compare-and-set, instead of inserting it again";
      case PRIVILEGE:
        return "the database account lacks a privilege on the vault's tables (" + t.store + ", " + t.entry + ", "
            + t.version + ", " + t.audit + ", " + t.auditHead + "): grant it SELECT, INSERT, UPDATE and DELETE on them";
      case MISSING_TABLE:
        return "a vault table does not exist (" + t.store + ", " + t.entry + ", " + t.version + ", " + t.audit + ", "
            + t.auditHead + "): apply db/changelog/fieldvault/secrets-changelog.xml with this prefix (or run"
            + " `fieldvault schema install`), and check the table prefix the vault was built with";
      case MISSING_COLUMN:
        return "a vault table lacks a column: the tables were created by an older changelog; apply the latest"
            + " db/changelog/fieldvault/secrets-changelog.xml (or run `fieldvault schema install`)";
      case VALUE_TOO_LONG:
        return "a value is longer than its column allows (names 255, namespaces and tenants 200 characters)";
      case PACKET_TOO_LARGE:
        return "a statement was larger than the server's max_allowed_packet (a large value or metadata): store less,"
            + " or raise max_allowed_packet on the server; retrying as it is cannot succeed";
      case BAD_CHARACTER:
        return "the database cannot store a character of a name or of metadata in its column's character set;"
            + " use UTF-8 (utf8mb4 on MariaDB) columns, or other names";
      case CONNECTION:
        return "the database cannot be reached: check the connection and retry";
      default:
        return "check the database";
    }
  }
}
