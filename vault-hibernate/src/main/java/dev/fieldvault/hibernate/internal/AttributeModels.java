package dev.fieldvault.hibernate.internal;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.PlaintextPolicy;
import dev.fieldvault.keys.EncryptionMode;
import java.util.List;

/**
 * The one way to build an {@link EncryptedAttribute}, whose constructor is not public: the model is
 * produced from Hibernate's mapping by the integrator, never assembled by hand. {@code EncryptedAttribute}
 * installs its constructor here when its class is initialised (the JDK's "shared secrets" pattern).
 */
public final class AttributeModels {

  private AttributeModels() {}

  /** {@code EncryptedAttribute}'s constructor. */
  @FunctionalInterface
  public interface Factory {
    EncryptedAttribute create(String entityName, Class<?> entityClass, String attributePath, Class<?> javaType,
        String table, String column, List<String> idColumns, EncryptionMode mode, String contextDomain,
        String contextField, boolean rowBound, int compressAbove, ColumnStorage storage,
        PlaintextPolicy plaintextPolicy, String blindIndexAttribute, String blindIndexColumn, int blindIndexLength,
        String tenantColumn);
  }

  private static volatile Factory factory;

  /**
   * Called once, by {@code EncryptedAttribute}'s static initialiser.
   *
   * @throws IllegalStateException if called again
   */
  public static synchronized void install(Factory constructor) {
    if (factory != null) {
      throw new IllegalStateException("EncryptedAttribute's factory is installed by that class only");
    }
    factory = constructor;
  }

  static Factory factory() {
    Factory f = factory;
    if (f == null) {
      try {
        Class.forName(EncryptedAttribute.class.getName(), true, EncryptedAttribute.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      f = factory;
    }
    return f;
  }
}
