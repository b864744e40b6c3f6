package dev.fieldvault.sample.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The sample as its README shows it, over HTTP: owners saved and found by an encrypted last name and a
 * blind-indexed telephone, the columns holding ciphertext, an OAuth token in the secrets vault, the
 * health and the metrics, and a rotation started through {@code POST /actuator/fieldvault} that
 * completes while two clients keep sending requests, leaving no value on the old keys.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "fieldvault.kek.master-secret=sample-test-only-master-secret-0123456789",
    "fieldvault.keys.table-prefix=pcs_fv_", "fieldvault.secrets.table-prefix=pcs_secret_",
    "fieldvault.liquibase.change-log-table=pcs_databasechangelog",
    "fieldvault.liquibase.change-log-lock-table=pcs_databasechangeloglock",
    "spring.liquibase.database-change-log-table=pcs_app_databasechangelog",
    "spring.liquibase.database-change-log-lock-table=pcs_app_databasechangeloglock",
    "fieldvault.keys.refresh-interval=0s"})
abstract class PetClinicTest {

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String t : List.of("pc_pet", "pc_owner", "pcs_secret_audit_head", "pcs_secret_audit", "pcs_secret_version",
          "pcs_secret_entry", "pcs_secret_store", "pcs_secret_task_lease", "pcs_fv_rotation_range", "pcs_fv_rotation", "pcs_fv_keyset",
          "pcs_databasechangelog", "pcs_databasechangeloglock", "pcs_app_databasechangelog",
          "pcs_app_databasechangeloglock")) {
        st.execute("DROP TABLE IF EXISTS " + t);
      }
      for (String s : List.of("pc_owner_seq", "pc_pet_seq")) {
        try {
          st.execute("DROP SEQUENCE IF EXISTS " + s);
        } catch (SQLException e) {
          // absent
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
  }

  @Autowired Environment env;
  @Autowired DataSource dataSource;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private String base() {
    return "http://127.0.0.1:" + env.getProperty("local.server.port");
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String owner(String first, String last, String phone) {
    return "{\"firstName\":\"" + first + "\",\"lastName\":\"" + last + "\",\"address\":\"1 " + last
        + " Street, Springfield\",\"telephone\":\"" + phone + "\"}";
  }

  @Test
  void theSampleServes_encrypts_andRotatesWhileServing() throws Exception {
    HttpResponse<String> davis = send("POST", "/owners", owner("Betty", "Davis", "6085551749"));
    assertThat(davis.statusCode()).isEqualTo(201);
    long davisId = Long.parseLong(match("\"id\":(\\d+)", davis.body()));
    assertThat(send("POST", "/owners/" + davisId + "/pets",
        "{\"name\":\"Leo\",\"type\":\"cat\",\"birthDate\":\"2020-09-07\",\"notes\":\"Allergic to penicillin.\"}")
        .statusCode()).isEqualTo(201);
    for (int i = 0; i < 150; i++) {
      assertThat(send("POST", "/owners", owner("First" + i, "Last" + i, "555" + (1000 + i))).statusCode()).isEqualTo(201);
    }

    // queries on encrypted attributes: a deterministic one, and a blind index
    String found = send("GET", "/owners?lastName=Davis", null).body();
    assertThat(found).contains("\"firstName\":\"Betty\"").contains("\"name\":\"Leo\"").contains("2020-09-07");
    assertThat(send("GET", "/owners/by-telephone?telephone=6085551749", null).body()).contains("\"lastName\":\"Davis\"");

    // the columns hold ciphertext
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_name, address FROM pc_owner WHERE id = " + davisId)) {
      assertThat(rs.next()).isTrue();
      assertThat(CiphertextHeader.parse(rs.getBytes(1)).mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
      assertThat(new String(rs.getBytes(2), StandardCharsets.ISO_8859_1)).doesNotContain("Springfield");
    }

    // an OAuth token in the secrets vault: stored, described, never echoed
    assertThat(send("PUT", "/owners/" + davisId + "/oauth/github",
        "{\"access_token\":\"gho_SAMPLEonly\",\"refresh_token\":\"ghr_SAMPLEonly\"}").body()).contains("\"version\":1");
    String token = send("GET", "/owners/" + davisId + "/oauth/github", null).body();
    assertThat(token).contains("\"status\":\"OK\"").contains("\"hasRefreshToken\":true").doesNotContain("SAMPLEonly");

    String health = send("GET", "/actuator/health", null).body();
    String fieldvault = health.substring(health.indexOf("\"fieldvault\":{"), health.indexOf("\"livenessState\""));
    assertThat(fieldvault).endsWith("\"status\":\"UP\"},").contains("\"intact\":true").contains("app-aead");

    // a rotation started through the endpoint while two clients keep reading and writing
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger served = new AtomicInteger();
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Thread> clients = List.of(new Thread(() -> {
      int i = 0;
      while (!stop.get()) {
        try {
          HttpResponse<String> r = send("GET", "/owners?lastName=Last" + (i++ % 150), null);
          if (r.statusCode() != 200 || !r.body().contains("\"firstName\":\"First")) {
            errors.add(r.statusCode() + " " + r.body());
          }
          served.incrementAndGet();
        } catch (Exception e) {
          errors.add(e.toString());
        }
      }
    }), new Thread(() -> {
      int i = 0;
      while (!stop.get()) {
        try {
          HttpResponse<String> r = send("POST", "/owners", owner("New" + i, "During" + i, "777" + i++));
          if (r.statusCode() != 201) {
            errors.add(r.statusCode() + " " + r.body());
          }
          served.incrementAndGet();
        } catch (Exception e) {
          errors.add(e.toString());
        }
      }
    }));
    clients.forEach(Thread::start);
    String status;
    try {
      Thread.sleep(300);
      HttpResponse<String> started = send("POST", "/actuator/fieldvault", "{}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
      assertThat(started.body()).contains("\"state\":\"RUNNING\"");
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      do {
        Thread.sleep(250);
        status = send("GET", "/actuator/fieldvault", null).body();
      } while (status.contains("\"state\":\"RUNNING\"") && System.nanoTime() < deadline);
    } finally {
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }
    }
    assertThat(errors).isEmpty();
    assertThat(served.get()).isPositive();
    assertThat(status).contains("\"state\":\"COMPLETED\"").contains("\"valuesOffPrimary\":0");
    // every counted value is under a primary key (the inventory names keys "keyset#n (primary)")
    Matcher m = Pattern.compile("\"(app-[a-z]+#\\d+[^\"]*)\":\\d+").matcher(status);
    int keys = 0;
    while (m.find()) {
      assertThat(m.group(1)).endsWith("(primary)");
      keys++;
    }
    assertThat(keys).isPositive();
    assertThat(status).doesNotContain("Davis").doesNotContain("gho_SAMPLEonly");
    assertThat(send("GET", "/owners?lastName=Davis", null).body()).contains("\"firstName\":\"Betty\"");

    String metric = send("GET", "/actuator/metrics/fieldvault.cipher.encrypt", null).body();
    assertThat(metric).contains("\"name\":\"fieldvault.cipher.encrypt\"").contains("COUNT");
    assertThat(send("GET", "/actuator/metrics/fieldvault.rotation.rows", null).body()).contains("rewrapped");
  }

  static String match(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }
}
