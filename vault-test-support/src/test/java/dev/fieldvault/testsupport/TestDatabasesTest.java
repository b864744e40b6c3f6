package dev.fieldvault.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TestDatabasesTest {

  private static final Properties NO_PROPERTIES = new Properties();

  @Test
  void withoutEnvironment_theLocalPostgresOnItsDefaultPortIsTriedFirst() {
    List<TestDatabase> c = TestDatabases.candidates(Kind.POSTGRES, Map.<String, String>of()::get, NO_PROPERTIES);

    assertThat(c).singleElement().satisfies(db -> {
      assertThat(db.url()).startsWith("jdbc:postgresql://127.0.0.1:5432/test");
      assertThat(db.user()).isEqualTo("postgres");
      assertThat(db.password()).isEmpty();
    });
  }

  @Test
  void withoutEnvironment_theLocalMariadbOnItsDefaultPortIsTriedFirst() {
    List<TestDatabase> c = TestDatabases.candidates(Kind.MARIADB, Map.<String, String>of()::get, NO_PROPERTIES);

    assertThat(c).singleElement().satisfies(db -> {
      assertThat(db.url()).startsWith("jdbc:mariadb://127.0.0.1:3306/test");
      assertThat(db.user()).isEqualTo("root");
      assertThat(db.password()).isEmpty();
    });
  }

  @Test
  void anEnvironmentUrl_isUsedAlone_withoutTheDefaultPort() {
    Map<String, String> env = Map.of("FIELDVAULT_TEST_MARIADB_URL", "jdbc:mariadb://db.example:3307/fv",
        "FIELDVAULT_TEST_MARIADB_USER", "app", "FIELDVAULT_TEST_MARIADB_PASSWORD", "pw");

    List<TestDatabase> c = TestDatabases.candidates(Kind.MARIADB, env::get, NO_PROPERTIES);

    assertThat(c).singleElement().satisfies(db -> {
      assertThat(db.url()).isEqualTo("jdbc:mariadb://db.example:3307/fv");
      assertThat(db.user()).isEqualTo("app");
      assertThat(db.password()).isEqualTo("pw");
    });
  }

  @Test
  void theDefaultPortProbe_isTurnedOffByTheVariableOrTheProperty() {
    Map<String, String> off = Map.of(TestDatabases.DEFAULT_PORTS_ENV, "off");
    Properties propertyOff = new Properties();
    propertyOff.setProperty(TestDatabases.DEFAULT_PORTS_PROPERTY, "false");

    assertThat(TestDatabases.candidates(Kind.POSTGRES, off::get, NO_PROPERTIES)).isEmpty();
    assertThat(TestDatabases.candidates(Kind.POSTGRES, Map.<String, String>of()::get, propertyOff)).isEmpty();
  }
}
