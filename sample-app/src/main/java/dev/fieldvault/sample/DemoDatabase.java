package dev.fieldvault.sample;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/** The application's connection pool (HikariCP) and its schema (Liquibase). */
final class DemoDatabase implements AutoCloseable {

  static final String CHANGELOG = "db/changelog/sample/sample-changelog.xml";
  /** Liquibase logs through java.util.logging: only its warnings interrupt the demo (held: JUL keeps weak references). */
  private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

  static {
    LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final HikariDataSource pool;
  private final String description;

  private DemoDatabase(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /** An embedded H2 file database under {@code dir}: no set-up, kept between runs. */
  static DemoDatabase h2(Path dir) {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("sample-db") + ";DB_CLOSE_ON_EXIT=FALSE";
    return open(url, "sa", "", "embedded H2 in " + dir.toAbsolutePath().resolve("sample-db.mv.db"));
  }

  static DemoDatabase open(String url, String user, String password, String description) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(4);
    cfg.setPoolName("sample-app");
    return new DemoDatabase(new HikariDataSource(cfg), description);
  }

  DataSource dataSource() {
    return pool;
  }

  String description() {
    return description;
  }

  /** Applies the app's changelog (which includes FieldVault's); a no-op when it is up to date. */
  void migrate() throws Exception {
    try (Connection c = pool.getConnection()) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      // Liquibase's own bookkeeping tables carry the app's prefix too
      database.setDatabaseChangeLogTableName("app_databasechangelog");
      database.setDatabaseChangeLogLockTableName("app_databasechangeloglock");
      @SuppressWarnings("deprecation")
      Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database);
      // Liquibase's console output and update summary go to its log (quiet), not into the demo's story
      liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
      Scope.child(Scope.Attr.ui.name(), new LoggerUIService(),
          () -> liquibase.update(new Contexts(), new LabelExpression()));
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = pool.getConnection(); var st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
