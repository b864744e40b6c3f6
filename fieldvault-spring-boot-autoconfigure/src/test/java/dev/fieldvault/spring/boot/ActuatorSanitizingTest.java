package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The master secret is never shown by Actuator's {@code env} and {@code configprops} endpoints, even
 * with {@code show-values=ALWAYS} (which an operator may turn on to debug): FieldVault's
 * {@code SanitizingFunction} masks it, while other values are still shown.
 */
@SpringBootTest(classes = TestApp.class, properties = {
    "spring.datasource.url=jdbc:h2:mem:actuatorsanitizing;DB_CLOSE_DELAY=-1", "spring.jpa.hibernate.ddl-auto=create-drop", "spring.liquibase.enabled=false",
    "fieldvault.keys.create-if-missing=true", "fieldvault.keys.refresh-interval=0s",
    "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
    "management.endpoint.env.show-values=ALWAYS", "management.endpoint.configprops.show-values=ALWAYS",
    "management.endpoints.access.default=unrestricted", "management.endpoints.web.exposure.include=env,configprops",
    "fieldvault.secrets.table-prefix=fv_sanitized_"})
class ActuatorSanitizingTest {

  @Autowired EnvironmentEndpoint env;
  @Autowired org.springframework.context.ApplicationContext context;

  @Test
  void envEndpoint_masksTheMasterSecret_andShowsOtherValues() {
    List<Object> secretValues = new ArrayList<>();
    Object prefix = null;
    for (EnvironmentEndpoint.PropertySourceDescriptor source : env.environment(null).getPropertySources()) {
      var secret = source.getProperties().get("fieldvault.kek.master-secret");
      if (secret != null) {
        secretValues.add(secret.getValue());
      }
      var other = source.getProperties().get("fieldvault.secrets.table-prefix");
      if (other != null) {
        prefix = other.getValue();
      }
    }
    assertThat(secretValues).as("the property is listed, masked").isNotEmpty().containsOnly("******");
    assertThat(prefix).as("show-values=ALWAYS still shows other values").isEqualTo("fv_sanitized_");
    assertThat(env.environmentEntry("fieldvault.kek.master-secret").toString()).doesNotContain(Tables.MASTER_SECRET);
    assertThat(String.valueOf(env.environmentEntry("fieldvault.kek.master-secret").getProperty().getValue()))
        .isEqualTo("******");
  }

  /**
   * The function Boot's {@code configprops} endpoint applies (its JSON output needs a JSON library this
   * module's tests do not have), with the keys it passes: a bean property ({@code masterSecret}) and the
   * property's name; also the environment variable holding the secret, and a secret pasted into
   * {@code master-secret-env}.
   */
  @Test
  void theRegisteredSanitizingFunction_masksSecretKeysInEveryForm_andNothingElse() {
    org.springframework.boot.actuate.endpoint.SanitizingFunction f = context.getBean("fieldVaultSanitizingFunction",
        org.springframework.boot.actuate.endpoint.SanitizingFunction.class);
    for (String key : List.of("masterSecret", "fieldvault.kek.master-secret", "fieldvault.kek.masterSecret",
        "FIELDVAULT_KEK_MASTERSECRET", "FIELDVAULT_MASTER_SECRET")) {
      assertThat(f.apply(new SanitizableData(null, key, Tables.MASTER_SECRET)).getValue()).as(key).isEqualTo("******");
    }
    assertThat(f.apply(new SanitizableData(null, "masterSecretEnv", Tables.MASTER_SECRET)).getValue())
        .isEqualTo("******");
    assertThat(f.apply(new SanitizableData(null, "fieldvault.kek.kms-key-uri", Tables.MASTER_SECRET)).getValue())
        .isEqualTo("******");
    assertThat(f.apply(new SanitizableData(null, "masterSecretEnv", "FIELDVAULT_MASTER_SECRET")).getValue())
        .isEqualTo("FIELDVAULT_MASTER_SECRET");
    assertThat(f.apply(new SanitizableData(null, "fieldvault.kek.kms-key-uri", "aws-kms://arn:aws:kms:eu-west-1:1:key/k"))
        .getValue()).isEqualTo("aws-kms://arn:aws:kms:eu-west-1:1:key/k");
    assertThat(f.apply(new SanitizableData(null, "tablePrefix", "fv_sanitized_")).getValue()).isEqualTo("fv_sanitized_");
  }
}
