package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.FieldCipher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fieldvault seed}: a seed SQL file with the values of encrypted columns encrypted. */
@Command(name = "seed", mixinStandardHelpOptions = true,
    description = {"Rewrite a seed SQL file (data.sql): every value an INSERT ... (columns) VALUES (...) writes to a"
        + " declared encrypted column becomes its ciphertext, bound to its context (tenant column, primary key for"
        + " row-bound columns), and blind-index columns given as NULL get their indexes. Comments, layout and"
        + " other statements stay as they are.",
        "Other shapes that write an encrypted column (INSERT ... SELECT, INSERT without a column list, UPDATE,"
        + " MERGE, expressions) are refused, and nothing is written. Binary columns need --dialect (default: the"
        + " database of --jdbc-url)."})
final class SeedCommand extends StoredKeysCommand {

  @ParentCommand
  FieldVaultCli root;

  @Mixin
  TablesOptions tables;

  @Override
  Function<String, String> env() {
    return root.env;
  }

  @Parameters(index = "0", paramLabel = "FILE", description = "The seed SQL file (plaintext values).")
  Path input;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the rewritten file here (default:"
      + " standard output).")
  Path output;

  @Option(names = "--force", description = "Overwrite --out if it exists.")
  boolean force;

  @Option(names = "--dialect", paramLabel = "DIALECT", description = "SQL literals for binary columns: POSTGRESQL,"
      + " MARIADB, MYSQL or H2 (default: from --jdbc-url).")
  SqlDialect dialect;

  @Option(names = "--no-backslash-escapes", description = "MariaDB/MySQL: the server runs with sql_mode"
      + " NO_BACKSLASH_ESCAPES, so a backslash in a string literal is an ordinary character (default: the"
      + " backslash escapes of string literals are decoded as the server decodes them).")
  boolean noBackslashEscapes;

  @Override
  public Integer call() {
    if (tables.secretsPrefix != null) {
      throw new CliException("--secrets-prefix does not apply to seed files");
    }
    if (output != null && Files.exists(output) && !force) {
      throw new CliException(output + " exists: refusing to overwrite it (add --force)");
    }
    String sql;
    try {
      sql = Files.readString(input, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("cannot read the seed file " + input + ": " + e.getClass().getSimpleName());
    }
    DataSource ds = dataSource();
    List<EncryptedTable> declared = tables.declared(ds);
    FieldCipher cipher = cipher(ds);
    SqlDialect d = dialect != null ? dialect : SqlDialect.ofJdbcUrl(db.url);
    SeedRewriter.Result r = new SeedRewriter(declared, cipher, d, noBackslashEscapes).rewrite(sql, input.toString());
    PrintWriter out = spec.commandLine().getOut();
    String summary = "encrypted " + r.values() + " value(s) in " + r.rows() + " row(s) of " + r.statements()
        + " statement(s)";
    if (output == null) {
      out.print(r.sql());
      out.flush();
      spec.commandLine().getErr().println(summary);
    } else {
      try {
        Files.writeString(output, r.sql(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliException("cannot write " + output + ": " + e.getClass().getSimpleName());
      }
      out.println(summary + " into " + output);
    }
    return 0;
  }
}
