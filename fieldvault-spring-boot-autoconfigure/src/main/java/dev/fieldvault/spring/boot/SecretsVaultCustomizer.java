package dev.fieldvault.spring.boot;

import dev.fieldvault.secrets.SecretsVault;

/**
 * Adjusts the auto-configured {@link SecretsVault} before it is built: rotation policies, dynamic
 * secret generators, a read cache, read audit, the value size limit. Declare beans of this type; each
 * is called in order ({@code @Order}) after the starter applied its own settings (tables, keys,
 * schedule, listener, access-rule, request-context and principal beans), so a customizer may override
 * them.
 *
 * <pre>{@code
 * // in a @Configuration class, as a @Bean method
 * SecretsVaultCustomizer rotateApiKeys(ApiKeyIssuer issuer) {
 *   return builder -> builder.rotationPolicy("api-keys", null, Duration.ofDays(30), issuer::rotate);
 * }
 * }</pre>
 *
 * <p>Not called when the application declares its own {@code SecretsVault} bean.
 */
@FunctionalInterface
public interface SecretsVaultCustomizer {

  /** Adjusts the builder; called once, at start-up. */
  void customize(SecretsVault.Builder builder);
}
