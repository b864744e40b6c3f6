package dev.fieldvault.cli;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.FieldEncryptor;
import java.util.Base64;
import java.util.HexFormat;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fieldvault encrypt}: one value, for one column's context, in the column's stored form. */
@Command(name = "encrypt", mixinStandardHelpOptions = true,
    description = {"Encrypt one value for a column, bound to the context the application binds (the JDBC wrapper's"
        + " table.column, or @Encrypted's entity.attribute, with tenant and row id where they apply), so seed SQL"
        + " and fixtures can hold ciphertext.",
        "The value comes from standard input, --value-file or --value-env, never the command line; one trailing"
        + " line break is dropped; bytes are given as base64. Prints the stored form: base64 for a TEXT column,"
        + " hex for a BINARY one, or a SQL literal with --sql DIALECT."})
final class EncryptCommand extends ValueCommand {

  @Option(names = "--sql", paramLabel = "DIALECT",
      description = "Print a SQL literal for this database: POSTGRESQL, MARIADB, MYSQL or H2.")
  SqlDialect sql;

  @Option(names = "--blind-index", description = "Also print the value's blind index, on a second line (columns"
      + " declared with one in --tables or --entities).")
  boolean blindIndex;

  @Override
  public Integer call() {
    String text = readText("value");
    DataSource ds = dataSource();
    ColumnContext c = column(ds);
    Object value = ValueText.parse(c.spec().codec().type(), text, "the value");
    FieldEncryptor<Object> enc = encryptor(cipher(ds), c);
    byte[] ct = enc.encrypt(value, tenant, canonicalRowId());
    if (blindIndex && (c.declared() == null || c.declared().blindIndexColumn() == null)) {
      throw new CliException(c.table() + "." + c.column() + " has no blind index: declare it (with its normalizer)"
          + " in the tables file, or use --entities");
    }
    out().println(stored(ct, c.storage()));
    if (blindIndex) {
      out().println(stored(enc.blindIndex(value, tenant), c.declared().blindIndexStorage()));
    }
    return 0;
  }

  private String stored(byte[] bytes, ColumnStorage storage) {
    if (sql != null) {
      return sql.literal(bytes, storage);
    }
    return storage == ColumnStorage.TEXT ? Base64.getEncoder().encodeToString(bytes) : HexFormat.of().formatHex(bytes);
  }
}
