package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.VaultConfigurationException;

/**
 * The guard of the optional JDBC bridge. vault-jdbc is an optional dependency of vault-hibernate:
 * {@code @Encrypted} works without it, and only {@code HibernateJdbc} and {@code HibernateRotation}
 * need it. Nothing else in vault-hibernate may refer to a {@code dev.fieldvault.jdbc} type, so that
 * those classes are loaded only when an application calls them; they call {@link #require} first, so a
 * missing jar is a clear configuration error rather than a {@link NoClassDefFoundError}.
 */
public final class JdbcBridge {

  private static final String PROBE = "dev.fieldvault.jdbc.EncryptingDataSource";

  private JdbcBridge() {}

  /** Whether vault-jdbc is on the class path of vault-hibernate. */
  public static boolean available() {
    try {
      Class.forName(PROBE, false, JdbcBridge.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * @throws VaultConfigurationException naming the missing artifact, if vault-jdbc is absent
   */
  public static void require(String bridge) {
    if (!available()) {
      throw new VaultConfigurationException(bridge + " needs dev.fieldvault:vault-jdbc on the class path: it is an"
          + " optional dependency of vault-hibernate; add it to the application's dependencies (its version comes"
          + " from fieldvault-bom)");
    }
  }
}
