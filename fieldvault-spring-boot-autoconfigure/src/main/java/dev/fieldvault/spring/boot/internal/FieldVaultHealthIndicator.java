package dev.fieldvault.spring.boot.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** FieldVault's health on Spring Boot 4.0 ({@code org.springframework.boot.health.contributor}). */
public final class FieldVaultHealthIndicator implements HealthIndicator {

  private final HealthCheck check;

  public FieldVaultHealthIndicator(HealthCheck check) {
    this.check = check;
  }

  @Override
  public Health health() {
    HealthCheck.Result r = check.check();
    return (r.up() ? Health.up() : Health.down()).withDetails(r.details()).build();
  }
}
