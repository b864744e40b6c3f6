package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.ProgressBar;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.jdbc.secrets.SecretsVault;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fieldvault rotate}: the rewrapper from a terminal. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Re-encrypt every value of the declared (or discovered) encrypted columns under the primary keys"
        + " of the stored keysets, in place, with compare-and-set writes (safe while the application runs).",
        "A stopped or killed run resumes where it stopped when started again with the same keys (or --rotation-id);"
        + " a finished rotation run again does nothing."})
final class RotateCommand implements Callable<Integer> {

  @ParentCommand
  FieldVaultCli root;

  @Spec
  CommandSpec spec;

  @Mixin
  DbOptions db;

  @Mixin
  KeyringOptions keys;

  @Mixin
  TablesOptions tables;

  @ArgGroup(exclusive = false, heading = "Key-encryption key:%n")
  KekOptions kek = new KekOptions();

  @Option(names = "--batch-size", defaultValue = "1000", description = "Rows per batch and transaction (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--throttle", paramLabel = "ROWS_PER_SECOND", defaultValue = "0",
      description = "Scan at most about this many rows per second (default: unlimited).")
  double throttle;

  @Option(names = "--dry-run", description = "Only count what would be re-encrypted; write nothing.")
  boolean dryRun;

  @Option(names = "--rotation-id", paramLabel = "ID",
      description = "Resume or join this rotation (default: derived from the primary keys, so a rerun resumes).")
  String rotationId;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DataSource ds = db.dataSource(root.env);
    Keyring keyring = keys.load(ds, (kek == null ? new KekOptions() : kek).resolve(root.env));
    List<EncryptedTable> declared = tables.declared(ds);
    FieldCipher cipher = FieldCipher.create(keyring);
    // with --secrets-prefix, the vault adds its tables to the same rotation and audits it as KEY_ROTATED
    SecretsVault secrets = tables.secretsVault(ds, cipher);
    ProgressBar bar = new ProgressBar(out, "");
    Rewrapper.Builder b;
    try {
      b = Rewrapper.builder(ds, cipher).tables(declared)
          .vaultTables(keys.vaultTables()).batchSize(batchSize).throttle(throttle).dryRun(dryRun).listener(bar);
      if (rotationId != null) {
        b.rotationId(rotationId);
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    List<String> names = new ArrayList<>(declared.stream().map(EncryptedTable::table).toList());
    if (secrets != null) {
      secrets.encryptedTables().forEach(t -> names.add(t.table()));
    }
    out.printf("%srotation %s over %d table(s): %s%n", dryRun ? "[dry run] " : "",
        rotationId != null ? rotationId : Rewrapper.defaultRotationId(keyring), names.size(), names);
    RotationResult r = secrets != null ? secrets.rewrap(b) : b.build().run();
    bar.end();
    out.printf("%s%d of %d rows %s, %d skipped (changed concurrently: a later run picks them up)%n",
        dryRun ? "[dry run] " : "", r.rowsRewrapped(), r.rowsScanned(), dryRun ? "need re-encryption" : "re-encrypted",
        r.rowsConflicted());
    long failed = r.tables().stream().mapToLong(p -> p.rowsFailed()).sum();
    if (failed > 0) {
      out.println(failed + " row(s) hold a value that does not decrypt (tampered, moved, or not a FieldVault"
          + " ciphertext): left as they are, named in the log; their keys cannot be disabled until they are fixed");
    }
    if (r.inventory() != null) {
      out.println(r.inventory().describe(keyring));
      out.println("values not on a primary key: " + r.valuesOffPrimary());
    }
    if (!r.complete() && !dryRun) {
      spec.commandLine().getErr().println("error: rotation " + r.rotationId() + " is not complete (another worker"
          + " holds a range, or it was stopped): run the same command again to resume");
      return 1;
    }
    return 0;
  }
}
