package dev.fieldvault.spring.boot.tenant;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class TenantCreateIfMissingPostgresTest extends TenantCreateIfMissingTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.POSTGRES, registry);
  }
}
