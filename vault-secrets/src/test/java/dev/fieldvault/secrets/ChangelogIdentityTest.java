package dev.fieldvault.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.file.Path;
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
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Databases that applied the secrets changelog when it shipped inside vault-jdbc keep working with the
 * one vault-secrets ships: Liquibase identifies a changeset by id, author and changelog path, so the
 * path ({@value SecretsTestSupport#CHANGELOG}) and every changeset must stay as they were.
 */
class ChangelogIdentityTest {

  private static final String PREFIX = "sv_ident_";
  /** Changesets added to the changelog after the copy under changelog-before-vault-secrets, in order. */
  private static final List<String> ADDED_SINCE = List.of("fieldvault-secrets-store-defaults",
      "fieldvault-secrets-entry-ids", "fieldvault-secrets-4-envelope", "fieldvault-secrets-5-sealed-kdf",
      "s16a-1-kinds-and-request-context", "s16b-1-scheduler-leases");

  static {
    System.setProperty("liquibase.analytics.enabled", "false");
    System.setProperty("liquibase.showBanner", "false");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void changelogAppliedByVaultJdbc_thenVaultSecretsChangelog_reappliesNothingAndFailsNothing(Kind kind)
      throws Exception {
    TestDatabase db = SecretsTestSupport.db(kind);
    SecretsTestSupport.dropAll(db, PREFIX);
    Path before = Path.of(ChangelogIdentityTest.class.getResource("/changelog-before-vault-secrets").toURI());
    try (DirectoryResourceAccessor oldJar = new DirectoryResourceAccessor(before)) {
      update(db, oldJar);
    }
    List<String> appliedBefore = changesets(db);
    assertThat(appliedBefore).isNotEmpty()
        .allSatisfy(row -> assertThat(row).contains(SecretsTestSupport.CHANGELOG));

    update(db, new ClassLoaderResourceAccessor()); // the changelog in vault-secrets' jar: validates checksums

    // nothing applied before is applied again or changes checksum; only changesets added since run
    List<String> after = changesets(db);
    assertThat(after.subList(0, appliedBefore.size())).as("changesets after the vault-secrets changelog")
        .isEqualTo(appliedBefore);
    assertThat(after.subList(appliedBefore.size(), after.size())).extracting(row -> row.substring(0, row.indexOf('|')))
        .as("changesets added since the move to vault-secrets").containsExactlyElementsOf(ADDED_SINCE);
    SecretsVault vault = SecretsVault.builder(db.dataSource(), SecretsTestSupport.cipher()).tablePrefix(PREFIX).build();
    vault.createStore("n", null, StoreOptions.DEFAULT).put("k", SecretValue.ofString("v"));
    assertThat(vault.store("n").get("k").value().asString()).isEqualTo("v");
  }

  private static void update(TestDatabase db, ResourceAccessor resources) throws Exception {
    try (Connection c = db.connect()) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      database.setDatabaseChangeLogTableName(PREFIX + "databasechangelog");
      database.setDatabaseChangeLogLockTableName(PREFIX + "databasechangeloglock");
      @SuppressWarnings("deprecation")
      Liquibase lb = new Liquibase(SecretsTestSupport.CHANGELOG, resources, database);
      lb.setChangeLogParameter("fieldvault.secrets.prefix", PREFIX);
      lb.update(new Contexts(), new LabelExpression());
    }
  }

  /** id, author, path, checksum and execution order of every applied changeset. */
  private static List<String> changesets(TestDatabase db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, author, filename, md5sum, orderexecuted, exectype FROM "
            + PREFIX + "databasechangelog ORDER BY orderexecuted")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
            + rs.getInt(5) + "|" + rs.getString(6));
      }
    }
    return rows;
  }
}
