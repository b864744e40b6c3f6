package dev.fieldvault.cli;

import dev.fieldvault.keys.FieldVaultException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fieldvault}: the operators' command-line tool. Secrets (master secrets) are read from
 * environment variables or files, never from the command line, and no command prints a secret value
 * unless asked explicitly.
 */
@Command(name = "fieldvault", mixinStandardHelpOptions = true, version = "FieldVault 0.1.0",
    description = "Manage FieldVault keys, rotations and secrets.",
    subcommands = {KeysCommand.class, RotateCommand.class, InventoryCommand.class, SecretsCommand.class,
        SchemaCommand.class, AuditCommand.class})
public final class FieldVaultCli implements Runnable {

  static {
    // Hibernate (entity discovery) logs through slf4j like the rest, quiet unless something is wrong
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
  }

  final Function<String, String> env;
  final InputStream in;

  FieldVaultCli(Function<String, String> env, InputStream in) {
    this.env = env;
    this.in = in;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(System::getenv, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the tool; returns the exit code (0 ok, 1 operation failed, 2 bad usage). */
  static int execute(Function<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    return execute(env, System.in, out, err, args);
  }

  /** Runs the tool with this standard input (secrets put reads values from it). */
  static int execute(Function<String, String> env, InputStream in, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new FieldVaultCli(env, in));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof FieldVaultException || ex instanceof CliException) {
        commandLine.getErr().println("error: " + ex.getMessage());
        return 1;
      }
      // a bug or an unforeseen failure: still a message and exit 1, not a stack trace
      commandLine.getErr().println("error: unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  /** For tests: an environment from a map. */
  static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    return execute(env::get, out, err, args);
  }
}
