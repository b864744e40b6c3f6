package dev.fieldvault.spring.boot;

import dev.fieldvault.testsupport.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class EndpointSchedulerH2Test extends EndpointSchedulerTest {
  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    database(TestDatabases.Kind.H2, registry);
  }
}
