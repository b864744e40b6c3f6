package dev.fieldvault.jdbc.keystore;

import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.keys.VaultConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The names of FieldVault's own tables (the key store and the rotation work tables), all sharing
 * one prefix, {@code fieldvault_} by default. Immutable.
 *
 * <p>The tables are created by the Liquibase changelog shipped in the jar,
 * {@code db/changelog/fieldvault/fieldvault-changelog.xml} (changelog parameter
 * {@code fieldvault.tablePrefix}), or without Liquibase by the equivalent plain-SQL script
 * {@code db/changelog/fieldvault/fieldvault-schema-<postgresql|mariadb|h2>.sql}, which
 * {@link #install(DataSource)} runs.
 */
public final class VaultTables {

  private static final String DEFAULT_PREFIX = "fieldvault_";
  private static final VaultTables DEFAULT = new VaultTables(DEFAULT_PREFIX);

  private final String prefix;

  private VaultTables(String prefix) {
    this.prefix = prefix;
  }

  /** The default names: {@code fieldvault_keyset}, {@code fieldvault_rotation}, {@code fieldvault_rotation_range}. */
  public static VaultTables defaults() {
    return DEFAULT;
  }

  /** Names with another prefix (letters, digits and underscores, up to 40 characters). */
  public static VaultTables withPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z][A-Za-z0-9_]{0,39}")) {
      throw new VaultConfigurationException("A FieldVault table prefix must be 1-40 letters, digits or"
          + " underscores starting with a letter, not '" + prefix + "'");
    }
    return new VaultTables(prefix);
  }

  public String prefix() {
    return prefix;
  }

  /** The key store table. */
  public String keyset() {
    return prefix + "keyset";
  }

  /** One row per rotation and table. */
  public String rotation() {
    return prefix + "rotation";
  }

  /** The claimed key ranges and checkpoints of rotations. */
  public String rotationRange() {
    return prefix + "rotation_range";
  }

  /**
   * Creates the tables if they do not exist, with the shipped plain-SQL script for the database
   * behind {@code dataSource} (PostgreSQL, MariaDB/MySQL or H2).
   */
  public void install(DataSource dataSource) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      Dialect dialect = Dialect.of(c);
      String name = dialect == Dialect.GENERIC ? Dialect.H2.scriptName() : dialect.scriptName();
      for (String sql : stripComments(script(name)).split(";")) {
        if (!sql.isBlank()) {
          st.execute(sql.replace(DEFAULT_PREFIX, prefix));
        }
      }
    } catch (SQLException e) {
      throw new VaultConfigurationException("Could not create the FieldVault tables " + keyset() + ", "
          + rotation() + ", " + rotationRange() + ": " + e.getMessage()
          + " (run the shipped script db/changelog/fieldvault/ by hand with a privileged account)", e);
    }
  }

  private static String script(String name) {
    String path = "/db/changelog/fieldvault/fieldvault-schema-" + name + ".sql";
    try (InputStream in = VaultTables.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.trim().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "VaultTables{prefix=" + prefix + "}";
  }
}
