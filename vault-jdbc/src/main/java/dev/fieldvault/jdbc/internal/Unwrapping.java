package dev.fieldvault.jdbc.internal;

import dev.fieldvault.jdbc.StatementRefusedException;
import java.sql.SQLException;

/**
 * The {@link java.sql.Wrapper} contract of every FieldVault JDBC wrapper, receiver-first (as
 * HikariCP's proxies): {@code unwrap(X.class)} returns the wrapper itself when it is an X, and
 * refuses otherwise. It never hands out the driver's object (or the pool) behind it: a framework
 * that unwraps to reach "the real connection" would write and search encrypted columns in
 * plaintext through it. The one way to the unencrypted objects is named:
 * {@code EncryptingDataSource.unencryptedDataSource()}.
 */
public final class Unwrapping {

  private Unwrapping() {}

  /** The wrapper as {@code iface}, or a refusal that names the escape hatch. */
  public static <T> T unwrap(Object wrapper, Class<T> iface) throws SQLException {
    if (iface == null) {
      throw new SQLException("unwrap(null): pass the interface to unwrap to");
    }
    if (iface.isInstance(wrapper)) {
      return iface.cast(wrapper);
    }
    throw new StatementRefusedException("FieldVault's " + describe(wrapper) + " does not unwrap to "
        + iface.getName() + ": the object behind it would read and write encrypted columns in plaintext. To"
        + " bypass encryption on purpose, use EncryptingDataSource.unencryptedDataSource()");
  }

  /** Whether the wrapper itself is an {@code iface}. */
  public static boolean isWrapperFor(Object wrapper, Class<?> iface) {
    return iface != null && iface.isInstance(wrapper);
  }

  private static String describe(Object wrapper) {
    for (Class<?> c : new Class<?>[] {javax.sql.DataSource.class, java.sql.Connection.class,
        java.sql.CallableStatement.class, java.sql.PreparedStatement.class, java.sql.Statement.class,
        java.sql.ResultSet.class, java.sql.DatabaseMetaData.class}) {
      if (c.isInstance(wrapper)) {
        return "encrypting " + c.getSimpleName();
      }
    }
    return wrapper.getClass().getSimpleName();
  }
}
