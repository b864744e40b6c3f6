package dev.fieldvault.spring.boot.secrets;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class SecretsStarterH2Test extends SecretsStarterTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.H2, registry);
  }
}
