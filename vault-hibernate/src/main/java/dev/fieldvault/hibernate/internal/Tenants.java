package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.keys.VaultConfigurationException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.hibernate.SharedSessionContract;
import org.hibernate.annotations.TenantId;

/**
 * The tenant of the values of entities with a {@code @TenantId} attribute (discriminator
 * multi-tenancy): the session's tenant identifier as text. {@code getTenantIdentifierValue()} exists
 * with the same meaning on Hibernate 6.6 and 7, so one code path serves both.
 */
final class Tenants {

  private Tenants() {}

  /** Whether the named entity class (or a superclass) has a {@code @TenantId} field or getter. */
  static boolean hasTenantId(String entityClassName) {
    if (entityClassName == null) {
      return false;
    }
    Class<?> type;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      type = Class.forName(entityClassName, false, loader == null ? Tenants.class.getClassLoader() : loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return false; // the integrator compares with the mapping and fails the start-up on a mismatch
    }
    return tenantIdMember(type) != null;
  }

  /** The name of the {@code @TenantId} attribute of an entity class (or a superclass), or null. */
  static String tenantIdMember(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.isAnnotationPresent(TenantId.class)) {
          return f.getName();
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        String n = m.getName();
        if (m.isAnnotationPresent(TenantId.class) && m.getParameterCount() == 0 && n.startsWith("get") && n.length() > 3) {
          return Character.toLowerCase(n.charAt(3)) + n.substring(4);
        }
      }
    }
    return null;
  }

  /**
   * The session's tenant as text, for a value of a tenant entity's attribute.
   *
   * @throws VaultConfigurationException if the session has no tenant: FieldVault never encrypts or
   *     decrypts a tenant entity's value without its tenant
   */
  static String of(SharedSessionContract session, EncryptedAttribute attribute) {
    Object tenant = session == null ? null : session.getTenantIdentifierValue();
    String text = tenant == null ? null : tenant.toString();
    if (text == null || text.isEmpty()) {
      throw new VaultConfigurationException("@Encrypted attribute " + attribute.entityName() + "."
          + attribute.attributePath() + " belongs to an entity with a @TenantId, so its values are bound to"
          + " the session's tenant, but the session has none: open the session with a tenant"
          + " (sessionFactory.withOptions().tenantIdentifier(...).openSession()) or configure a"
          + " CurrentTenantIdentifierResolver (hibernate.tenant_identifier_resolver)");
    }
    return text;
  }
}
