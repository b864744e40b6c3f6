package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.secrets.AuditAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;

/**
 * The secrets vault's meters, from its audit chain's events: {@code fieldvault.secrets.operations}
 * (counter; tags {@code action}: an {@code AuditAction}, {@code outcome}: a result such as ok, not_found,
 * access_denied, failed) and {@code fieldvault.secrets.audit.lag} (timer: from an operation to its audit
 * event's append; batched read audits wait for their batch). No name, namespace, tenant or principal.
 */
public final class SecretsMetrics implements MeterBinder {

  private final SecretsAuditEvents events;

  public SecretsMetrics(SecretsAuditEvents events) {
    this.events = events;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Timer lag = Timer.builder("fieldvault.secrets.audit.lag")
        .description("From a secrets-vault operation to its audit event's append").register(registry);
    events.add((AuditAction action, String outcome, Duration d) -> {
      Counter.builder("fieldvault.secrets.operations").description("Secrets-vault operations by result")
          .tag("action", action.name().toLowerCase(Locale.ROOT))
          .tag("outcome", outcome == null ? "unknown" : outcome.toLowerCase(Locale.ROOT))
          .register(registry).increment();
      lag.record(d);
    });
  }
}
