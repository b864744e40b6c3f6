package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.jdbc.keystore.VaultTables;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.secrets.AccessPolicy;
import dev.fieldvault.secrets.AccessRules;
import dev.fieldvault.secrets.Action;
import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.RequestContext;
import dev.fieldvault.secrets.ScheduledTask;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * How the starter wires the secrets vault (one in-memory H2 application per test: the wiring, not the
 * database, is under test; SecretsStarterTest runs the behaviour on H2, PostgreSQL and MariaDB): no
 * scheduler unless configured, an application's own vault wins, several policy beans must all allow,
 * bad schedule settings stop the start-up naming the property, and the request context's header
 * setting and off switch.
 */
class SecretsWiringTest {

  static ConfigurableApplicationContext start(WebApplicationType web, List<Class<?>> sources, String... properties) {
    List<String> all = new ArrayList<>(List.of(
        "spring.datasource.url=jdbc:h2:mem:sw" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1",
        "spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop", "server.port=0",
        "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET, "fieldvault.keys.create-if-missing=true",
        "fieldvault.keys.refresh-interval=0s", "fieldvault.rotation.promotion-delay=0s"));
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(web)
        .properties(all.toArray(String[]::new)).run();
  }

  @Test
  void withoutScheduleProperties_theVaultHasNoScheduler_andOutsideAWebApplicationNoRequestContext() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.NONE, List.of(TestApp.class))) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      assertThat(vault.schedulerStatus()).isEmpty();
      assertThat(catchThrowable(() -> vault.runNow(ScheduledTask.CLEANUP_EXPIRED)))
          .isInstanceOf(VaultConfigurationException.class).hasMessageContaining("no scheduler");
      assertThat(ctx.containsBean("fieldVaultSecretsRequestContexts")).isFalse();
    }
  }

  @Test
  void scheduleDisabledOnThisInstance_theTasksAreNotScheduled() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.NONE, List.of(TestApp.class),
        "fieldvault.secrets.schedule.prune-versions.every=1h", "fieldvault.secrets.schedule.enabled=false")) {
      assertThat(ctx.getBean(SecretsVault.class).schedulerStatus()).isEmpty();
    }
  }

  /**
   * Two vaults of the application's, neither @Primary, with the Actuator on the class path: the application
   * starts, without the audit-chain health check and the endpoint's scheduler section, which need one vault
   * (review finding: the start-up failed, "required a single bean, but 2 were found").
   */
  @Test
  void twoVaultsWithoutAPrimary_theApplicationStarts_withoutTheSingleVaultActuatorParts() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.NONE, List.of(TestApp.class, TwoVaults.class))) {
      assertThat(ctx.getBeansOfType(SecretsVault.class)).hasSize(2);
      assertThat(ctx.containsBean("fieldVaultAuditChainCheck")).isFalse();
      assertThat(ctx.containsBean("fieldVaultSecretsSchedulerReport")).isFalse();
    }
  }

  /** Two vaults on different table prefixes, neither primary. */
  @Configuration(proxyBeanMethods = false)
  static class TwoVaults {
    @Bean(destroyMethod = "close")
    SecretsVault firstVault(FieldVaultKeys keys) {
      return SecretsVault.builder(keys.dataSource().orElseThrow(), keys.cipher())
          .rotationTables(VaultTables.withPrefix("fieldvault_")).build();
    }

    @Bean(destroyMethod = "close")
    SecretsVault secondVault(FieldVaultKeys keys) {
      return SecretsVault.builder(keys.dataSource().orElseThrow(), keys.cipher()).tablePrefix("second_secret_")
          .rotationTables(VaultTables.withPrefix("fieldvault_")).build();
    }
  }

  /** An application that builds its own vault (without a schedule). */
  @Configuration(proxyBeanMethods = false)
  static class OwnVault {
    @Bean(destroyMethod = "close")
    SecretsVault ownVault(FieldVaultKeys keys) {
      return SecretsVault.builder(keys.dataSource().orElseThrow(), keys.cipher())
          .rotationTables(VaultTables.withPrefix("fieldvault_")).build();
    }
  }

  @Test
  void anApplicationsOwnSecretsVault_wins_andTheStarterNeitherBuildsNorSchedulesOne() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.NONE, List.of(TestApp.class, OwnVault.class),
        "fieldvault.secrets.schedule.prune-versions.every=1h")) {
      assertThat(ctx.getBeansOfType(SecretsVault.class)).containsOnlyKeys("ownVault");
      assertThat(ctx.containsBean("fieldVaultSecretsScheduler")).isFalse();
      assertThat(ctx.getBean(SecretsVault.class).schedulerStatus()).isEmpty();
    }
  }

  /** Two policies: rules granting "app" everything, and a callback refusing every DELETE. */
  @Configuration(proxyBeanMethods = false)
  static class TwoPolicies {
    @Bean
    AccessRules rules() {
      return AccessRules.builder().principal("app").grant(Action.READ, Action.WRITE, Action.DELETE).onAnyStore()
          .build();
    }

    @Bean
    AccessPolicy noDeletes() {
      return request -> request.action() != Action.DELETE;
    }
  }

  @Test
  void severalAccessPolicyBeans_mustAllAllow() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.NONE, List.of(TestApp.class, TwoPolicies.class),
        "fieldvault.secrets.create-stores=p")) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      assertThat(vault.store("p").as("app").put("k", SecretValue.ofString("v")).status()).isEqualTo(Status.OK);
      assertThat(vault.store("p").as("app").get("k").status()).isEqualTo(Status.OK);
      assertThat(vault.store("p").as("other").get("k").status()).as("the rules").isEqualTo(Status.ACCESS_DENIED);
      assertThat(vault.store("p").as("app").remove("k")).as("the callback").isEqualTo(Status.ACCESS_DENIED);
      assertThat(vault.store("p").as("app").get("k").status()).isEqualTo(Status.OK);
    }
  }

  @Test
  void purgeEventsWithoutRetention_stopsTheStartUp_namingTheProperty() {
    FailureAnalysis a = FailureAnalysisTest.startFailing("fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
        "fieldvault.keys.create-if-missing=true", "fieldvault.secrets.schedule.purge-events.every=1d");
    assertThat(a.getDescription()).contains("fieldvault.secrets.schedule.purge-events.retention");
    assertThat(a.getAction()).contains("fieldvault.secrets.schedule.purge-events.retention");
  }

  @Test
  void aPeriodOutOfRange_stopsTheStartUp_namingThePropertyAndTheRange() {
    FailureAnalysis a = FailureAnalysisTest.startFailing("fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
        "fieldvault.keys.create-if-missing=true", "fieldvault.secrets.schedule.cleanup-expired.every=10ms");
    assertThat(a.getDescription()).contains("fieldvault.secrets.schedule.cleanup-expired.every is 0.01s")
        .contains("100 ms to 365 days");
    assertThat(a.getAction()).contains("fieldvault.secrets.schedule.cleanup-expired.every");
  }

  @Test
  void expiryWarningsWithoutAnExpiryListenerBean_stopTheStartUp() {
    FailureAnalysis a = FailureAnalysisTest.startFailing("fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
        "fieldvault.keys.create-if-missing=true", "fieldvault.secrets.schedule.expiry-warnings.every=1h");
    assertThat(a.getDescription()).contains("fieldvault.secrets.schedule.expiry-warnings.every").contains("ExpiryListener");
    assertThat(a.getAction()).contains("dev.fieldvault.secrets.ExpiryListener");
  }

  @Test
  void theRequestIdHeaderIsConfigurable_andClientTextIsSanitized() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.SERVLET, List.of(TestApp.class),
        "fieldvault.secrets.create-stores=web", "fieldvault.secrets.request-context.request-id-header=X-Correlation-Id")) {
      MockHttpServletRequest request = new MockHttpServletRequest("POST", "/anything");
      request.setRemoteAddr("203.0.113.9");
      request.addHeader("User-Agent", "evil\nagent" + "x".repeat(400));
      request.addHeader("X-Request-Id", "ignored");
      request.addHeader("X-Correlation-Id", "corr-1");
      AuditEvent event = putOnRequestThread(ctx.getBean(SecretsVault.class), request, "k1");
      RequestContext context = event.requestContext();
      assertThat(context.clientAddress()).isEqualTo("203.0.113.9");
      assertThat(context.requestId()).isEqualTo("corr-1");
      assertThat(context.userAgent()).startsWith("evil\uFFFDagent").hasSize(RequestContext.MAX_LENGTH);
    }
  }

  @Test
  void requestContextSwitchedOff_eventsOnARequestsThreadCarryNone() {
    try (ConfigurableApplicationContext ctx = start(WebApplicationType.SERVLET, List.of(TestApp.class),
        "fieldvault.secrets.create-stores=web", "fieldvault.secrets.request-context.enabled=false")) {
      assertThat(ctx.containsBean("fieldVaultSecretsRequestContexts")).isFalse();
      MockHttpServletRequest request = new MockHttpServletRequest("POST", "/anything");
      request.addHeader("User-Agent", "agent");
      request.addHeader("X-Request-Id", "req-off");
      assertThat(putOnRequestThread(ctx.getBean(SecretsVault.class), request, "k2").requestContext()).isNull();
    }
  }

  /** A put on this thread while it serves {@code request}, as Spring MVC binds it; returns its audit event. */
  private static AuditEvent putOnRequestThread(SecretsVault vault, MockHttpServletRequest request, String name) {
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    try {
      assertThat(vault.store("web").as("app").put(name, SecretValue.ofString("v")).status()).isEqualTo(Status.OK);
    } finally {
      RequestContextHolder.resetRequestAttributes();
    }
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace("web", null).name(name)).items();
    assertThat(events).hasSize(1);
    return events.get(0);
  }
}
