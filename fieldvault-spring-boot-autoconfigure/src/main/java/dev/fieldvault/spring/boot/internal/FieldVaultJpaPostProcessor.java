package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * Hands FieldVault's keys to every {@link LocalContainerEntityManagerFactoryBean} before it builds its
 * EntityManagerFactory: {@code fieldvault.keyring} (a {@code Supplier} of the starter's cipher, so the
 * keys load when Hibernate asks for them, after the database is initialized) and the default
 * plaintext policy go into its JPA property map, unless the application set them itself. The class
 * and its package are the same in Spring Framework 6.2 (Boot 3.5) and 7.0 (Boot 4.0), so this needs
 * neither line's {@code HibernatePropertiesCustomizer}, and it also serves factories an application
 * builds itself with Boot's {@code EntityManagerFactoryBuilder}. After the factory starts, a changed
 * keyring ({@link FieldVaultKeys#reload()}) is handed to it.
 */
public final class FieldVaultJpaPostProcessor implements BeanPostProcessor {

  private final ObjectProvider<FieldVaultKeys> keys;
  private final String plaintextPolicy;

  public FieldVaultJpaPostProcessor(ObjectProvider<FieldVaultKeys> keys, String plaintextPolicy) {
    this.keys = keys;
    this.plaintextPolicy = plaintextPolicy;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof LocalContainerEntityManagerFactoryBean emf) {
      Map<String, Object> jpa = emf.getJpaPropertyMap();
      jpa.putIfAbsent(FieldVaultSettings.KEYRING, (Supplier<FieldCipher>) () -> keys.getObject().cipher());
      if (plaintextPolicy != null && !plaintextPolicy.isBlank()) {
        jpa.putIfAbsent(FieldVaultSettings.PLAINTEXT_POLICY, plaintextPolicy.trim());
      }
    }
    return bean;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof LocalContainerEntityManagerFactoryBean emf && emf.getObject() != null) {
      HibernateVault vault;
      try {
        vault = HibernateVault.of(emf.getObject());
      } catch (IllegalArgumentException e) {
        return bean; // no @Encrypted attribute in this factory
      }
      // the cipher is shared; the vault also re-plans queries for the readable key versions
      keys.getObject().onChange(vault::reload);
    }
    return bean;
  }
}
