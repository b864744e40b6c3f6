package dev.fieldvault.spring.boot;

import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.secrets.AccessPolicy;
import dev.fieldvault.secrets.AccessRules;
import dev.fieldvault.secrets.ExpiryListener;
import dev.fieldvault.secrets.RequestContext;
import dev.fieldvault.secrets.RotationListener;
import dev.fieldvault.secrets.ScheduledTask;
import dev.fieldvault.secrets.SecretStoreNotFoundException;
import dev.fieldvault.secrets.SecretsEventListener;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.VaultSchedule;
import dev.fieldvault.jdbc.EncryptedColumns;
import dev.fieldvault.spring.boot.internal.EncryptedMappings;
import dev.fieldvault.spring.boot.internal.FieldVaultDataSource;
import dev.fieldvault.spring.boot.internal.JdbcWrapperPostProcessor;
import dev.fieldvault.spring.boot.internal.FieldVaultSchema;
import dev.fieldvault.spring.boot.internal.FieldVaultJpaPostProcessor;
import dev.fieldvault.spring.boot.internal.HibernateMappings;
import dev.fieldvault.spring.boot.internal.KekFactory;
import dev.fieldvault.spring.boot.internal.LoadedKeys;
import dev.fieldvault.spring.boot.internal.RotationSchedule;
import dev.fieldvault.spring.boot.internal.SecretsSchedulerLifecycle;
import dev.fieldvault.spring.boot.internal.SecretsSchedules;
import dev.fieldvault.spring.boot.internal.ServletRequestContexts;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * FieldVault for Spring Boot 4.0 and 3.5 (one class for both: the auto-configuration it orders
 * itself after, which moved packages in Boot 4, is named as text; it is ordered against neither
 * Liquibase's nor Hibernate's, whose order differs between the lines: on 3.5 Liquibase's comes after
 * Hibernate's. The keys wait for the database initialization through
 * {@code @DependsOnDatabaseInitialization}, and the EntityManagerFactory gets them through a bean
 * post-processor, so no auto-configuration order is needed). It loads the keys from
 * {@code fieldvault.*} once the database is initialized, applies FieldVault's tables with the
 * application's Liquibase, hands the keys to Boot's EntityManagerFactory, and creates the secrets vault
 * and the rotation job.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnProperty(prefix = "fieldvault", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(FieldVaultProperties.class)
public class FieldVaultAutoConfiguration {

  /** The keys, loaded after every database initializer (FieldVault's Liquibase among them) has run. */
  @Bean
  @ConditionalOnMissingBean(FieldVaultKeys.class)
  @DependsOnDatabaseInitialization
  public FieldVaultKeys fieldVaultKeys(FieldVaultProperties properties, ObjectProvider<DataSource> dataSource) {
    if (properties.getRotation().isEnabled()) {
      dev.fieldvault.spring.boot.internal.RotationSettings.validate(properties);
    }
    DataSource ds = dataSource.getIfAvailable();
    return LoadedKeys.load(properties, KekFactory.create(properties.getKek(), System::getenv),
        ds == null ? null : FieldVaultDataSource.unencrypted(ds));
  }

  /** FieldVault's changelogs, applied with the application's Liquibase before the keys and the EntityManagerFactory. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SpringLiquibase.class)
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnProperty(prefix = "fieldvault.liquibase", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class LiquibaseConfiguration {

    /** With the secrets vault on (and on the class path): the key store's and the secrets vault's changelogs. */
    static final String WITH_SECRETS = "classpath:db/changelog/fieldvault/spring-boot-with-secrets.xml";
    /** The key store's and rotation work tables' changelog only. */
    static final String KEY_STORE = "classpath:db/changelog/fieldvault/spring-boot-key-store.xml";

    /**
     * The keys load after FieldVault's changelogs, whether or not Boot's own Liquibase support (whose
     * database-initializer detection would order them too) is on the class path: on Boot 4.0 it is a
     * separate module, spring-boot-liquibase, that an application with only liquibase-core lacks.
     */
    @Bean
    static org.springframework.beans.factory.config.BeanFactoryPostProcessor fieldVaultKeysAfterLiquibase() {
      return beanFactory -> {
        if (beanFactory.containsBeanDefinition("fieldVaultKeys") && beanFactory.containsBeanDefinition("fieldVaultLiquibase")) {
          org.springframework.beans.factory.config.BeanDefinition keys = beanFactory.getBeanDefinition("fieldVaultKeys");
          List<String> dependsOn = new ArrayList<>();
          if (keys.getDependsOn() != null) {
            dependsOn.addAll(List.of(keys.getDependsOn()));
          }
          if (!dependsOn.contains("fieldVaultLiquibase")) {
            dependsOn.add("fieldVaultLiquibase");
            keys.setDependsOn(dependsOn.toArray(String[]::new));
          }
        }
      };
    }

    @Bean
    @ConditionalOnMissingBean(name = "fieldVaultLiquibase")
    FieldVaultSchema fieldVaultLiquibase(FieldVaultProperties properties, ObjectProvider<DataSource> dataSource,
        org.springframework.core.io.ResourceLoader resourceLoader) {
      DataSource ds = dataSource.getIfAvailable();
      if (ds == null) {
        throw new FieldVaultStartupException("fieldvault.liquibase.enabled is on, but the application has no DataSource.",
            "Configure spring.datasource.*, or set fieldvault.liquibase.enabled=false.", null);
      }
      boolean secrets = properties.getSecrets().isEnabled()
          && org.springframework.util.ClassUtils.isPresent("dev.fieldvault.secrets.SecretsVault", null);
      SpringLiquibase liquibase = new SpringLiquibase();
      liquibase.setResourceLoader(resourceLoader);
      liquibase.setDataSource(FieldVaultDataSource.unencrypted(ds));
      liquibase.setChangeLog(secrets ? WITH_SECRETS : KEY_STORE);
      Map<String, String> parameters = new HashMap<>();
      parameters.put("fieldvault.tablePrefix", properties.getKeys().getTablePrefix());
      parameters.put("fieldvault.secrets.prefix", properties.getSecrets().getTablePrefix());
      liquibase.setChangeLogParameters(parameters);
      String table = properties.getLiquibase().getChangeLogTable();
      if (table != null && !table.isBlank()) {
        liquibase.setDatabaseChangeLogTable(table);
      }
      String lock = properties.getLiquibase().getChangeLogLockTable();
      if (lock != null && !lock.isBlank()) {
        liquibase.setDatabaseChangeLogLockTable(lock);
      }
      return new FieldVaultSchema(liquibase);
    }
  }

  /** {@code @Encrypted} entities in every EntityManagerFactory built by Spring's LocalContainerEntityManagerFactoryBean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({LocalContainerEntityManagerFactoryBean.class, HibernateVault.class, EntityManagerFactory.class})
  @ConditionalOnProperty(prefix = "fieldvault.hibernate", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class HibernateConfiguration {

    @Bean
    static FieldVaultJpaPostProcessor fieldVaultJpaPostProcessor(ObjectProvider<FieldVaultKeys> keys, Environment env) {
      String policy = Binder.get(env).bind("fieldvault.hibernate.plaintext-policy", String.class).orElse(null);
      if (policy != null && !policy.isBlank()
          && !List.of("CIPHERTEXT_ONLY", "MIGRATE", "MIGRATE_AND_LOG").contains(policy.trim().toUpperCase(java.util.Locale.ROOT))) {
        throw new FieldVaultStartupException("fieldvault.hibernate.plaintext-policy is '" + policy.trim() + "': it must be"
            + " CIPHERTEXT_ONLY, MIGRATE or MIGRATE_AND_LOG.", "Set fieldvault.hibernate.plaintext-policy to"
            + " CIPHERTEXT_ONLY (the default: a plaintext value in an encrypted column is an error), MIGRATE or"
            + " MIGRATE_AND_LOG (read plaintext left from before encryption; see vault-hibernate's README).", null);
      }
      return new FieldVaultJpaPostProcessor(keys, policy);
    }

    @Bean
    HibernateMappings fieldVaultHibernateMappings(ObjectProvider<EntityManagerFactory> factories) {
      return new HibernateMappings(factories);
    }
  }

  /**
   * The JDBC wrapper around the application's DataSource beans ({@code fieldvault.jdbc.enabled=true}):
   * the columns of every {@code @Encrypted} attribute and of the application's {@code EncryptedColumns}
   * beans are encrypted for JdbcTemplate, JdbcClient, jOOQ or MyBatis.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "fieldvault.jdbc", name = "enabled", havingValue = "true")
  @ConditionalOnClass(name = "org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy")
  static class JdbcWrapperConfiguration {

    @Bean
    static JdbcWrapperPostProcessor fieldVaultJdbcWrapper(ObjectProvider<FieldVaultKeys> keys,
        ObjectProvider<HibernateMappings> hibernate, ObjectProvider<EncryptedColumns> columns) {
      return new JdbcWrapperPostProcessor(keys, () -> {
        List<EncryptedColumns> all = new ArrayList<>();
        hibernate.orderedStream().forEach(h -> all.addAll(h.jdbcColumns()));
        columns.orderedStream().forEach(all::add);
        return all;
      });
    }
  }

  @Bean
  @ConditionalOnMissingBean
  EncryptedMappings fieldVaultEncryptedMappings(ObjectProvider<HibernateMappings> hibernate,
      ObjectProvider<EncryptedTable> tables) {
    List<Supplier<List<EncryptedTable>>> sources = new ArrayList<>();
    hibernate.orderedStream().forEach(sources::add);
    sources.add(() -> tables.orderedStream().toList());
    return new EncryptedMappings(sources);
  }

  /** The secrets vault on the application's DataSource and FieldVault's keys. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SecretsVault.class)
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnProperty(prefix = "fieldvault.secrets", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class SecretsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    dev.fieldvault.spring.boot.internal.SecretsAuditEvents fieldVaultSecretsAuditEvents() {
      return new dev.fieldvault.spring.boot.internal.SecretsAuditEvents();
    }

    /**
     * The vault and its scheduler's start; both back off together when the application declares its own
     * SecretsVault bean.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(SecretsVault.class)
    static class VaultConfiguration {

      @Bean(destroyMethod = "close")
      SecretsVault fieldVaultSecretsVault(FieldVaultKeys keys, FieldVaultProperties properties,
          dev.fieldvault.spring.boot.internal.SecretsAuditEvents auditEvents,
          ObjectProvider<SecretsEventListener> eventListeners, ObjectProvider<RotationListener> rotationListeners,
          ObjectProvider<ExpiryListener> expiryListeners, ObjectProvider<AccessPolicy> policies,
          @Qualifier(REQUEST_CONTEXTS) ObjectProvider<Supplier<RequestContext>> requestContexts,
          @Qualifier(PRINCIPALS) ObjectProvider<Supplier<String>> principals,
          ObjectProvider<SecretsVaultCustomizer> customizers) {
        DataSource ds = keys.dataSource().orElseThrow(() -> new FieldVaultStartupException(
            "fieldvault.secrets.enabled is on, but the application has no DataSource.",
            "Configure spring.datasource.*, or set fieldvault.secrets.enabled=false.", null));
        FieldVaultProperties.Secrets settings = properties.getSecrets();
        SecretsVault.Builder builder = SecretsVault.builder(ds, keys.cipher()).tablePrefix(settings.getTablePrefix())
            .rotationTables(VaultTables.withPrefix(properties.getKeys().getTablePrefix())).auditListener(auditEvents);
        eventListeners.orderedStream().forEach(builder::eventListener);
        rotationListeners.orderedStream().forEach(builder::rotationListener);
        List<ExpiryListener> expiry = expiryListeners.orderedStream().toList();
        expiry.forEach(builder::expiryListener);
        accessPolicy(builder, policies.orderedStream().toList());
        requestContexts.ifAvailable(builder::requestContext);
        principals.ifAvailable(builder::principal);
        VaultSchedule schedule = SecretsSchedules.from(settings.getSchedule());
        if (schedule != null) {
          builder.schedule(schedule);
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        SecretsVault vault;
        try {
          vault = builder.build();
        } catch (dev.fieldvault.keys.VaultConfigurationException e) {
          // the one refusal of build(): expiry warnings without a listener (none as a bean, none from a customizer)
          if (schedule != null && schedule.tasks().contains(ScheduledTask.EXPIRY_WARNINGS) && expiry.isEmpty()) {
            throw SecretsSchedules.noExpiryListener();
          }
          throw e;
        }
        for (String store : settings.getCreateStores()) {
          try {
            vault.store(store);
          } catch (SecretStoreNotFoundException e) {
            vault.createStore(store, null, StoreOptions.DEFAULT);
          }
        }
        return vault;
      }

      /** The scheduler, started once the context has started ({@code fieldvault.secrets.schedule.*}; else idle). */
      @Bean
      SecretsSchedulerLifecycle fieldVaultSecretsScheduler(SecretsVault vault, FieldVaultProperties properties) {
        return new SecretsSchedulerLifecycle(vault, SecretsSchedules.configured(properties.getSecrets().getSchedule()));
      }

      /**
       * The application's access policy beans: one AccessRules is the vault's rules, any other single
       * policy its policy; several must all allow (AccessPolicy.allOf).
       */
      private static void accessPolicy(SecretsVault.Builder builder, List<AccessPolicy> policies) {
        if (policies.size() == 1 && policies.get(0) instanceof AccessRules rules) {
          builder.accessRules(rules);
        } else if (policies.size() == 1) {
          builder.accessPolicy(policies.get(0));
        } else if (!policies.isEmpty()) {
          builder.accessPolicy(AccessPolicy.allOf(policies.toArray(AccessPolicy[]::new)));
        }
      }
    }

    /**
     * With Spring Security on the class path (and {@code fieldvault.secrets.principal-from-security} on),
     * the vault's principal supplier reads its {@code SecurityContextHolder}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
    @ConditionalOnProperty(prefix = "fieldvault.secrets", name = "principal-from-security", havingValue = "true",
        matchIfMissing = true)
    static class SecurityPrincipalConfiguration {

      /**
       * With Spring Security, a store handle without {@code as(...)} acts for the calling thread's
       * authenticated, non-anonymous user; an application's own bean of this name wins.
       */
      @Bean(PRINCIPALS)
      @ConditionalOnMissingBean(name = PRINCIPALS)
      Supplier<String> fieldVaultSecretsPrincipal() {
        return new dev.fieldvault.spring.boot.internal.SecurityContextPrincipals();
      }
    }

    /**
     * In a servlet web application, the audit events of vault operations made on a request's thread
     * carry that request's client address, user agent and request id.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = {"org.springframework.web.context.request.RequestContextHolder",
        "jakarta.servlet.http.HttpServletRequest"})
    @ConditionalOnProperty(prefix = "fieldvault.secrets.request-context", name = "enabled", havingValue = "true",
        matchIfMissing = true)
    static class RequestContextConfiguration {

      @Bean(REQUEST_CONTEXTS)
      Supplier<RequestContext> fieldVaultSecretsRequestContexts(FieldVaultProperties properties) {
        return new ServletRequestContexts(properties.getSecrets().getRequestContext().getRequestIdHeader());
      }
    }
  }

  /** The bean supplying the secrets vault's request contexts (named: a Supplier type is too common to find by type alone). */
  static final String REQUEST_CONTEXTS = "fieldVaultSecretsRequestContexts";

  /**
   * The bean supplying the principal of store handles without {@code as(...)} (named, as above): the
   * starter's from Spring Security, or the application's own {@code Supplier<String>} of this name.
   */
  static final String PRINCIPALS = "fieldVaultSecretsPrincipal";

  /** The rotation job (database key store only). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnProperty(prefix = "fieldvault.rotation", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class RotationConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FieldVaultRotation fieldVaultRotation(FieldVaultKeys keys, FieldVaultProperties properties,
        EncryptedMappings mappings, ObjectProvider<SecretsVaultHolder> secrets,
        ObjectProvider<HibernateMappings> hibernate) {
      DataSource ds = keys.dataSource().orElse(null);
      SecretsVaultHolder holder = secrets.getIfAvailable();
      // include-secrets decides only whether the rotation rewraps the secrets vault's values: its values and
      // audit chain keep the keys they use from being retired either way
      SecretsVaultHolder vault = properties.getRotation().isIncludeSecrets() ? holder : null;
      Supplier<List<EncryptedTable>> secretTables = vault == null ? List::of : vault::encryptedTables;
      Supplier<List<EncryptedTable>> countedOnly = vault == null && holder != null ? holder::encryptedTables : List::of;
      java.util.function.Function<Rewrapper.Builder, dev.fieldvault.jdbc.rotation.RotationResult> runner =
          vault == null ? b -> b.build().run() : vault::rewrap;
      java.util.function.IntPredicate auditUses = holder == null ? id -> false : holder::auditUses;
      FieldVaultRotation rotation = new FieldVaultRotation(keys, ds, mappings::tables, secretTables, countedOnly, runner,
          properties.getRotation(), VaultTables.withPrefix(properties.getKeys().getTablePrefix()), auditUses);
      rotation.refreshInterval(properties.getKeys().getRefreshInterval());
      rotation.unsupported(() -> {
        HibernateMappings h = hibernate.getIfAvailable();
        List<String> others = h == null ? List.of() : h.onOtherDataSources(ds);
        return others.isEmpty() ? null : "FieldVault's rotation, key inventory and key retirement run on the"
            + " application's DataSource only, but the EntityManagerFactory of " + String.join(", ", others)
            + " keeps @Encrypted values on another DataSource: they would be missed (a retired key could still be in"
            + " use there), so this is refused and no key was changed. Supported: every @Encrypted entity of a"
            + " rotated application on the application's DataSource. For another database, rotate its tables with the"
            + " CLI (`fieldvault rotate --tables ... --jdbc-url <that database>`) after promoting, and retire a key only"
            + " when both databases' inventories show no use; or set fieldvault.rotation.enabled=false";
      });
      return rotation;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "fieldvault.rotation", name = "schedule")
    RotationSchedule fieldVaultRotationSchedule(FieldVaultRotation rotation, FieldVaultProperties properties) {
      return RotationSchedule.start(rotation, properties.getRotation());
    }
  }

  /** The secrets vault's part in a rotation, without naming vault-secrets where it may be absent. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SecretsVault.class)
  static class SecretsRotationConfiguration {

    @Bean
    SecretsVaultHolder fieldVaultSecretsRotation(ObjectProvider<SecretsVault> vault) {
      return new SecretsVaultHolder() {
        @Override
        public List<EncryptedTable> encryptedTables() {
          SecretsVault v = vault.getIfAvailable();
          return v == null ? List.of() : v.encryptedTables();
        }

        @Override
        public boolean auditUses(int keyId) {
          SecretsVault v = vault.getIfAvailable();
          if (v == null) {
            return false;
          }
          long unsigned = Integer.toUnsignedLong(keyId);
          dev.fieldvault.secrets.AuditQuery q = dev.fieldvault.secrets.AuditQuery.all().limit(10_000);
          while (true) {
            dev.fieldvault.secrets.Page<dev.fieldvault.secrets.AuditEvent> page = v.auditEvents(q);
            if (page.items().stream().anyMatch(e -> e.macKeyId() == unsigned)) {
              return true;
            }
            if (!page.hasNext()) {
              return false;
            }
            q = q.after(page.nextCursor());
          }
        }

        @Override
        public dev.fieldvault.jdbc.rotation.RotationResult rewrap(Rewrapper.Builder builder) {
          SecretsVault v = vault.getIfAvailable();
          return v == null ? builder.build().run() : v.rewrap(builder);
        }
      };
    }
  }

  /** The secrets vault's tables and audited rewrap, for the rotation job. */
  interface SecretsVaultHolder {
    List<EncryptedTable> encryptedTables();

    /** Whether an audit event's MAC is under this AEAD key id (the chain check needs the key then). */
    boolean auditUses(int keyId);

    dev.fieldvault.jdbc.rotation.RotationResult rewrap(Rewrapper.Builder builder);
  }
}
