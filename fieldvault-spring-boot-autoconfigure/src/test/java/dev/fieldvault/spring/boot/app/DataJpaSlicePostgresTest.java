package dev.fieldvault.spring.boot.app;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class DataJpaSlicePostgresTest extends DataJpaSliceTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.POSTGRES, registry);
  }
}
