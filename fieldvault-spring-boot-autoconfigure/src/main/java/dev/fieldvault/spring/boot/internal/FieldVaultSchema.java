package dev.fieldvault.spring.boot.internal;

import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.factory.InitializingBean;

/**
 * Applies FieldVault's changelogs with the application's Liquibase when the bean starts. Deliberately
 * not a {@link SpringLiquibase} bean itself: Spring Boot's Liquibase auto-configuration backs off when
 * the context has one, and the application's own changelog would then never run.
 */
public final class FieldVaultSchema implements InitializingBean {

  private final SpringLiquibase liquibase;

  public FieldVaultSchema(SpringLiquibase liquibase) {
    this.liquibase = liquibase;
  }

  @Override
  public void afterPropertiesSet() throws Exception {
    liquibase.afterPropertiesSet();
  }

  /** The change log applied. */
  public String changeLog() {
    return liquibase.getChangeLog();
  }
}
