package dev.fieldvault.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.spring.boot.FieldVaultAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** The starter under test is the installed jar, on the Spring Boot, Hibernate and Liquibase this run asked for. */
class PublishedJarTest {

  @Test
  void theStarterComesFromTheInstalledJar_onTheRequestedLines() {
    String where = FieldVaultAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toString();
    assertThat(where).contains("/dev/fieldvault/fieldvault-spring-boot-autoconfigure/").endsWith(".jar")
        .doesNotContain("/target/classes");
    assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("fieldvault.expected.boot.version"));
    assertThat(org.hibernate.Version.getVersionString())
        .isEqualTo(System.getProperty("fieldvault.expected.hibernate.version"));
    assertThat(liquibase.util.LiquibaseUtil.getBuildVersion())
        .isEqualTo(System.getProperty("fieldvault.expected.liquibase.version"));
  }
}
