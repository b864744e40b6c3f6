package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.ColumnInventory;
import dev.fieldvault.jdbc.rotation.KeyInventory;
import dev.fieldvault.keys.Keyring;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fieldvault inventory}: values per key version per column, from the headers alone. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
    description = {"Count the values of each encrypted column per key version, from the ciphertext headers"
        + " (nothing is decrypted).", "With --aead/--daead/--prf the keys are named by keyset and ordinal."})
final class InventoryCommand implements Callable<Integer> {

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

  @ArgGroup(exclusive = false, heading = "Key-encryption key (only to name the keys):%n")
  KekOptions kek;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DataSource ds = db.dataSource(root.env);
    KeyInventory inventory = KeyInventory.scan(ds, tables.resolve(ds));
    if (keys.any()) {
      Keyring keyring = keys.load(ds, KekOptions.resolve(kek, root.env));
      out.println(inventory.describe(keyring));
      return 0;
    }
    out.printf("%-40s %-12s %s%n", "COLUMN", "KEY ID", "VALUES");
    for (ColumnInventory c : inventory.columns()) {
      String name = c.qualifiedName() + (c.blindIndex() ? " [blind index]" : "");
      for (Map.Entry<Integer, Long> e : c.valuesByKeyId().entrySet()) {
        out.printf("%-40s %-12s %d%n", name, Integer.toUnsignedString(e.getKey()), e.getValue());
      }
      if (c.nulls() > 0) {
        out.printf("%-40s %-12s %d%n", name, "null", c.nulls());
      }
      if (c.unrecognized() > 0) {
        out.printf("%-40s %-12s %d%n", name, "not-fv", c.unrecognized());
      }
    }
    return 0;
  }
}
