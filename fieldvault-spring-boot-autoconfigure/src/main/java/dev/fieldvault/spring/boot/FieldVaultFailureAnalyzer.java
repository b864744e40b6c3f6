package dev.fieldvault.spring.boot;

import dev.fieldvault.keys.FieldVaultException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Turns a FieldVault start-up failure into Spring Boot's "APPLICATION FAILED TO START" report: what
 * is wrong and which {@code fieldvault.*} property to set. A {@link FieldVaultStartupException} says
 * both; any other FieldVault error met at start-up (a wrong mapping, a missing table) is reported with
 * its own message, which names the entity, attribute, keyset or table. Registered in
 * {@code META-INF/spring.factories}; the same class serves Boot 3.5 and 4.0.
 */
public class FieldVaultFailureAnalyzer implements FailureAnalyzer {

  /** vault-hibernate's message when a persistence unit has {@code @Encrypted} attributes and no keys. */
  private static final String NO_KEYS = "but no keys are configured: set the property 'fieldvault.keyring'";

  private final Environment environment;

  /**
   * Spring Boot passes the application's environment (one constructor, so that Boot's factory loader
   * uses it), to say when FieldVault was switched off; null: such a failure gets the general report.
   */
  public FieldVaultFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FieldVaultStartupException e) {
        return new FailureAnalysis("FieldVault: " + e.description(), e.action(), e);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FieldVaultException e && e.getMessage() != null && e.getMessage().contains(NO_KEYS)) {
        String off = switchedOff();
        if (off != null) {
          String found = e.getMessage().substring(0, e.getMessage().indexOf(NO_KEYS)).trim();
          return new FailureAnalysis("FieldVault: " + found + ", but " + off + " is false, so the starter gives the"
              + " EntityManagerFactory no keys and Hibernate cannot read or write them.", "Remove " + off + "=false"
              + " (FieldVault is on by default), or, if you configure the keys yourself, set"
              + " spring.jpa.properties.fieldvault.keyring.", e);
        }
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("mapped to 'VARBINARY'") || m.contains("(its JDBC type code is not string-like)"))) {
        return new FailureAnalysis("FieldVault: a query applies a string function or operator (like, upper/lower,"
            + " length, ...) to an @Encrypted attribute stored as BINARY (the default storage), which Hibernate"
            + " refuses before FieldVault sees the query: " + firstLine(m), "Encrypted values cannot be searched by"
            + " pattern, case or length. Remove the query or repository method (Spring Data: ...IgnoreCase,"
            + " ...Containing, ...StartingWith, ...EndingWith, ...Like, or query by example with ignoreCase/CONTAINING"
            + " on the attribute); search by exact value with a DETERMINISTIC attribute or a @BlindIndex (e.g."
            + " normalise the value to lower case before saving and searching). See the starter's README.", t);
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

  private static String firstLine(String m) {
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private String switchedOff() {
    if (environment == null) {
      return null;
    }
    if ("false".equalsIgnoreCase(environment.getProperty("fieldvault.enabled", "true").trim())) {
      return "fieldvault.enabled";
    }
    if ("false".equalsIgnoreCase(environment.getProperty("fieldvault.hibernate.enabled", "true").trim())) {
      return "fieldvault.hibernate.enabled";
    }
    return null;
  }
}
