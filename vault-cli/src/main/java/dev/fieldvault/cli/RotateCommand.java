package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.secrets.SecretsVault;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fieldvault rotate}: the rewrapper from a terminal. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Re-encrypt every value of the declared (or discovered) encrypted columns under the primary keys"
        + " of the stored keysets, in place, with compare-and-set writes (safe while the application runs).",
        "A stopped or killed run resumes where it stopped when started again with the same keys (or --rotation-id);"
        + " Each run covers the rows that existed when the rotation was planned (newer rows are written under the"
        + " new keys) and ends with the inventory; values still under old keys then (written by an instance that had"
        + " not reloaded its keys) make it exit 1, and the same command run again scans those tables again."})
final class RotateCommand extends StoredKeysCommand {

  @ParentCommand
  FieldVaultCli root;

  @Mixin
  TablesOptions tables;

  @Mixin
  JobOptions job;

  @Override
  Function<String, String> env() {
    return root.env;
  }



  @Option(names = "--dry-run", description = "Only count what would be re-encrypted; write nothing.")
  boolean dryRun;




  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DataSource ds = dataSource();
    Keyring keyring = keys.load(ds, kek());
    List<EncryptedTable> declared = tables.declared(ds);
    FieldCipher cipher = FieldCipher.create(keyring);
    // with --secrets-prefix, the vault adds its tables to the same rotation and audits it as KEY_ROTATED
    SecretsVault secrets = tables.secretsVault(ds, cipher);
    ProgressBar bar = new ProgressBar(out, "");
    Rewrapper.Builder b = job.applyTo(Rewrapper.builder(ds, cipher).tables(declared)
        .vaultTables(keys.vaultTables()).dryRun(dryRun).listener(bar));
    List<String> names = new ArrayList<>(declared.stream().map(EncryptedTable::table).toList());
    if (secrets != null) {
      secrets.encryptedTables().forEach(t -> names.add(t.table()));
    }
    out.printf("%srotation %s over %d table(s): %s%n", dryRun ? "[dry run] " : "",
        job.rotationId != null ? job.rotationId : Rewrapper.defaultRotationId(keyring), names.size(), names);
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
      if (r.valuesOffPrimary() > 0) {
        out.println(r.describeRemaining());
      }
    }
    if (!r.complete() && !dryRun) {
      String why = r.stopped() ? "it was stopped: run the same command again to resume"
          : !r.valuesOffPrimaryByColumn().isEmpty()
          ? "values are left under old keys (above); the same command scans "
              + (r.reopenedTables().isEmpty() ? "their tables" : String.join(", ", r.reopenedTables()))
              + " again: run it again (after every application instance has reloaded its keys)"
          : "another worker holds a range: run the same command again to resume or join it";
      spec.commandLine().getErr().println("error: rotation " + r.rotationId() + " is not complete: " + why);
      return 1;
    }
    return 0;
  }
}
