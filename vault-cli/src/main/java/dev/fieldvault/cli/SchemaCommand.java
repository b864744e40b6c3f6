package dev.fieldvault.cli;

import dev.fieldvault.secrets.SecretsVault;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fieldvault schema install}: creates (or brings up to date) every table the CLI and the
 * library use, through the changelogs shipped in vault-jdbc, on PostgreSQL, MariaDB or H2.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = "Create or update FieldVault's tables in a database.",
    subcommands = {SchemaCommand.Install.class})
final class SchemaCommand implements Runnable {

  static final String KEYSTORE_CHANGELOG = "db/changelog/fieldvault/fieldvault-changelog.xml";
  static final String SECRETS_CHANGELOG = "db/changelog/fieldvault/secrets-changelog.xml";
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
  /** Liquibase logs through java.util.logging; held here so the level is not lost to garbage collection. */
  private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

  static {
    LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "install", mixinStandardHelpOptions = true,
      description = {"Apply FieldVault's Liquibase changelogs: the key store and rotation work tables"
          + " (<vault-prefix>keyset, rotation, rotation_range) and the secrets vault tables (<secrets-prefix>store,"
          + " entry, version, audit, audit_head, task_lease).",
          "Idempotent: changesets already applied are skipped, newer ones migrate existing tables.",
          "Applied changesets are recorded in the changelog tables (default DATABASECHANGELOG), the same ones an"
              + " application's own Liquibase uses when it includes these changelogs."})
  static final class Install implements Callable<Integer> {

    @ParentCommand
    SchemaCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    DbOptions db;

    @Option(names = "--vault-prefix", paramLabel = "PREFIX", defaultValue = "fieldvault_",
        description = "Prefix of the key store and rotation work tables (default: ${DEFAULT-VALUE}).")
    String vaultPrefix;

    @Option(names = "--secrets-prefix", paramLabel = "PREFIX", defaultValue = "fv_secret_",
        description = "Prefix of the secrets vault tables (default: ${DEFAULT-VALUE}).")
    String secretsPrefix;

    @Option(names = "--no-secrets", description = "Install only the key store and rotation work tables.")
    boolean noSecrets;

    @Option(names = "--changelog-table", paramLabel = "NAME", defaultValue = "DATABASECHANGELOG",
        description = "Liquibase's record of applied changesets (default: ${DEFAULT-VALUE}; its lock table is"
            + " NAME + LOCK).")
    String changelogTable;

    @Override
    public Integer call() {
      for (String[] n : new String[][] {{"--vault-prefix", vaultPrefix}, {"--secrets-prefix", secretsPrefix},
          {"--changelog-table", changelogTable}}) {
        if (!NAME.matcher(n[1]).matches()) {
          throw new CliException(n[0] + " must be 1 to 40 letters, digits or underscores, starting with a letter or"
              + " underscore");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      DataSource ds = db.dataSource(parent.root().env);
      int keystore = apply(ds, KEYSTORE_CHANGELOG, "fieldvault.tablePrefix", vaultPrefix);
      out.println("key store and rotation work tables (" + vaultPrefix + "*): " + describe(keystore));
      if (!noSecrets) {
        int secrets = apply(ds, SECRETS_CHANGELOG, "fieldvault.secrets.prefix", secretsPrefix);
        out.println("secrets vault tables (" + secretsPrefix + "*): " + describe(secrets));
      }
      return 0;
    }

    private static String describe(int applied) {
      return applied == 0 ? "up to date" : applied + (applied == 1 ? " changeset" : " changesets") + " applied";
    }

    /** Applies one changelog with its prefix parameter; returns how many changesets ran. */
    private int apply(DataSource ds, String changelog, String parameter, String prefix) {
      System.setProperty("liquibase.analytics.enabled", "false");
      System.setProperty("liquibase.showBanner", "false");
      try (Connection c = ds.getConnection()) {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        database.setDatabaseChangeLogTableName(changelogTable);
        database.setDatabaseChangeLogLockTableName(changelogTable + "LOCK");
        // Liquibase's progress goes to its logger, not to this tool's output
        return Scope.child(java.util.Map.of(Scope.Attr.ui.name(), new LoggerUIService()), () -> {
          @SuppressWarnings("deprecation")
          Liquibase lb = new Liquibase(changelog, new ClassLoaderResourceAccessor(SecretsVault.class.getClassLoader()),
              database);
          lb.setChangeLogParameter(parameter, prefix);
          int pending = 0;
          for (ChangeSet cs : lb.listUnrunChangeSets(new Contexts(), new LabelExpression())) {
            if (cs != null) {
              pending++;
            }
          }
          lb.update(new Contexts(), new LabelExpression());
          return pending;
        });
      } catch (SQLException e) {
        throw new CliException("cannot install " + changelog + " (SQLState " + e.getSQLState() + "): "
            + e.getMessage());
      } catch (LiquibaseException e) {
        throw new CliException("installing " + changelog + " failed: " + rootMessage(e)
            + " (check that the account may CREATE and ALTER tables)");
      } catch (Exception e) {
        throw new CliException("installing " + changelog + " failed: " + rootMessage(e));
      }
    }

    private static String rootMessage(Throwable e) {
      Throwable t = e;
      while (t.getCause() != null) {
        t = t.getCause();
      }
      return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
  }

  @ParentCommand
  FieldVaultCli root;

  FieldVaultCli root() {
    return root;
  }
}
