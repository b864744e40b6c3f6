package dev.fieldvault.spring.boot;

import dev.fieldvault.secrets.ChainCheck;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.spring.boot.internal.Boot3HealthIndicator;
import dev.fieldvault.spring.boot.internal.FieldVaultHealthIndicator;
import dev.fieldvault.spring.boot.internal.FieldVaultMetrics;
import dev.fieldvault.spring.boot.internal.HealthCheck;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * FieldVault's Actuator health indicator and {@code fieldvault} endpoint, and its Micrometer meters,
 * each only when the application has Actuator or Micrometer. Boot 4.0's health API is used directly;
 * Boot 3.5's (another package) by name.
 */
@AutoConfiguration(after = FieldVaultAutoConfiguration.class)
@ConditionalOnBean(FieldVaultKeys.class)
public class FieldVaultActuatorAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  HealthCheck fieldVaultHealthCheck(FieldVaultKeys keys, FieldVaultProperties properties,
      ObjectProvider<FieldVaultRotation> rotation, ObjectProvider<AuditChainCheck> audit) {
    String uri = properties.getKek().getKmsKeyUri();
    return new HealthCheck(keys, uri != null && !uri.isBlank(), rotation::getIfAvailable, audit::getIfAvailable);
  }

  /**
   * The master secret (and a secret pasted into a property naming where it is) hidden from the
   * {@code env} and {@code configprops} endpoints even with {@code show-values=ALWAYS}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
  static class Sanitizing {
    @Bean
    @ConditionalOnMissingBean(name = "fieldVaultSanitizingFunction")
    dev.fieldvault.spring.boot.internal.SecretPropertySanitizer fieldVaultSanitizingFunction(
        FieldVaultProperties properties) {
      return new dev.fieldvault.spring.boot.internal.SecretPropertySanitizer(properties);
    }
  }

  /** Spring Boot 4.0. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.fieldvault", name = "enabled", matchIfMissing = true)
  static class Boot4Health {
    @Bean(name = "fieldvaultHealthIndicator")
    @ConditionalOnMissingBean(name = "fieldvaultHealthIndicator")
    FieldVaultHealthIndicator fieldvaultHealthIndicator(HealthCheck check) {
      return new FieldVaultHealthIndicator(check);
    }
  }

  /** Spring Boot 3.5. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.fieldvault", name = "enabled", matchIfMissing = true)
  static class Boot3Health {
    @Bean(name = "fieldvaultHealthIndicator")
    @ConditionalOnMissingBean(name = "fieldvaultHealthIndicator")
    static Boot3HealthIndicator fieldvaultHealthIndicator(ObjectProvider<HealthCheck> check) {
      return new Boot3HealthIndicator(check);
    }
  }

  /** The secrets vault's audit chain in the health, when there is a vault. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SecretsVault.class)
  static class AuditHealth {
    @Bean
    @ConditionalOnSingleCandidate(SecretsVault.class) // several vaults and none @Primary: not checked (the app starts)
    AuditChainCheck fieldVaultAuditChainCheck(SecretsVault vault) {
      return details -> {
        ChainCheck c = vault.verifyAuditChain();
        details.put("eventsChecked", c.eventsChecked());
        return c.intact() ? null : "the secrets vault's audit chain is broken at event " + c.firstBadSeq() + ": "
            + c.problem();
      };
    }
  }

  /** The secrets vault's audit chain check. */
  interface AuditChainCheck extends HealthCheck.AuditChain {}

  /** The {@code fieldvault} endpoint, read-only unless {@code fieldvault.endpoint.write-operations=true}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class Endpoints {
    @Bean
    @ConditionalOnMissingBean(FieldVaultEndpoint.class)
    FieldVaultEndpoint fieldVaultEndpoint(FieldVaultKeys keys, ObjectProvider<FieldVaultRotation> rotation,
        FieldVaultProperties properties,
        ObjectProvider<dev.fieldvault.spring.boot.internal.SecretsSchedulerReport> secretsScheduler) {
      FieldVaultEndpoint endpoint = properties.getEndpoint().isWriteOperations() && rotation.getIfAvailable() != null
          ? new FieldVaultWritableEndpoint(keys, rotation.getIfAvailable(),
              properties.getEndpoint().getInventoryMaxAge())
          : new FieldVaultEndpoint(keys, rotation.getIfAvailable(), properties.getEndpoint().getInventoryMaxAge());
      secretsScheduler.ifAvailable(endpoint::secretsScheduler);
      return endpoint;
    }
  }

  /** The secrets vault's scheduler in the endpoint, when there is a vault (the starter's or the application's). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "dev.fieldvault.secrets.SecretsVault"})
  static class SecretsSchedulerEndpoint {
    @Bean
    @ConditionalOnSingleCandidate(SecretsVault.class) // several vaults and none @Primary: not shown (the app starts)
    dev.fieldvault.spring.boot.internal.SecretsSchedulerReport fieldVaultSecretsSchedulerReport(SecretsVault vault) {
      return dev.fieldvault.spring.boot.internal.SecretsSchedulerReports.of(vault);
    }
  }

  /** The secrets vault's meters, when there is a vault and Micrometer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder", "dev.fieldvault.secrets.SecretsVault"})
  static class SecretsMeters {
    @Bean
    @ConditionalOnBean(dev.fieldvault.spring.boot.internal.SecretsAuditEvents.class)
    dev.fieldvault.spring.boot.internal.SecretsMetrics fieldVaultSecretsMetrics(
        dev.fieldvault.spring.boot.internal.SecretsAuditEvents events) {
      return new dev.fieldvault.spring.boot.internal.SecretsMetrics(events);
    }
  }

  /** Micrometer meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    FieldVaultMetrics fieldVaultMetrics(FieldVaultKeys keys, ObjectProvider<FieldVaultRotation> rotation) {
      return new FieldVaultMetrics(keys, rotation.getIfAvailable());
    }
  }
}
