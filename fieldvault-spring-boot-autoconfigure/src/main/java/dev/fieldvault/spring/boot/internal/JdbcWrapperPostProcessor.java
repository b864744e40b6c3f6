package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.jdbc.EncryptingDataSource;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Wraps the application's DataSource beans in {@link FieldVaultDataSource} (last of all post-processors,
 * so HikariCP's metrics and the like see the pool first), hands the pools themselves to Liquibase and
 * every EntityManagerFactory, and starts the wrappers once all singletons exist, with the columns of
 * the {@code @Encrypted} mapping and of the application's {@link EncryptedColumns} beans.
 */
public final class JdbcWrapperPostProcessor implements BeanPostProcessor, Ordered, SmartInitializingSingleton {

  private static final boolean LIQUIBASE = ClassPresence.present("liquibase.integration.spring.SpringLiquibase");
  private static final boolean JPA = ClassPresence.present("org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean");

  private final ObjectProvider<FieldVaultKeys> keys;
  private final Supplier<List<EncryptedColumns>> columns;
  private final List<FieldVaultDataSource> wrapped = new ArrayList<>();

  public JdbcWrapperPostProcessor(ObjectProvider<FieldVaultKeys> keys, Supplier<List<EncryptedColumns>> columns) {
    this.keys = keys;
    this.columns = columns;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (LIQUIBASE) {
      LiquibaseUnwrap.apply(bean);
    }
    if (JPA) {
      JpaUnwrap.apply(bean);
    }
    return bean;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSource ds && !(bean instanceof FieldVaultDataSource) && !(bean instanceof EncryptingDataSource)) {
      FieldVaultDataSource w = new FieldVaultDataSource(ds, beanName);
      synchronized (wrapped) {
        wrapped.add(w);
      }
      return w;
    }
    return bean;
  }

  @Override
  public void afterSingletonsInstantiated() {
    List<FieldVaultDataSource> all;
    synchronized (wrapped) {
      all = List.copyOf(wrapped);
    }
    if (all.isEmpty()) {
      return;
    }
    FieldVaultKeys k = keys.getObject();
    EncryptedColumns.Builder b = EncryptedColumns.builder();
    for (EncryptedColumns c : columns.get()) {
      b.addAll(c.all());
      c.procedures().values().forEach(b::procedure);
    }
    EncryptedColumns model = b.build();
    for (FieldVaultDataSource w : all) {
      w.start(() -> EncryptingDataSource.wrap(new TransactionAwareDataSourceProxy(w.unencrypted()), k.cipher(), model));
    }
  }

  /** Liquibase works on the pool itself. */
  static final class LiquibaseUnwrap {
    static void apply(Object bean) {
      if (bean instanceof liquibase.integration.spring.SpringLiquibase l && l.getDataSource() instanceof FieldVaultDataSource f) {
        l.setDataSource(f.unencrypted());
      }
    }
  }

  /** Hibernate encrypts its own attributes: it works on the pool itself. */
  static final class JpaUnwrap {
    static void apply(Object bean) {
      if (bean instanceof org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean emf
          && emf.getDataSource() instanceof FieldVaultDataSource f) {
        emf.setDataSource(f.unencrypted());
      }
    }
  }
}
