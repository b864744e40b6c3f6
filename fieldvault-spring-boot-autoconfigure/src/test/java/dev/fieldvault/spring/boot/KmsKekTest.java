package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.jdbc.keystore.StoredKeyset;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.PatientRepository;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.MotoServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code fieldvault.kek.kms-key-uri} against a reachable AWS KMS API (moto, a real server on
 * loopback): the keysets are created and stored wrapped by the KMS key, a second start unwraps them
 * through the KMS and reads what the first wrote, a disabled KMS key stops the start with FieldVault's
 * analysis, and the KMS client the starter made is closed with the context.
 */
class KmsKekTest {

  static MotoServer moto;
  static KmsClient admin;

  @BeforeAll
  static void start() {
    moto = MotoServer.start();
    admin = KmsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    // the starter's client uses the SDK's default credentials chain; system properties are part of it
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  @AfterAll
  static void stop() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (admin != null) {
      admin.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static String newKey() {
    return "aws-kms://" + admin.createKey(r -> r.keyUsage("ENCRYPT_DECRYPT").description("fieldvault starter test"))
        .keyMetadata().arn();
  }

  private static String[] properties(String url, String keyUri, String... more) {
    List<String> p = new ArrayList<>(List.of("spring.datasource.url=" + url, "spring.liquibase.enabled=false",
        "spring.jpa.hibernate.ddl-auto=update", "fieldvault.kek.kms-key-uri=" + keyUri,
        "fieldvault.kek.kms-region=us-east-1", "fieldvault.kek.kms-endpoint=" + moto.endpoint(),
        "fieldvault.keys.refresh-interval=0s", "fieldvault.secrets.enabled=false", "fieldvault.rotation.enabled=false"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  private static ConfigurableApplicationContext run(String... properties) {
    return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE).properties(properties).run();
  }

  @Test
  void keysetsWrappedByTheKmsKey_areReadBackThroughIt_andTheClientIsClosedWithTheContext() throws Exception {
    String keyUri = newKey();
    String url = "jdbc:h2:mem:kms" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    long id;
    FieldVaultKeys firstKeys;
    try (ConfigurableApplicationContext ctx = run(properties(url, keyUri, "fieldvault.keys.create-if-missing=true"))) {
      firstKeys = ctx.getBean(FieldVaultKeys.class);
      assertThat(firstKeys.kek().id()).isEqualTo("kms:" + keyUri);
      for (String name : new String[] {"app-aead", "app-daead", "app-prf"}) {
        StoredKeyset stored = firstKeys.keyStore().orElseThrow().find(name).orElseThrow();
        assertThat(stored.kekId()).as(name + " is stored under the KMS key").isEqualTo("kms:" + keyUri);
      }
      id = ctx.getBean(PatientRepository.class).save(new Patient("kms@example.com", "Kim Kms", "+1 555 0100")).id;
    }
    // the context closed the KMS client it made: the KEK can no longer reach the KMS
    Throwable afterClose = catchThrowable(() -> firstKeys.kek().aead()
        .encrypt("x".getBytes(StandardCharsets.UTF_8), new byte[0]));
    assertThat(afterClose).as("a call through the closed client").isNotNull();

    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT email, name FROM sbt_patient WHERE id = " + id)) {
      assertThat(rs.next()).isTrue();
      assertThat(CiphertextHeader.parse(rs.getBytes(1)).mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
      assertThat(new String(rs.getBytes(2), StandardCharsets.ISO_8859_1)).doesNotContain("Kim Kms");
    }

    // a second start, keys NOT created: they are unwrapped through the KMS and read the first run's values
    try (ConfigurableApplicationContext ctx = run(properties(url, keyUri))) {
      PatientRepository patients = ctx.getBean(PatientRepository.class);
      assertThat(patients.findById(id)).get().extracting(p -> p.name).isEqualTo("Kim Kms");
      assertThat(patients.findByEmail("kms@example.com")).extracting(p -> p.id).containsExactly(id);
    }

    // the KMS key disabled: the start fails with FieldVault's analysis naming the key, and nothing runs
    admin.disableKey(r -> r.keyId(keyUri.substring(keyUri.lastIndexOf("key/") + 4)));
    Throwable failure = catchThrowable(() -> run(properties(url, keyUri)).close());
    assertThat(failure).as("the start with a disabled KMS key").isNotNull();
    FailureAnalysis analysis = new FieldVaultFailureAnalyzer(null).analyze(failure);
    assertThat(analysis).as("FieldVault's analysis of " + failure).isNotNull();
    assertThat(analysis.getDescription()).contains(keyUri).contains("fieldvault.kek.kms-key-uri");
    assertThat(analysis.getAction()).contains("kms:Decrypt");
  }
}
