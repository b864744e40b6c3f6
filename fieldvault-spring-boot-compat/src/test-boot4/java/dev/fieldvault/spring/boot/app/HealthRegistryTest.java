package dev.fieldvault.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring Boot 4.0's health endpoint has the fieldvault indicator: UP, then DOWN with the reason. */
@SpringBootTest(classes = TestApp.class, properties = {"fieldvault.keys.refresh-interval=0s",
    "management.endpoint.health.show-details=always"})
class HealthRegistryTest {

  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    var db = TestDatabases.h2();
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired HealthEndpoint health;
  @Autowired DataSource dataSource;

  @Test
  void fieldvaultHealth_isUp_thenDownWithTheReason() throws Exception {
    IndicatedHealthDescriptor up = (IndicatedHealthDescriptor) health.healthForPath("fieldvault");
    assertThat(up.getStatus().getCode()).isEqualTo("UP");
    assertThat(up.getDetails()).containsKey("keys");
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM sbt_fv_keyset WHERE name = 'app-prf'");
    }
    IndicatedHealthDescriptor down = (IndicatedHealthDescriptor) health.healthForPath("fieldvault");
    assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
    assertThat(down.getDetails().get("reason").toString()).contains("app-prf").contains("no longer in sbt_fv_keyset");
  }
}
