package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.keys.VaultConfigurationException;
import org.hibernate.SharedSessionContract;
import org.hibernate.mapping.PersistentClass;

/**
 * The tenant of the values of entities with a {@code @TenantId} attribute (discriminator
 * multi-tenancy): the session's tenant identifier as text. {@code getTenantIdentifierValue()} exists
 * with the same meaning on Hibernate 6.6 and 7, so one code path serves both. Which entities have a
 * tenant is read from Hibernate's boot model, so {@code orm.xml} mappings are seen too.
 */
final class Tenants {

  private Tenants() {}

  /**
   * The name of the filter Hibernate adds to an entity with a {@code @TenantId} attribute (its
   * {@code TenantIdBinder.FILTER_NAME}, the same on 6.6, 7.2 and 7.4), with the condition
   * {@code <column> = :tenantId}. The boot model has no other mark of the tenant attribute, whether it
   * was mapped by annotation or in {@code orm.xml} ({@code <tenant-id>}).
   */
  static final String TENANT_FILTER = "_tenantId";
  private static final String TENANT_CONDITION_SUFFIX = " = :tenantId";

  /** Whether the entity (or a superclass) has a {@code @TenantId} attribute, read from Hibernate's boot model. */
  static boolean isTenantEntity(PersistentClass entity) {
    return tenantCondition(entity) != null;
  }

  /**
   * The column (or formula) of the entity's {@code @TenantId} attribute, from the boot model; null if
   * the entity has none.
   */
  static String tenantColumnName(PersistentClass entity) {
    String condition = tenantCondition(entity);
    if (condition == null) {
      return null;
    }
    String c = condition.trim();
    return c.endsWith(TENANT_CONDITION_SUFFIX) ? c.substring(0, c.length() - TENANT_CONDITION_SUFFIX.length()).trim() : c;
  }

  private static String tenantCondition(PersistentClass entity) {
    for (PersistentClass c = entity; c != null; c = c.getSuperclass()) {
      for (HibernateLines.Filter f : HibernateLines.filters(c)) {
        if (TENANT_FILTER.equals(f.name())) {
          return f.condition() == null ? "" : f.condition();
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
