package dev.fieldvault.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldvault.testsupport.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring Boot 3.5 over HTTP (the installed starter): {@code GET /actuator/fieldvault} shows keysets and
 * the inventory and nothing secret, {@code POST /actuator/fieldvault} starts a rotation that completes
 * while the application writes and reads, leaving no value under the old keys, and
 * {@code /actuator/health/fieldvault} is UP.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "fieldvault.keys.refresh-interval=0s", "fieldvault.rotation.promotion-delay=0s",
    "fieldvault.endpoint.write-operations=true", "management.endpoints.web.exposure.include=health,fieldvault",
    "management.endpoint.health.show-details=always"})
class Boot35EndpointHttpTest {

  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) {
    var db = TestDatabases.h2();
    Tables.drop(db, "sbt_");
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  @LocalServerPort int port;
  @Autowired PatientRepository patients;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endpointOverHttp_showsNoSecret_andARotationStartedByPostCompletesWhileTheAppWrites() throws Exception {
    for (int i = 0; i < 50; i++) {
      patients.save(new Patient("h" + i + "@example.com", "Http Patient " + i, "+1 555 01" + i));
    }
    HttpResponse<String> before = send("GET", "/actuator/fieldvault", null);
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.body()).contains("app-aead").contains("sbt_patient")
        .doesNotContain(Tables.MASTER_SECRET).doesNotContain("Http Patient").doesNotContain("@example.com");
    JsonNode report = json.readTree(before.body());
    int oldPrimary = report.get("keysets").get(0).get("primary").asInt();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Thread writer = new Thread(() -> {
      int n = 0;
      while (!stop.get()) {
        try {
          patients.save(new Patient("w" + n + "@example.com", "Writer " + n, "+1 555 02" + n));
          assertThat(patients.findByEmail("h" + (n % 50) + "@example.com")).hasSize(1);
          writes.incrementAndGet();
          n++;
        } catch (Throwable e) {
          errors.add(e);
          return;
        }
      }
    });
    writer.start();
    JsonNode status;
    try {
      HttpResponse<String> started = send("POST", "/actuator/fieldvault", "{\"promote\": true}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      do {
        Thread.sleep(200);
        status = json.readTree(send("GET", "/actuator/fieldvault", null).body()).get("rotation");
      } while ("RUNNING".equals(status.get("state").asText()) && System.nanoTime() < deadline);
    } finally {
      stop.set(true);
      writer.join(30_000);
    }
    assertThat(errors).isEmpty();
    assertThat(writes.get()).isPositive();
    assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("COMPLETED");
    assertThat(status.get("valuesOffPrimary").asLong()).isZero();

    JsonNode after = json.readTree(send("GET", "/actuator/fieldvault", null).body());
    assertThat(after.get("keysets").get(0).get("primary").asInt()).isNotEqualTo(oldPrimary);
    for (JsonNode column : after.get("inventory")) {
      column.get("values").fieldNames().forEachRemaining(key ->
          assertThat(key).as(column.get("column").asText()).endsWith("(primary)"));
    }
    HttpResponse<String> health = send("GET", "/actuator/health/fieldvault", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("UP");
  }
}
