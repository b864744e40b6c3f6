package dev.fieldvault.spring.boot.app;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class Boot35JdbcSliceMariaDbTest extends Boot35JdbcSliceTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    JdbcSliceChecks.database(TestDatabases.Kind.MARIADB, registry);
  }
}
