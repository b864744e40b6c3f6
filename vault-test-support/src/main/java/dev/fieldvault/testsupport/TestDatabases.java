package dev.fieldvault.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place tests get a database from, for H2, PostgreSQL and MariaDB.
 *
 * <ol>
 *   <li>Environment variables first: {@code FIELDVAULT_TEST_POSTGRES_URL} / {@code _USER} /
 *       {@code _PASSWORD} and {@code FIELDVAULT_TEST_MARIADB_URL} / {@code _USER} / {@code _PASSWORD}
 *       ({@code .ci/run} points them at the local services);
 *   <li>else Testcontainers, when a Docker engine is available;
 *   <li>else the test is skipped with a message, except under {@code CI=true}, where a database that
 *       cannot be reached fails the test: CI never passes by skipping.
 * </ol>
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

  /** Whether CI=true: unreachable databases fail instead of skipping. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static synchronized TestDatabase server(Kind kind) {
    TestDatabase db = SERVERS.get(kind);
    if (db != null) {
      return db;
    }
    String prefix = "FIELDVAULT_TEST_" + (kind == Kind.POSTGRES ? "POSTGRES" : "MARIADB");
    String url = System.getenv(prefix + "_URL");
    String why;
    if (url != null && !url.isBlank()) {
      db = new TestDatabase(kind, url, envOr(prefix + "_USER", ""), envOr(prefix + "_PASSWORD", ""));
      why = checkReachable(db);
    } else if (Containers.dockerAvailable()) {
      db = Containers.start(kind);
      why = checkReachable(db);
    } else {
      why = prefix + "_URL is not set and no Docker engine is available for Testcontainers";
    }
    if (why != null) {
      String message = kind + " test database unavailable: " + why;
      if (isCi()) {
        throw new IllegalStateException(message + " (CI=true: a missing database is a failure, not a skip;"
            + " start the service or set " + prefix + "_URL)");
      }
      Assumptions.abort(message);
    }
    SERVERS.put(kind, db);
    return db;
  }

  private static String checkReachable(TestDatabase db) {
    try (Connection c = db.connect()) {
      return c.isValid(5) ? null : "connection is not valid";
    } catch (SQLException e) {
      return "cannot connect to " + db.url() + ": " + e.getMessage();
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
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
