package dev.fieldvault.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps what a user typed on the command line out of the tool's output. Two parts:
 *
 * <ul>
 *   <li>Options that would carry a secret on the command line ({@code --value}, {@code --password},
 *       {@code --master-secret}, {@code --secret}, ...: the name of every {@code --X-env} option without
 *       {@code -env}, and {@code --caller-secret}) are refused before anything is parsed or run, in every
 *       command, naming the option and the safe way, never the value.
 *   <li>Usage errors (unknown options, extra arguments, values that do not convert) are printed without any
 *       argument the user typed: option names are shown (without an {@code =value}), other arguments by their
 *       position only.
 * </ul>
 */
final class CommandLineValues {

  /**
   * What an option name of this tool looks like (lower-case words joined by hyphens, or one letter), so that an
   * unknown one may be shown; anything else (mixed case, digits first, other characters) may be a value.
   */
  private static final Pattern OPTION_NAME = Pattern.compile("--[a-z][a-z0-9]*(-[a-z0-9]+){0,6}|-[A-Za-z]");

  private final Map<String, String> refused;
  private final Set<String> names;

  private CommandLineValues(Map<String, String> refused, Set<String> names) {
    this.refused = refused;
    this.names = names;
  }

  /** The refused options and the known names (options, subcommands) of the tool's whole command tree. */
  static CommandLineValues of(CommandLine root) {
    Set<String> names = new HashSet<>();
    Set<String> envOptions = new HashSet<>();
    collect(root, names, envOptions);
    Map<String, String> refused = new LinkedHashMap<>();
    for (String env : envOptions.stream().sorted().toList()) {
      String stem = env.substring(0, env.length() - "-env".length());
      if (!names.contains(stem)) {
        String file = names.contains(stem + "-file") ? ", or in a file and pass " + stem + "-file FILE" : "";
        refused.put(stem, "put it in an environment variable and pass " + env + " VAR" + file);
      }
    }
    if (refused.containsKey("--secret") && !names.contains("--caller-secret")) {
      refused.put("--caller-secret", refused.get("--secret"));
    }
    return new CommandLineValues(refused, names);
  }

  private static void collect(CommandLine cl, Set<String> names, Set<String> envOptions) {
    CommandSpec spec = cl.getCommandSpec();
    names.add(spec.name());
    names.addAll(List.of(spec.aliases()));
    for (OptionSpec o : spec.options()) {
      for (String n : o.names()) {
        names.add(n);
        if (n.startsWith("--") && n.endsWith("-env")) {
          envOptions.add(n);
        }
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      collect(sub, names, envOptions);
    }
  }

  /**
   * The refusal of the first option in {@code args} that would carry a secret on the command line (the
   * option's name and the safe way; never its value), or null. Arguments after {@code --} are not options.
   */
  String refusal(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return null;
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      String instead = refused.get(name);
      if (instead != null) {
        String what = name.equals("--secret") || name.equals("--caller-secret") ? "the caller secret"
            : "a value for " + name;
        return what + " never goes on the command line (it would stay in the shell history and the process"
            + " list, and it is not repeated here): " + instead;
      }
    }
    return null;
  }

  /** The names refused on the command line (for tests and docs). */
  Set<String> refusedNames() {
    return refused.keySet();
  }

  /**
   * A usage error's message without any argument the user typed: picocli's own message for most errors with
   * every quoted argument that is not a known name replaced, and for unknown options or extra arguments a
   * message built here from option names and positions.
   */
  String usageMessage(CommandLine.ParameterException ex, String[] args) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      return unmatched(u.getUnmatched(), args);
    }
    String message = String.valueOf(ex.getMessage());
    List<String> typed = new ArrayList<>();
    if (ex.getValue() != null) {
      typed.add(ex.getValue());
    }
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("-") && eq > 0) {
        typed.add(a.substring(eq + 1));
        typed.add(a);
      } else if (!names.contains(a)) {
        typed.add(a);
      }
    }
    typed.removeIf(String::isEmpty);
    typed.sort(Comparator.comparingInt(String::length).reversed());
    for (String t : typed) {
      message = message.replace("'" + t + "'", "(an argument, not shown)");
    }
    if (ex.getValue() != null && ex.getValue().length() >= 4) {
      message = message.replace(ex.getValue(), "(not shown)");
    }
    return message;
  }

  private String unmatched(List<String> unmatched, String[] args) {
    List<String> options = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    boolean[] used = new boolean[args.length];
    for (String u : unmatched) {
      int eq = u.indexOf('=');
      String name = eq < 0 ? u : u.substring(0, eq);
      if (OPTION_NAME.matcher(name).matches() && !refused.containsKey(name)) {
        options.add("'" + name + "'" + (eq < 0 ? "" : " (its value not shown)"));
      } else {
        int at = -1;
        for (int i = 0; i < args.length; i++) {
          if (!used[i] && args[i].equals(u)) {
            used[i] = true;
            at = i;
            break;
          }
        }
        positions.add(at + 1);
      }
    }
    StringBuilder b = new StringBuilder();
    if (!options.isEmpty()) {
      b.append(options.size() == 1 ? "Unknown option: " : "Unknown options: ").append(String.join(", ", options));
    }
    if (!positions.isEmpty()) {
      List<String> where = positions.stream().map(p -> p == 0 ? "?" : String.valueOf(p)).toList();
      String what = positions.size() == 1 ? "nexpected argument at position " : "nexpected arguments at positions ";
      b.append(b.length() == 0 ? "U" : "; u").append(what).append(String.join(", ", where))
          .append(" of the command line (not shown: it may be a value; values come from --...-env variables,"
          + " --...-file files or standard input, never from the command line)");
    }
    return b.toString();
  }
}
