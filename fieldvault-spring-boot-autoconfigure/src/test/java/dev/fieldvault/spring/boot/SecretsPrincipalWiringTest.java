package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.secrets.AuditEvent;
import dev.fieldvault.secrets.AuditQuery;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.spring.boot.app.TestApp;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The secrets vault's principal from Spring Security (one in-memory H2 application per test: the wiring is
 * under test; SecretsStarterTest runs it with the access rules on H2, PostgreSQL and MariaDB): the real
 * {@link SecurityContextHolder} of the calling thread, anonymous and unauthenticated authentications as
 * {@code anonymous}, the off switch, and an application's own supplier bean or customizer winning.
 */
class SecretsPrincipalWiringTest {

  @AfterEach
  void clearSecurityContext() {
    SecurityContextHolder.clearContext();
  }

  private static void authenticate(Authentication authentication) {
    SecurityContextHolder.getContext().setAuthentication(authentication);
  }

  private static Authentication user(String name) {
    return UsernamePasswordAuthenticationToken.authenticated(name, "n/a", AuthorityUtils.createAuthorityList("ROLE_USER"));
  }

  /** Writes {@code name} with {@code handle} and returns the principal its audit event carries. */
  private static String putAndAuditedPrincipal(SecretsVault vault, SecretStore handle, String name) {
    handle.put(name, SecretValue.ofString("v"));
    List<AuditEvent> events = vault.auditEvents(AuditQuery.all().namespace("ps", null).name(name)).items();
    assertThat(events).hasSize(1);
    return events.get(0).principal();
  }

  @Test
  void theAuthenticatedUser_isThePrincipal_ofAHandleWithoutAs_atEachOperation() {
    try (ConfigurableApplicationContext ctx = SecretsWiringTest.start(WebApplicationType.NONE, List.of(TestApp.class),
        "fieldvault.secrets.create-stores=ps")) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      SecretStore handle = vault.store("ps"); // made before anyone signed in, kept: a bean's handle
      assertThat(ctx.containsBean("fieldVaultSecretsPrincipal")).isTrue();

      authenticate(user("alice"));
      String alice = putAndAuditedPrincipal(vault, handle, "a");
      authenticate(user("bob"));
      String bob = putAndAuditedPrincipal(vault, handle, "b");
      String carol = putAndAuditedPrincipal(vault, handle.as("carol"), "c");
      authenticate(new AnonymousAuthenticationToken("key", "anonymousUser",
          AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
      String anonymousToken = putAndAuditedPrincipal(vault, handle, "d");
      authenticate(UsernamePasswordAuthenticationToken.unauthenticated("mallory", "guessed"));
      String unauthenticated = putAndAuditedPrincipal(vault, handle, "e");
      SecurityContextHolder.clearContext();
      String none = putAndAuditedPrincipal(vault, handle, "f");

      assertThat(List.of(alice, bob, carol, anonymousToken, unauthenticated, none))
          .containsExactly("alice", "bob", "carol", "anonymous", "anonymous", "anonymous");
    }
  }

  @Test
  void principalFromSecurityOff_handlesWithoutAsActAsAnonymous() {
    try (ConfigurableApplicationContext ctx = SecretsWiringTest.start(WebApplicationType.NONE, List.of(TestApp.class),
        "fieldvault.secrets.create-stores=ps", "fieldvault.secrets.principal-from-security=false")) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      assertThat(ctx.containsBean("fieldVaultSecretsPrincipal")).isFalse();
      authenticate(user("alice"));
      assertThat(putAndAuditedPrincipal(vault, vault.store("ps"), "a")).isEqualTo("anonymous");
    }
  }

  /** The application's own principal supplier, under the starter's bean name. */
  @Configuration(proxyBeanMethods = false)
  static class OwnSupplier {
    @Bean("fieldVaultSecretsPrincipal")
    Supplier<String> ownPrincipal() {
      return () -> "svc-own";
    }
  }

  @Test
  void anApplicationsOwnSupplierBean_wins() {
    try (ConfigurableApplicationContext ctx = SecretsWiringTest.start(WebApplicationType.NONE,
        List.of(TestApp.class, OwnSupplier.class), "fieldvault.secrets.create-stores=ps")) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      authenticate(user("alice"));
      assertThat(putAndAuditedPrincipal(vault, vault.store("ps"), "a")).isEqualTo("svc-own");
    }
  }

  /** A customizer setting the principal supplier itself. */
  @Configuration(proxyBeanMethods = false)
  static class OwnCustomizer {
    @Bean
    SecretsVaultCustomizer principalFromTheCustomizer() {
      return builder -> builder.principal(() -> "from-customizer");
    }
  }

  @Test
  void aCustomizersPrincipalSupplier_wins() {
    try (ConfigurableApplicationContext ctx = SecretsWiringTest.start(WebApplicationType.NONE,
        List.of(TestApp.class, OwnCustomizer.class), "fieldvault.secrets.create-stores=ps")) {
      SecretsVault vault = ctx.getBean(SecretsVault.class);
      authenticate(user("alice"));
      assertThat(putAndAuditedPrincipal(vault, vault.store("ps"), "a")).isEqualTo("from-customizer");
    }
  }
}
