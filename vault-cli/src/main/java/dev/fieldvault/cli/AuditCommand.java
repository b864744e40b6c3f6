package dev.fieldvault.cli;

import dev.fieldvault.secrets.AuditAnchor;
import dev.fieldvault.secrets.ChainCheck;
import dev.fieldvault.secrets.SecretsVault;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fieldvault audit}: the secrets vault's keyed audit chain, checked and anchored by operators. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Check the secrets vault's audit chain, and take anchors to keep outside the database.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Anchor.class})
final class AuditCommand implements Runnable {

  @ParentCommand
  FieldVaultCli root;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What both subcommands share: the database, the keys that MAC the chain, the vault tables. */
  abstract static class ChainCommand extends SecretsVaultCommand {
    @ParentCommand
    AuditCommand audit;

    @Override
    Function<String, String> env() {
      return audit.root.env;
    }

    @Override
    SecretsVault vault() {
      if (!keys.any()) {
        throw new CliException("name the AEAD keyset that MACs the audit chain: --aead NAME");
      }
      return super.vault();
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check every event of the chain (links, hashes, MACs) and its head; with --anchor also that"
          + " the chain still reaches an anchor taken earlier with `audit anchor`.",
          "Exit code 0: intact; 1: not intact (the first bad event and why on stderr)."})
  static final class Verify extends ChainCommand {
    @Option(names = "--anchor", paramLabel = "SEQ:MAC", description = "An anchor printed by `audit anchor`.")
    String anchor;

    @Override
    public Integer call() {
      AuditAnchor a = anchor == null ? null : AuditAnchor.parse(anchor);
      try (SecretsVault vault = vault()) {
        ChainCheck check = a == null ? vault.verifyAuditChain() : vault.verifyAuditChain(a);
        if (!check.intact()) {
          throw new CliException("the audit chain is NOT intact: " + check.problem() + " (first bad event "
              + check.firstBadSeq() + "; " + check.eventsChecked() + " events checked before it)");
        }
        out().println("intact: " + check.eventsChecked() + " events checked"
            + (check.legacyEvents() > 0 ? ", " + check.legacyEvents() + " of them legacy (written before the chain"
                + " was keyed: checked by hash only)" : "")
            + (a == null ? "" : "; the chain reaches the anchor (event " + a.seq() + ")"));
        return 0;
      }
    }
  }

  @Command(name = "anchor", mixinStandardHelpOptions = true,
      description = {"Print the chain's anchor now (the newest event's sequence number and MAC, not secret).",
          "Keep it where the database's administrators cannot change it; check it later with"
              + " `audit verify --anchor SEQ:MAC`."})
  static final class Anchor extends ChainCommand {
    @Override
    public Integer call() {
      try (SecretsVault vault = vault()) {
        out().println(vault.auditAnchor());
        return 0;
      }
    }
  }
}
