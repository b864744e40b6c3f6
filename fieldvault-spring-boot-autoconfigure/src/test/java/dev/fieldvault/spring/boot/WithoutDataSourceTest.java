package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.secrets.SecretsVault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * An application without a database (keyset files, no DataSource): the keys load, and the parts that
 * need a database (FieldVault's Liquibase, the secrets vault, the rotation job) stay off instead of
 * failing the start, although vault-secrets and Liquibase are on the class path.
 */
class WithoutDataSourceTest {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({FieldVaultAutoConfiguration.class, FieldVaultActuatorAutoConfiguration.class})
  static class NoDatabaseApp {}

  @TempDir Path dir;

  @Test
  void keysetFiles_withoutADataSource_startWithTheKeysOnly() {
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(NoDatabaseApp.class)
        .web(WebApplicationType.NONE).properties(
            "fieldvault.kek.master-secret=" + dev.fieldvault.spring.boot.app.Tables.MASTER_SECRET,
            "fieldvault.keys.store=files", "fieldvault.keys.create-if-missing=true",
            "fieldvault.keys.files.aead=" + dir.resolve("aead.json"),
            "fieldvault.keys.files.deterministic=" + dir.resolve("daead.json"),
            "fieldvault.keys.files.prf=" + dir.resolve("prf.json")).run()) {
      FieldVaultKeys keys = ctx.getBean(FieldVaultKeys.class);
      byte[] v = "x".getBytes(StandardCharsets.UTF_8);
      EncryptionContext c = EncryptionContext.of("T", "f");
      assertThat(keys.cipher().decrypt(keys.cipher().encrypt(v, c, EncryptionMode.DETERMINISTIC), c)).isEqualTo(v);
      assertThat(keys.dataSource()).isEmpty();
      assertThat(ctx.getBeansOfType(SecretsVault.class)).isEmpty();
      assertThat(ctx.getBeansOfType(FieldVaultRotation.class)).isEmpty();
      assertThat(ctx.containsBean("fieldVaultLiquibase")).isFalse();
      assertThat(dir.resolve("aead.json")).exists();
    }
  }
}
