package dev.fieldvault.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place tests get a database from, for H2, PostgreSQL and MariaDB.
 *
 * <ol>
 *   <li>Environment variables first: {@code FIELDVAULT_TEST_POSTGRES_URL} / {@code _USER} /
 *       {@code _PASSWORD} and {@code FIELDVAULT_TEST_MARIADB_URL} / {@code _USER} / {@code _PASSWORD}
 *       ({@code .ci/run} points them at the local services); a URL given here is used alone;
 *   <li>else the local services on their default ports: PostgreSQL at
 *       {@code jdbc:postgresql://127.0.0.1:5432/test} (user {@code postgres}, empty password) and
 *       MariaDB at {@code jdbc:mariadb://127.0.0.1:3306/test} (user {@code root}, empty password),
 *       unless {@code FIELDVAULT_TEST_DEFAULT_PORTS=off} (or {@code -Dfieldvault.test.defaultPorts=off})
 *       turns this probe off;
 *   <li>else Testcontainers, when a Docker engine is available;
 *   <li>else the test is skipped with a message, except under {@code CI=true}, where a database that
 *       cannot be reached fails the test: CI never passes by skipping.
 * </ol>
 *
 * <p>Fetch the database before any {@code assertThrows}/{@code assertThatThrownBy}: inside one, the
 * skip of an unavailable database would be caught as the expected exception (or reported as a failure).
 *
 * <p>H2 is always available: each call to {@link #h2()} gives a new private in-memory database.
 * The server databases are shared, so tests use table names of their own and drop them first.
 *
 * <p>Use it as {@code @ParameterizedTest @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")}.
 */
public final class TestDatabases {

  /** The databases FieldVault is tested on. */
  public enum Kind {
    H2, POSTGRES, MARIADB
  }

  /** The environment variable that turns the default-port probe off ({@code off}). */
  public static final String DEFAULT_PORTS_ENV = "FIELDVAULT_TEST_DEFAULT_PORTS";

  /** The system property that turns the default-port probe off ({@code off}); wins over the variable. */
  public static final String DEFAULT_PORTS_PROPERTY = "fieldvault.test.defaultPorts";

  private static final Map<Kind, TestDatabase> SERVERS = new EnumMap<>(Kind.class);

  private TestDatabases() {}

  /** Every kind, for parameterized tests. */
  public static Stream<Kind> all() {
    return Stream.of(Kind.values());
  }

  /** The server kinds (PostgreSQL and MariaDB). */
  public static Stream<Kind> servers() {
    return Stream.of(Kind.POSTGRES, Kind.MARIADB);
  }

  /** The database of a kind; skips (or, under CI=true, fails) when a server cannot be reached. */
  public static TestDatabase get(Kind kind) {
    switch (kind) {
      case H2:
        return h2();
      case POSTGRES:
      case MARIADB:
        return server(kind);
      default:
        throw new IllegalArgumentException(String.valueOf(kind));
    }
  }

  /** A fresh private in-memory H2 database, kept open until the JVM exits. */
  public static TestDatabase h2() {
    String url = "jdbc:h2:mem:fv" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    return new TestDatabase(Kind.H2, url, "sa", "");
  }

  /**
   * An H2 database in files under {@code directory} that other JVMs (a test's child processes) can
   * open at the same time ({@code AUTO_SERVER=TRUE}: the first process serves it to the others, and
   * keeps it open until it exits or runs {@code SHUTDOWN}, so killing a child that connected later
   * leaves it usable).
   */
  public static TestDatabase h2Shared(java.nio.file.Path directory) {
    String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("fv") + ";AUTO_SERVER=TRUE;DB_CLOSE_DELAY=-1";
    return new TestDatabase(Kind.H2, url, "sa", "");
  }

  /** Whether CI=true: unreachable databases fail instead of skipping. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static synchronized TestDatabase server(Kind kind) {
    TestDatabase db = SERVERS.get(kind);
    if (db != null) {
      return db;
    }
    List<String> tried = new ArrayList<>();
    for (TestDatabase candidate : candidates(kind, System::getenv, System.getProperties())) {
      String why = checkReachable(candidate);
      if (why == null) {
        SERVERS.put(kind, candidate);
        return candidate;
      }
      tried.add(why);
    }
    if (Containers.dockerAvailable()) {
      db = Containers.start(kind);
      String why = checkReachable(db);
      if (why == null) {
        SERVERS.put(kind, db);
        return db;
      }
      tried.add("Testcontainers: " + why);
    } else {
      tried.add("no Docker engine is available for Testcontainers");
    }
    String prefix = envPrefix(kind);
    String message = kind + " test database unavailable: " + String.join("; ", tried);
    if (isCi()) {
      throw new IllegalStateException(message + " (CI=true: a missing database is a failure, not a skip;"
          + " start the service or set " + prefix + "_URL)");
    }
    Assumptions.abort(message + " (set " + prefix + "_URL, start the local service, or Docker)");
    throw new AssertionError("unreachable");
  }

  /**
   * The databases to try for a server kind before Testcontainers, in order: the one the environment
   * names (alone, if it names one), else the local service on its default port unless the probe is
   * off. Package-private for the test of this order.
   */
  static List<TestDatabase> candidates(Kind kind, Function<String, String> env, Properties systemProperties) {
    String prefix = envPrefix(kind);
    String url = env.apply(prefix + "_URL");
    if (url != null && !url.isBlank()) {
      return List.of(new TestDatabase(kind, url, orEmpty(env.apply(prefix + "_USER")),
          orEmpty(env.apply(prefix + "_PASSWORD"))));
    }
    String probe = systemProperties.getProperty(DEFAULT_PORTS_PROPERTY, env.apply(DEFAULT_PORTS_ENV));
    if (probe != null && List.of("off", "false", "no", "0").contains(probe.trim().toLowerCase(Locale.ROOT))) {
      return List.of();
    }
    return List.of(kind == Kind.POSTGRES
        ? new TestDatabase(kind, "jdbc:postgresql://127.0.0.1:5432/test?connectTimeout=5", "postgres", "")
        : new TestDatabase(kind, "jdbc:mariadb://127.0.0.1:3306/test?connectTimeout=5000", "root", ""));
  }

  private static String envPrefix(Kind kind) {
    return "FIELDVAULT_TEST_" + (kind == Kind.POSTGRES ? "POSTGRES" : "MARIADB");
  }

  private static String checkReachable(TestDatabase db) {
    if (!portOpen(db.url())) {
      return "nothing listens at " + db.url();
    }
    try (Connection c = db.connect()) {
      return c.isValid(5) ? null : "connection is not valid";
    } catch (SQLException e) {
      return "cannot connect to " + db.url() + ": " + e.getMessage();
    }
  }

  /** A quick TCP check of the URL's host and port, so an absent service costs a second, not a driver timeout. */
  private static boolean portOpen(String url) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:[a-z]+://([^/:?]+)(?::(\\d+))?").matcher(url);
    if (!m.find()) {
      return true; // a form we do not parse: let the driver decide
    }
    int port = m.group(2) != null ? Integer.parseInt(m.group(2)) : (url.startsWith("jdbc:postgresql") ? 5432 : 3306);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(m.group(1), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String orEmpty(String v) {
    return v == null ? "" : v;
  }

  /** Testcontainers is touched only here, and only when the environment names no database. */
  private static final class Containers {
    static boolean dockerAvailable() {
      try {
        return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
      } catch (Throwable t) {
        return false;
      }
    }

    static TestDatabase start(Kind kind) {
      if (kind == Kind.POSTGRES) {
        var c = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:16-alpine");
        c.start();
        return new TestDatabase(kind, c.getJdbcUrl(), c.getUsername(), c.getPassword());
      }
      var c = new org.testcontainers.mariadb.MariaDBContainer("mariadb:10.11");
      c.start();
      return new TestDatabase(kind, c.getJdbcUrl(), c.getUsername(), c.getPassword());
    }
  }
}
