package dev.fieldvault.hibernate.internal;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Registered through {@code META-INF/services}: installs {@link VaultConnectionProvider} and, unless the
 * application names its own, the {@link EncryptedQueryTranslatorFactory} (the integrator fails the
 * start-up if an application's own factory replaces it while attributes are {@code @Encrypted}).
 */
public final class VaultServiceContributor implements ServiceContributor {
  @Override
  public void contribute(StandardServiceRegistryBuilder builder) {
    builder.addInitiator(new VaultConnectionProvider.Initiator());
    if (builder.getSettings().get(EncryptedQueryTranslatorFactory.SETTING) == null) {
      builder.applySetting(EncryptedQueryTranslatorFactory.SETTING, EncryptedQueryTranslatorFactory.class.getName());
    }
  }
}
