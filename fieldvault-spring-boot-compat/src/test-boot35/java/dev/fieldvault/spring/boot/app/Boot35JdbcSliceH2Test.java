package dev.fieldvault.spring.boot.app;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class Boot35JdbcSliceH2Test extends Boot35JdbcSliceTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    JdbcSliceChecks.database(TestDatabases.Kind.H2, registry);
  }
}
