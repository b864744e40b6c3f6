package dev.fieldvault.spring.boot.app;

import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureTestDatabase;
import org.springframework.boot.test.autoconfigure.jdbc.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring Boot 3.5's JDBC test slice (its own package names) with the installed starter: the same checks
 * as Boot 4.0's {@code JdbcSliceTest} ({@link JdbcSliceChecks}). One subclass per database.
 */
@JdbcTest(properties = {"fieldvault.keys.refresh-interval=0s", "fieldvault.jdbc.enabled=true",
    "fieldvault.secrets.create-stores=slice-store"})
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(JdbcSliceChecks.Columns.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
abstract class Boot35JdbcSliceTest {

  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired FieldVaultKeys keys;
  @Autowired SecretsVault secrets;

  @Test
  void jdbcTemplateInTheSlice_writesCiphertext_readsPlaintext_andSearchesTheDeterministicColumn() {
    JdbcSliceChecks.assertJdbcTemplateWritesCiphertext(jdbc, dataSource, keys);
  }

  @Test
  void theSecretsVaultIsABeanInTheSlice() {
    JdbcSliceChecks.assertSecretsVaultWorks(secrets, dataSource);
  }
}
