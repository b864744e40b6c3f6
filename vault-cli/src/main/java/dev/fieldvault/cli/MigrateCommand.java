package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.jdbc.rotation.MigrationPlan;
import dev.fieldvault.jdbc.rotation.Rewrapper;
import dev.fieldvault.jdbc.rotation.RotationResult;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fieldvault migrate}: the plaintext migration job (and its schema plan) from a terminal. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Encrypt the plaintext values of the declared (or discovered) encrypted columns in place, as a key"
        + " rotation does: in batches with compare-and-set on the exact plaintext read (safe while the application"
        + " runs), checkpoints, several workers, throttle. Values already encrypted are rewrapped if off the primary"
        + " keys. A stopped or killed run resumes when started again.",
        "It ends with the inventory and the number of values still plaintext per column, and exits 1 while any"
            + " remain (the same command run again scans their tables again).",
        "--plan instead says which columns are too narrow (or of another type) for the ciphertext of their longest"
            + " value and prints the DDL that fixes them; it exits 1 while a column must change."})
final class MigrateCommand extends StoredKeysCommand {

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

  @Option(names = "--plan", description = "Only plan: the declared type and size of each column, the length of the"
      + " ciphertext of its longest value, and the DDL that widens or converts it (for this database). Writes nothing.")
  boolean plan;



  @Option(names = "--dry-run", description = "Only count what would be encrypted or rewrapped; write nothing.")
  boolean dryRun;




  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (tables.secretsPrefix != null) {
      throw new CliException("--secrets-prefix: the secrets vault never holds plaintext; migrate the application's"
          + " columns (--tables or --entities), rotate the vault's with `fieldvault rotate`");
    }
    DataSource ds = dataSource();
    Keyring keyring = keys.load(ds, kek());
    List<EncryptedTable> declared = tables.declared(ds);
    FieldCipher cipher = FieldCipher.create(keyring);
    if (plan) {
      return plan(out, ds, cipher, declared);
    }
    ProgressBar bar = new ProgressBar(out, "");
    Rewrapper.Builder b = job.applyTo(Rewrapper.builder(ds, cipher).tables(declared).migratePlaintext(true)
        .vaultTables(keys.vaultTables()).dryRun(dryRun).listener(bar));
    Rewrapper run = b.build();
    out.printf("%splaintext migration %s over %d table(s): %s%n", dryRun ? "[dry run] " : "", run.rotationId(),
        declared.size(), declared.stream().map(EncryptedTable::table).toList());
    RotationResult r = run.run();
    bar.end();
    out.printf("%s%d of %d rows %s: %d plaintext values %s, %d skipped (changed concurrently: re-read and"
        + " written in the same batch, or left to a later run)%n", dryRun ? "[dry run] " : "", r.rowsRewrapped(),
        r.rowsScanned(), dryRun ? "need writing" : "written", r.plaintextEncrypted(), dryRun ? "to encrypt" : "encrypted",
        r.rowsConflicted());
    long failed = r.tables().stream().mapToLong(p -> p.rowsFailed()).sum();
    if (failed > 0) {
      out.println(failed + " row(s) hold a value that cannot be migrated (not a text form of the column's type, longer"
          + " than its column, or under a key that cannot decrypt): left as they are, named by key in the log");
    }
    if (r.inventory() != null) {
      out.println(r.inventory().describe(keyring));
      out.println("plaintext values left: " + r.plaintextValues());
      r.plaintextByColumn().forEach((column, n) -> out.println("  " + column + ": " + n));
      out.println("values not on a primary key: " + r.valuesOffPrimary());
    }
    if (!r.complete() && !dryRun) {
      String why = r.stopped() ? "it was stopped: run the same command again to resume"
          : r.plaintextValues() > 0 || r.valuesOffPrimary() > 0 ? r.describeRemaining()
          : "another worker holds a range: run the same command again to resume or join it";
      spec.commandLine().getErr().println("error: plaintext migration " + r.rotationId() + " is not complete: " + why);
      return 1;
    }
    return 0;
  }

  private int plan(PrintWriter out, DataSource ds, FieldCipher cipher, List<EncryptedTable> declared) {
    MigrationPlan p = MigrationPlan.scan(ds, cipher, declared);
    out.print(p.describe());
    p.ddl().forEach(out::println);
    if (!p.ready()) {
      long change = p.columns().stream().filter(c -> c.verdict() != MigrationPlan.Verdict.FITS).count();
      spec.commandLine().getErr().println("error: " + change + " column(s) must change before the migration:"
          + " run the DDL above (check it first; columns UNREADABLE or NOT_CONVERTIBLE have none: see the plan),"
          + " then `fieldvault migrate --plan` again");
      return 1;
    }
    return 0;
  }
}
