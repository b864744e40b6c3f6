package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Nothing a user types on the command line is repeated by the tool: options that would carry a secret are
 * refused first, in every command, and usage errors name options and positions only. No database: all of this
 * happens before the tool connects anywhere.
 */
class CommandLineValuesTest extends CliTestSupport {

  private static final String TYPED = "Typed-On-Cmdline-7Qx";

  /** Every command of the tool, as the argument list that selects it ("secrets put", "keys generate", ...). */
  private static List<List<String>> everyCommand() {
    List<List<String>> all = new ArrayList<>();
    collect(new CommandLine(new FieldVaultCli(k -> null, System.in)), new ArrayList<>(), all);
    return all;
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    cl.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandSpec().aliases().equals(new String[0]) && List.of(sub.getCommandSpec().aliases())
          .contains(name)) {
        return; // an alias: the command itself is visited under its name
      }
      List<String> next = new ArrayList<>(path);
      next.add(name);
      collect(sub, next, all);
    });
  }

  private int runCommand(List<String> command, String... more) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void theRefusedOptions_areTheEnvOptionsWithoutEnv_andTheCallerSecret() {
    CommandLineValues values = CommandLineValues.of(new CommandLine(new FieldVaultCli(k -> null, System.in)));
    assertThat(values.refusedNames()).contains("--value", "--password", "--master-secret", "--new-master-secret",
        "--secret", "--caller-secret");
  }

  @Test
  void everyCommand_refusesASecretOnTheCommandLine_exit2_withoutRepeatingIt() {
    List<List<String>> commands = everyCommand();
    assertThat(commands).hasSizeGreaterThan(30);
    for (List<String> command : commands) {
      for (String[] form : List.of(new String[] {"--value", TYPED}, new String[] {"--value=" + TYPED},
          new String[] {"--password", TYPED}, new String[] {"--master-secret", TYPED},
          new String[] {"--new-master-secret=" + TYPED}, new String[] {"--secret", TYPED},
          new String[] {"--caller-secret=" + TYPED})) {
        assertThat(runCommand(command, form)).as(command + " " + form[0]).isEqualTo(2);
        assertThat(err).as(command + " " + form[0]).contains("never goes on the command line", "-env VAR");
        assertThat(out + err).as(command + " " + form[0]).doesNotContain(TYPED);
      }
    }
  }

  @Test
  void everyCommand_usageErrors_nameOptionsAndPositions_neverTheTypedText() {
    for (List<String> command : everyCommand()) {
      for (String[] form : List.of(new String[] {"extra-" + TYPED, "more-" + TYPED},
          new String[] {"--unknown-option=" + TYPED}, new String[] {"--unknown-option", TYPED},
          new String[] {"-" + TYPED}, new String[] {"--limit", TYPED}, new String[] {"--type", TYPED},
          new String[] {"--purpose", TYPED}, new String[] {"--expected-version", TYPED})) {
        int code = runCommand(command, form);
        assertThat(out + err).as(command + " " + String.join(" ", form)).doesNotContain(TYPED);
        assertThat(code).as(command + " " + String.join(" ", form)).isEqualTo(2);
      }
    }
  }

  @Test
  void theUsageMessages_sayWhatIsWrong() {
    assertThat(run("secrets", "put", "github", TYPED, "-n", "ns", "--jdbc-url", "jdbc:h2:mem:x")).isEqualTo(2);
    assertThat(err).contains("Unexpected argument at position 4 of the command line (not shown");
    assertThat(run("secrets", "put", "github", "--bogus=" + TYPED, "-n", "ns", "--jdbc-url", "jdbc:h2:mem:x"))
        .isEqualTo(2);
    assertThat(err).contains("Unknown option: '--bogus' (its value not shown)");
    assertThat(run("secrets", "list", "-n", "ns", "--limit", TYPED, "--jdbc-url", "jdbc:h2:mem:x")).isEqualTo(2);
    assertThat(err).contains("Invalid value for option '--limit': (an argument, not shown) is not an int");
    assertThat(run("secrets", "put", "--value-env")).isEqualTo(2);
    assertThat(err).contains("Missing required parameter for option '--value-env' (VAR)");
  }

  @Test
  void theCallerSecret_isRefusedBeforeKeysConnectionOrNamespace() {
    // an unreachable database, an unset master secret and a namespace that does not exist: the refusal comes first
    env.remove("FIELDVAULT_MASTER_SECRET");
    assertThat(run("secrets", "get", "github", "-n", "no-such-ns", "--secret=" + TYPED, "--master-secret-env",
        "NOPE_UNSET", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x")).isEqualTo(2);
    assertThat(err).startsWith("error: the caller secret never goes on the command line")
        .contains("--secret-env VAR", "--secret-file FILE").doesNotContain(TYPED, "connect", "key-encryption");
    assertThat(run("secrets", "rotate", "github", "-n", "ns", "--value", TYPED, "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:1/x")).isEqualTo(2);
    assertThat(err).startsWith("error: a value for --value never goes on the command line")
        .contains("--value-env VAR", "--value-file FILE").doesNotContain(TYPED);
  }
}
