package dev.fieldvault.hibernate.internal;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.service.spi.ServiceContributor;

/** Registered through {@code META-INF/services}: installs {@link VaultConnectionProvider}. */
public final class VaultServiceContributor implements ServiceContributor {
  @Override
  public void contribute(StandardServiceRegistryBuilder builder) {
    builder.addInitiator(new VaultConnectionProvider.Initiator());
  }
}
