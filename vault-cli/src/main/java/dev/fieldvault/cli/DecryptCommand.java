package dev.fieldvault.cli;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.FieldEncryptor;
import javax.sql.DataSource;
import picocli.CommandLine.Command;

/** {@code fieldvault decrypt}: one stored value of a column back to its plaintext. */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
    description = {"Decrypt one stored value of a column (base64 for a TEXT column; hex or base64 for a BINARY one)"
        + " in the column's context, and print the plaintext (bytes as base64).",
        "The ciphertext comes from standard input, --value-file or --value-env. A value of another column, row or"
        + " tenant fails to decrypt."})
final class DecryptCommand extends ValueCommand {

  @Override
  public Integer call() {
    String text = readText("ciphertext").strip();
    DataSource ds = dataSource();
    ColumnContext c = column(ds);
    byte[] ct = c.storage() == ColumnStorage.TEXT ? CiphertextHeader.decodeText(text) : ValueText.binary(text);
    FieldEncryptor<Object> enc = encryptor(cipher(ds), c);
    Object value = enc.decrypt(ct, tenant, canonicalRowId());
    out().println(ValueText.format(value));
    return 0;
  }
}
