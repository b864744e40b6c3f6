package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/**
 * Start-up reports name the property the application set (a {@code fieldvault.*} one), not a
 * Hibernate-level key or another property.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class WrongPropertyReportTest {

  static FailureAnalysis start(String... properties) {
    String[] all = new String[properties.length + 1];
    all[0] = "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET;
    System.arraycopy(properties, 0, all, 1, properties.length);
    return FailureAnalysisTest.startFailing(all);
  }

  @Test
  void badPlaintextPolicy_namesTheStarterProperty() {
    FailureAnalysis a = start("fieldvault.hibernate.plaintext-policy=BOGUS");
    assertThat(a.getDescription()).contains("fieldvault.hibernate.plaintext-policy is 'BOGUS'")
        .contains("CIPHERTEXT_ONLY, MIGRATE or MIGRATE_AND_LOG").doesNotContain("fieldvault.plaintext_policy");
    assertThat(a.getAction()).contains("fieldvault.hibernate.plaintext-policy");
  }

  @Test
  void lowerCasePlaintextPolicy_isAccepted() {
    try (var ctx = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.datasource.url=jdbc:h2:mem:wp" + UUID.randomUUID().toString().replace("-", ""),
            "spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop",
            "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET, "fieldvault.keys.create-if-missing=true",
            "fieldvault.keys.refresh-interval=0s", "fieldvault.hibernate.plaintext-policy=migrate").run()) {
      assertThat(ctx.getBean(FieldVaultKeys.class)).isNotNull();
    }
  }

  @Test
  void twoPropertiesNamingOneKeyset_namesBoth() {
    FailureAnalysis a = start("fieldvault.keys.create-if-missing=true", "fieldvault.keys.aead=app-prf");
    assertThat(a.getDescription()).contains("fieldvault.keys.aead and fieldvault.keys.prf both name the keyset 'app-prf'");
    assertThat(a.getAction()).contains("fieldvault.keys.aead").contains("fieldvault.keys.prf");
  }

  @Test
  void liquibaseOffAndNoTables_saysHowToCreateThem() {
    FailureAnalysis a = start("fieldvault.liquibase.enabled=false");
    assertThat(a.getDescription()).contains("fieldvault_keyset").contains("does not exist")
        .contains("fieldvault.liquibase.enabled=false");
    assertThat(a.getAction()).contains("fieldvault.liquibase.enabled=true").contains("fieldvault-schema-<database>.sql")
        .contains("fieldvault schema install");
  }

  @Test
  void fieldVaultDisabled_withEncryptedEntities_saysItIsDisabled(
      org.springframework.boot.test.system.CapturedOutput output) {
    for (String off : new String[] {"fieldvault.enabled", "fieldvault.hibernate.enabled"}) {
      String[] properties = {"spring.datasource.url=jdbc:h2:mem:wp" + UUID.randomUUID().toString().replace("-", ""),
          "spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop", off + "=false"};
      Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
          .properties(properties).run().close());
      assertThat(failure).as("the application must not start").isNotNull();
      MockEnvironment env = new MockEnvironment().withProperty(off, "false");
      FailureAnalysis a = new FieldVaultFailureAnalyzer(env).analyze(failure);
      assertThat(a).isNotNull();
      assertThat(a.getDescription()).contains("@Encrypted").contains(off + " is false");
      assertThat(a.getAction()).contains("Remove " + off + "=false");
      // Spring Boot gave the analyzer the application's environment and printed this report
      assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains(off + " is false");
    }
  }
}
