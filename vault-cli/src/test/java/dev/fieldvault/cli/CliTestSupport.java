package dev.fieldvault.cli;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/** Runs the CLI in-process against a test database; every table starts with app_cli_. */
class CliTestSupport {

  static final String SECRET = "Rk7pQ2vL9sT0wB3nM6cX1yF8hJ4dG5aZ-uEoIiKq=";
  static final String NEW_SECRET = "Nq3Wm8Tz1Lp6Xv0Kc5Rb9Hs2Jd7Gf4Ya_eUoIiKq=";
  static final String VAULT_PREFIX = "app_cli_fv_";

  /** The databases the CLI is tested on. */
  static Stream<Kind> h2AndPostgres() {
    return Stream.of(Kind.H2, Kind.POSTGRES);
  }

  final Map<String, String> env = new HashMap<>(Map.of("FIELDVAULT_MASTER_SECRET", SECRET, "NEW_SECRET", NEW_SECRET));
  TestDatabase db;
  String out;
  String err;

  void use(Kind kind) {
    db = TestDatabases.get(kind);
    env.put("DB_PASSWORD", db.password());
  }

  /** The connection options for the test database. */
  List<String> dbArgs() {
    return List.of("--jdbc-url", db.url(), "--user", db.user(), "--password-env", "DB_PASSWORD");
  }

  int run(String... args) {
    return runWithInput("", args);
  }

  int runWithInput(String stdin, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = FieldVaultCli.execute(env::get, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(o, true), new PrintWriter(e, true), args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  /** A command with the database options appended. */
  int runDb(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(dbArgs());
    return run(all.toArray(String[]::new));
  }

  static void migrateSecrets(TestDatabase db, String prefix) throws Exception {
    db.dropTables(prefix + "version", prefix + "entry", prefix + "store", prefix + "audit", prefix + "audit_head",
        prefix + "task_lease", prefix + "databasechangelog", prefix + "databasechangeloglock");
    try (Connection c = db.connect()) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      database.setDatabaseChangeLogTableName(prefix + "databasechangelog");
      database.setDatabaseChangeLogLockTableName(prefix + "databasechangeloglock");
      @SuppressWarnings("deprecation")
      Liquibase lb = new Liquibase("db/changelog/fieldvault/secrets-changelog.xml", new ClassLoaderResourceAccessor(),
          database);
      lb.setChangeLogParameter("fieldvault.secrets.prefix", prefix);
      lb.update(new Contexts(), new LabelExpression());
    }
  }
}
