package dev.fieldvault.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fieldvault tables}: writes the tables file of a persistence unit's {@code @Encrypted}
 * attributes, the same column model the other commands and the application's JDBC wrapper and
 * rewrapper take, so a plain-JDBC tool or job can declare exactly what Hibernate maps.
 */
@Command(name = "tables", mixinStandardHelpOptions = true,
    description = {"Print the tables file (JSON) of the @Encrypted attributes of the given entity classes:"
        + " tables, primary keys and each encrypted column's context, type, mode, row binding, storage and"
        + " blind index, as the application encrypts them.",
        "Example: fieldvault tables --entities com.acme.Customer --classpath app.jar > tables.json"})
final class TablesCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TablesOptions tables;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "A database for Hibernate to start on (default: an empty in-memory H2; the mapping alone is read).")
  String url;

  @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "Database user.")
  String user;

  @Override
  public Integer call() {
    if (tables.entities == null || tables.entities.isEmpty() || tables.tablesFile != null
        || tables.secretsPrefix != null) {
      throw new CliException("name the entity classes with --entities CLASS[,CLASS...] (and --classpath);"
          + " --tables and --secrets-prefix do not apply here");
    }
    DataSource ds = new DbOptions.DriverDataSource(url != null ? url : "jdbc:h2:mem:fieldvault-tables", user, "");
    PrintWriter out = spec.commandLine().getOut();
    out.print(TablesFile.write(tables.declared(ds)));
    out.flush();
    return 0;
  }
}
