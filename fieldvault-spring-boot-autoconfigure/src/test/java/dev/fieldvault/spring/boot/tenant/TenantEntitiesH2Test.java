package dev.fieldvault.spring.boot.tenant;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class TenantEntitiesH2Test extends TenantEntitiesTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.H2, registry);
  }
}
