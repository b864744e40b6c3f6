package dev.fieldvault.cli;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyEncryptionKey;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands that use the keysets stored in the database share ({@code encrypt}, {@code decrypt}, {@code migrate},
 * {@code rotate}, {@code seed}, and the {@code secrets} and {@code audit} subcommands): the database,
 * the stored keysets to load, and the key-encryption key that unwraps them.
 */
abstract class StoredKeysCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DbOptions db;

  @Mixin
  KeyringOptions keys;

  @ArgGroup(exclusive = false, heading = "Key-encryption key:%n")
  KekOptions kek = new KekOptions();

  /** The environment the CLI reads variables from (the root command's, so that tests can give their own). */
  abstract Function<String, String> env();

  DataSource dataSource() {
    return db.dataSource(env());
  }

  KeyEncryptionKey kek() {
    return KekOptions.resolve(kek, env());
  }

  /** A cipher over the named keysets of the database's key store table. */
  FieldCipher cipher(DataSource ds) {
    return FieldCipher.create(keys.load(ds, kek()));
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
