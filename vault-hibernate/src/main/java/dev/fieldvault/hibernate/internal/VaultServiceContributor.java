package dev.fieldvault.hibernate.internal;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Registered through {@code META-INF/services}: unless the application names its own, installs the
 * {@link EncryptedQueryTranslatorFactory} (the integrator fails the start-up if an application's own
 * factory replaces it while attributes are {@code @Encrypted}), and installs {@link MultiTableStrategies}
 * as Hibernate's multi-table mutation strategy provider, so that the update, delete and insert queries
 * Hibernate runs through its multi-table handlers are checked by the same rules (the integrator fails
 * the start-up if another provider replaced it). FieldVault installs nothing at the connection level:
 * its query rules and its searches during a key rotation live in that translator and those strategies.
 */
public final class VaultServiceContributor implements ServiceContributor {
  @Override
  public void contribute(StandardServiceRegistryBuilder builder) {
    if (builder.getSettings().get(EncryptedQueryTranslatorFactory.SETTING) == null) {
      builder.applySetting(EncryptedQueryTranslatorFactory.SETTING, EncryptedQueryTranslatorFactory.class.getName());
    }
    builder.addInitiator(MultiTableStrategies.INITIATOR);
  }
}
