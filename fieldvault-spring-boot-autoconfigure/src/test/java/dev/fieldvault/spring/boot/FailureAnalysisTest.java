package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.keys.KeyEncryptionKeys;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.KeysetSources;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.app.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Each bad FieldVault configuration fails the application's start (no context is left running) with
 * a failure analysis that says what is wrong and which property to set, and never shows a secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalysisTest {

  static final String OTHER_SECRET = "another-test-master-secret-9876543210-zyxwvu";

  @TempDir Path dir;

  /** Starts the test application on a fresh in-memory H2 database with these properties; returns the analysis. */
  static FailureAnalysis startFailing(String... properties) {
    List<String> all = new ArrayList<>(List.of(
        "spring.datasource.url=jdbc:h2:mem:fa" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1",
        "spring.liquibase.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop",
        "fieldvault.kek.master-secret-env=FIELDVAULT_TEST_UNSET_VARIABLE_H14", "fieldvault.keys.refresh-interval=0s"));
    all.addAll(List.of(properties));
    Throwable failure = catchThrowable(() -> {
      ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class)
          .web(WebApplicationType.NONE).properties(all.toArray(String[]::new)).run();
      ctx.close();
    });
    assertThat(failure).as("the application must not start").isNotNull();
    FailureAnalysis analysis = new FieldVaultFailureAnalyzer(null).analyze(failure);
    assertThat(analysis).as("FieldVault's analysis of " + failure).isNotNull();
    return analysis;
  }

  @Test
  void noMasterSecret_namesTheVariableAndTheProperties(CapturedOutput output) {
    FailureAnalysis a = startFailing();
    assertThat(a.getDescription()).contains("No master secret").contains("FIELDVAULT_TEST_UNSET_VARIABLE_H14")
        .contains("not set");
    assertThat(a.getAction()).contains("FIELDVAULT_MASTER_SECRET").contains("fieldvault.kek.master-secret-env")
        .contains("openssl rand -base64 48");
    // Spring Boot found the analyzer through spring.factories and printed it instead of a stack trace
    assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START").contains("No master secret");
  }

  @Test
  void masterSecretTooShort_isRefused_withoutShowingIt() {
    FailureAnalysis a = startFailing("fieldvault.kek.master-secret=tooShort-1234");
    assertThat(a.getDescription()).contains("fieldvault.kek.master-secret").contains("at least 32 characters")
        .doesNotContain("tooShort-1234");
    assertThat(a.getAction()).contains("fieldvault.kek.master-secret").contains("openssl rand");
  }

  @Test
  void keysetFileUnderAnotherKek_saysWhichFileAndWhatToSet() throws Exception {
    Path aead = dir.resolve("aead.json");
    KeysetSources.encryptedFile(aead, KeyEncryptionKeys.fromMasterSecret(OTHER_SECRET))
        .store(VaultKeyset.generate("file-aead", KeyPurpose.AEAD));
    FailureAnalysis a = startFailing("fieldvault.kek.master-secret=" + dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET,
        "fieldvault.keys.store=files", "fieldvault.keys.aead=file-aead", "fieldvault.keys.deterministic=",
        "fieldvault.keys.prf=", "fieldvault.keys.files.aead=" + aead, "fieldvault.secrets.enabled=false",
        "fieldvault.rotation.enabled=false", "fieldvault.liquibase.enabled=false");
    assertThat(a.getDescription()).contains(aead.toString()).contains("fieldvault.keys.files.aead")
        .contains("another key-encryption key");
    assertThat(a.getAction()).contains("fieldvault.kek").contains("fieldvault.keys.files.aead");
    assertThat(a.getDescription() + a.getAction()).doesNotContain(OTHER_SECRET)
        .doesNotContain(dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET);
    assertThat(Files.readString(aead)).contains("file-aead"); // the file was left as it was
  }

  @Test
  void unknownKeysetName_listsWhatTheKeyStoreHolds() {
    FailureAnalysis a = startFailing("fieldvault.kek.master-secret=" + dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET,
        "fieldvault.keys.aead=no-such-keyset");
    assertThat(a.getDescription()).contains("no keyset named 'no-such-keyset'").contains("fieldvault.keys.aead")
        .contains("fieldvault_keyset");
    assertThat(a.getAction()).contains("fieldvault.keys.aead").contains("keys generate")
        .contains("fieldvault.keys.create-if-missing=true");
  }

  @Test
  void unreachableKms_namesTheKeyUriAndWhatToCheck() {
    String uri = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    System.setProperty("aws.accessKeyId", "AKIDTESTONLY");
    System.setProperty("aws.secretAccessKey", "test-only-not-a-secret");
    try {
      FailureAnalysis a = startFailing("fieldvault.kek.kms-key-uri=" + uri, "fieldvault.kek.kms-region=eu-west-1",
          "fieldvault.kek.kms-endpoint=http://127.0.0.1:1", "fieldvault.keys.create-if-missing=true");
      assertThat(a.getDescription()).contains(uri).contains("fieldvault.kek.kms-key-uri").contains("could not be used");
      assertThat(a.getAction()).contains("fieldvault.kek.kms-endpoint").contains("network");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }
}
