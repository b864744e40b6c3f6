package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.spring.boot.app.TestApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A master secret pasted by mistake into a {@code fieldvault.kek.*} property that names where the
 * secret is (a variable, a file, a KMS key) is never echoed: not in the failure report, not in the
 * exceptions (Spring logs them before the report), not anywhere in the output of the failed start.
 */
@ExtendWith(OutputCaptureExtension.class)
class KekSecretNotEchoedTest {

  /** Shapes of real secrets: `openssl rand -base64 48` (with + and /), one starting with '/', letters and digits. */
  static List<String> secrets() {
    return List.of("OBKe8KVf2xF2MBVveQSebZWhvllb4ccnlvuZDKg8WTp2hEAhI3ZFc3RCdYktO+xP/h14b",
        "/Zq3vJ8sLk2Wm9Rt4Yp7Xc1Nb6Ha0Gd5Fe/Uo2Ti8Qw3Ev4Rz",
        "kR7tYq2WzX9vBn4MpL6sJd3HgF8cVa1ZeQ0uIo5OyT7rE2wNb9Xm",
        "FIELDVAULTxSECRETx9f8e7d6c5b4a3F2E1D0C9B8A7");
  }

  static List<String> properties() {
    return List.of("fieldvault.kek.master-secret-env", "fieldvault.kek.master-secret-file", "fieldvault.kek.kms-key-uri");
  }

  static List<org.junit.jupiter.params.provider.Arguments> cases() {
    return properties().stream().flatMap(p -> secrets().stream()
        .map(s -> org.junit.jupiter.params.provider.Arguments.of(p, s))).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aSecretInAPropertyNamingWhereTheSecretIs_isNeverEchoed(String property, String secret, CapturedOutput output) {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.datasource.url=jdbc:h2:mem:kse" + UUID.randomUUID().toString().replace("-", "")
                + ";DB_CLOSE_DELAY=-1",
            "spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop",
            "fieldvault.keys.refresh-interval=0s", "fieldvault.keys.create-if-missing=true", property + "=" + secret)
        .run().close());
    assertThat(failure).as("the application must not start").isNotNull();
    FailureAnalysis analysis = new FieldVaultFailureAnalyzer(null).analyze(failure);
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).contains(property).contains("not shown");
    assertThat(analysis.getAction()).contains(property).contains("rotate");
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
        .doesNotContain(secret);
    assertThat(trace.toString() + analysis.getDescription() + analysis.getAction()).doesNotContain(secret);
  }

  /** A long variable name that is not shown (it could be a secret) still works when the variable is set. */
  @org.junit.jupiter.api.Test
  void aLongMixedCaseVariableName_isStillUsed() {
    FieldVaultProperties.Kek kek = new FieldVaultProperties.Kek();
    String name = "my_company_fieldvault_master_secret_production";
    kek.setMasterSecretEnv(name);
    var created = dev.fieldvault.spring.boot.internal.KekFactory.create(kek,
        v -> v.equals(name) ? dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET : null);
    assertThat(created.id()).isEqualTo(
        dev.fieldvault.keys.KeyEncryptionKeys.fromMasterSecret(dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET).id());
  }
}
