package dev.fieldvault.spring.boot.internal;

import java.util.Map;

/**
 * The secrets vault's scheduler as the {@code fieldvault} Actuator endpoint shows it, behind a type that
 * does not name vault-secrets (an optional dependency): see {@link SecretsSchedulerReports}.
 */
@FunctionalInterface
public interface SecretsSchedulerReport {

  /** The report: per task, whether it is scheduled here, its period, last run, next run and lease holder. */
  Map<String, Object> report();
}
