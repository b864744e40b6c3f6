package dev.fieldvault.spring.boot.tenant;

import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/** The test's tenant resolver (named in {@code spring.jpa.properties.hibernate.tenant_identifier_resolver}). */
public class CurrentTenant implements CurrentTenantIdentifierResolver<Object> {

  static final ThreadLocal<String> TENANT = ThreadLocal.withInitial(() -> "acme");

  @Override
  public Object resolveCurrentTenantIdentifier() {
    return TENANT.get();
  }

  @Override
  public boolean validateExistingCurrentSessions() {
    return false;
  }
}
