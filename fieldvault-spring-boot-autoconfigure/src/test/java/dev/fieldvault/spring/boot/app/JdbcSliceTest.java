package dev.fieldvault.spring.boot.app;

import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring Boot 4.0's JDBC test slice: {@code @JdbcTest} loads FieldVault's auto-configuration (it is in
 * the slice's imports file) with no JPA: the keys, FieldVault's tables applied by its Liquibase, the
 * JDBC wrapper on the slice's DataSource for the application's {@code EncryptedColumns} bean, and the
 * secrets vault ({@link JdbcSliceChecks}). One subclass per database.
 */
@JdbcTest(properties = {"fieldvault.keys.refresh-interval=0s", "fieldvault.jdbc.enabled=true",
    "fieldvault.secrets.create-stores=slice-store"})
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(JdbcSliceChecks.Columns.class)
@Transactional(propagation = Propagation.NOT_SUPPORTED) // committed, so the check through the bare pool sees the rows
abstract class JdbcSliceTest {

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
