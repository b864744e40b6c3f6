package dev.fieldvault.spring.boot.ignorecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/**
 * Spring Boot 3.5: Spring Data checks derived queries while creating the repository, so a declared
 * {@code findByEmailIgnoreCase} on a BINARY-stored {@code @Encrypted} attribute stops the start-up with
 * Hibernate's type error; FieldVault's failure analysis explains it and says what to use instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class IgnoreCaseStartupTest {

  @Configuration
  @EnableAutoConfiguration
  @EntityScan(basePackageClasses = Patient.class)
  @EnableJpaRepositories(basePackageClasses = IgnoreCaseRepository.class)
  static class App {}

  @Test
  void aDeclaredIgnoreCaseMethod_stopsTheStartUp_withFieldVaultsExplanation(CapturedOutput output) {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.datasource.url=jdbc:h2:mem:ignorecase;DB_CLOSE_DELAY=-1", "spring.liquibase.enabled=false",
            "spring.jpa.hibernate.ddl-auto=create-drop", "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
            "fieldvault.keys.create-if-missing=true", "fieldvault.keys.refresh-interval=0s",
            "fieldvault.secrets.enabled=false")
        .run().close());
    assertThat(failure).as("the application must not start").isNotNull();
    assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
        .contains("@Encrypted attribute stored as BINARY").contains("IgnoreCase").contains("@BlindIndex");
  }
}
