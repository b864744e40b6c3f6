package dev.fieldvault.spring.boot;

import dev.fieldvault.keys.FieldVaultException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a FieldVault start-up failure into Spring Boot's "APPLICATION FAILED TO START" report: what
 * is wrong and which {@code fieldvault.*} property to set. A {@link FieldVaultStartupException} says
 * both; any other FieldVault error met at start-up (a wrong mapping, a missing table) is reported with
 * its own message, which names the entity, attribute, keyset or table. Registered in
 * {@code META-INF/spring.factories}; the same class serves Boot 3.5 and 4.0.
 */
public class FieldVaultFailureAnalyzer implements FailureAnalyzer {

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FieldVaultStartupException e) {
        return new FailureAnalysis("FieldVault: " + e.description(), e.action(), e);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FieldVaultException e) {
        return new FailureAnalysis("FieldVault: " + e.getMessage(),
            "Fix the setting, mapping or table the description names (FieldVault's settings are under"
                + " fieldvault.*; see the starter's README).", e);
      }
    }
    return null;
  }
}
