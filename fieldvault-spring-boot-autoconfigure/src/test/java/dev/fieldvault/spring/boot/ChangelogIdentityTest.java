package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter applies FieldVault's changelogs under the same identity (id, author, path) as the CLI's
 * {@code schema install} and an application's own {@code <include>}: on a database where those applied
 * them, nothing runs again, and the keys load from the tables they made.
 */
class ChangelogIdentityTest {

  @Test
  void changelogsAppliedByTheCliOrAnInclude_areNotAppliedAgain() throws Exception {
    TestDatabase db = TestDatabases.h2();
    for (String changelog : List.of("db/changelog/fieldvault/fieldvault-changelog.xml",
        "db/changelog/fieldvault/secrets-changelog.xml")) {
      try (Connection c = db.connect()) {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        @SuppressWarnings("deprecation")
        Liquibase lb = new Liquibase(changelog, new ClassLoaderResourceAccessor(), database);
        lb.setChangeLogParameter("fieldvault.tablePrefix", "sbt_fv_");
        lb.setChangeLogParameter("fieldvault.secrets.prefix", "sbt_secret_");
        lb.update(new Contexts(), new LabelExpression());
      }
    }
    List<String> before = applied(db);
    assertThat(before).isNotEmpty();

    List<String> properties = new ArrayList<>();
    Tables.properties(db, "sbt_").forEach((k, v) -> properties.add(k + "=" + v));
    properties.removeIf(p -> p.startsWith("fieldvault.liquibase.change-log"));   // the shared DATABASECHANGELOG
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties(properties.toArray(String[]::new)).properties("fieldvault.keys.refresh-interval=0s").run()) {
      assertThat(ctx.getBean(FieldVaultKeys.class).keysets()).hasSize(3);
    }
    assertThat(applied(db)).isEqualTo(before);
  }

  private static List<String> applied(TestDatabase db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, author, filename FROM DATABASECHANGELOG ORDER BY orderexecuted")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3));
      }
    }
    return out;
  }
}
