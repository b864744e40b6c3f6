package dev.fieldvault.spring.boot;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class EndpointInventoryPostgresTest extends EndpointInventoryTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.POSTGRES, registry);
  }
}
