package dev.fieldvault.cli;

import dev.fieldvault.keys.ColumnStorage;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** How a ciphertext is written as a SQL literal in a seed file, per database. */
enum SqlDialect {
  /** {@code decode('…', 'hex')} for {@code bytea}. */
  POSTGRESQL,
  /** {@code X'…'} for {@code VARBINARY} / {@code BLOB}. */
  MARIADB,
  /** {@code X'…'} for {@code VARBINARY} / {@code BLOB}. */
  MYSQL,
  /** {@code X'…'} for {@code VARBINARY}. */
  H2;

  /** The stored form of a ciphertext as a literal: quoted base64 for text columns, a binary literal otherwise. */
  String literal(byte[] ciphertext, ColumnStorage storage) {
    if (storage == ColumnStorage.TEXT) {
      return "'" + Base64.getEncoder().encodeToString(ciphertext) + "'";
    }
    String hex = HexFormat.of().formatHex(ciphertext);
    return this == POSTGRESQL ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
  }

  /** The dialect of a JDBC URL, or null when the URL names another database. */
  static SqlDialect ofJdbcUrl(String url) {
    String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (u.startsWith("jdbc:mariadb:")) {
      return MARIADB;
    }
    if (u.startsWith("jdbc:mysql:")) {
      return MYSQL;
    }
    return u.startsWith("jdbc:h2:") ? H2 : null;
  }
}
