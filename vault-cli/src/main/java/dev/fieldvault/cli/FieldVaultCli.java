package dev.fieldvault.cli;

import dev.fieldvault.keys.FieldVaultException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code fieldvault}: the operators' command-line tool. Secrets (master secrets) are read from
 * environment variables or files, never from the command line, and no command prints a secret value
 * unless asked explicitly.
 */
@Command(name = "fieldvault", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Manage FieldVault keys, rotations, secrets and schema; encrypt values and seed files.",
    subcommands = {SchemaCommand.class, KeysCommand.class, RotateCommand.class, InventoryCommand.class,
        MigrateCommand.class, SecretsCommand.class, AuditCommand.class, EncryptCommand.class, DecryptCommand.class,
        SeedCommand.class, TablesCommand.class, CompletionCommand.class})
public final class FieldVaultCli implements Runnable {

  static {
    // Hibernate (entity discovery) logs through slf4j like the rest, quiet unless something is wrong
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
  }

  final Function<String, String> env;
  final InputStream in;
  /** Secrets this run has read (values, passwords): masked in every error message. */
  final Set<String> secrets = ConcurrentHashMap.newKeySet();

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
    FieldVaultCli root = new FieldVaultCli(env, in);
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      // messages of drivers and libraries may quote a JDBC URL or a value: redact before printing
      String message = Redaction.scrub(ex.getMessage(), root.secretsOf(parseResult));
      if (ex instanceof FieldVaultException || ex instanceof CliException) {
        commandLine.getErr().println("error: " + message);
        return 1;
      }
      // a bug or an unforeseen failure: still a message and exit 1, not a stack trace
      commandLine.getErr().println("error: unexpected " + ex.getClass().getSimpleName() + ": " + message);
      return 1;
    });
    CommandLineValues typed = CommandLineValues.of(cl);
    cl.setParameterExceptionHandler((ex, args2) -> {
      // the message (never an argument the user typed: option names and positions only, any JDBC URL
      // redacted), then picocli's suggestions (names of the command's options) or the usage
      CommandLine c = ex.getCommandLine();
      c.getErr().println(Redaction.scrub(typed.usageMessage(ex, args2), root.secretsOf(c.getParseResult())));
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
        c.usage(c.getErr());
      }
      return c.getCommandSpec().exitCodeOnInvalidInput();
    });
    // a secret on the command line (--value, --password, --master-secret, --secret, ...) is refused first,
    // before parsing, loading keys or connecting, and without repeating it
    String refusal = typed.refusal(args);
    if (refusal != null) {
      err.println("error: " + refusal);
      err.flush();
      return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
    return cl.execute(args);
  }

  /** Remembers a secret this run read (a value, a password), so that no error message carries it. */
  <T extends CharSequence> T secret(T value) {
    if (value != null && value.length() > 0) {
      secrets.add(value.toString());
    }
    return value;
  }

  /**
   * Every secret this run may hold: those remembered, and the values of the environment variables
   * that its {@code --...-env} options name (master secrets, database passwords, secret values).
   */
  List<String> secretsOf(CommandLine.ParseResult parseResult) {
    List<String> all = new ArrayList<>(secrets);
    all.add(env.apply("FIELDVAULT_MASTER_SECRET"));
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      for (CommandLine.Model.OptionSpec o : r.commandSpec().options()) {
        try {
          Object value = o.getValue();
          if (value instanceof String && ((String) value).regionMatches(true, 0, "jdbc:", 0, 5)) {
            // a JDBC URL's password and its pieces, wherever a message repeats them
            all.addAll(Redaction.urlSecrets((String) value));
          }
          if (!o.longestName().endsWith("-env")) {
            continue;
          }
          if (value instanceof String) {
            all.add(env.apply((String) value));
          }
        } catch (RuntimeException e) {
          // an option of an argument group that was not given has no value: nothing to mask
        }
      }
    }
    all.removeIf(s -> s == null || s.isEmpty());
    // longest first, so a secret containing another is masked whole
    all.sort(Comparator.comparingInt(String::length).reversed());
    return all;
  }

  /** For tests: an environment from a map. */
  static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    return execute(env::get, out, err, args);
  }
}
