package dev.fieldvault.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fieldvault completion}: the bash/zsh completion script, generated from the command definitions. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print the bash completion script for fieldvault (zsh too, after `autoload -U +X bashcompinit"
        + " && bashcompinit`), generated from the commands and options of this version.",
        "Install: fieldvault completion > /etc/bash_completion.d/fieldvault, or source <(fieldvault completion)"})
final class CompletionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
