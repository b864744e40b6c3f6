package dev.fieldvault.secrets.imports.internal;

import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.imports.SecretsImportException;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import dev.fieldvault.secrets.internal.Names;
import java.util.Map;

/**
 * One secret read from an import file: its name, value and plaintext metadata (never secret: versions,
 * dates, the source), where it was found, and a reason to skip it (the source marks it deleted) or null.
 */
public record SourceSecret(String name, SecretValue value, Map<String, String> metadata, String location,
    String skipReason) {

  public SourceSecret {
    metadata = Map.copyOf(metadata);
    String problem = Names.metadataProblem(metadata);
    if (problem != null) {
      // the source's metadata (Vault custom_metadata) could not be stored as it is: refused before any write
      throw new SecretsImportException(Reason.MALFORMED, location, "the source's metadata is not valid Unicode"
          + " text: " + problem);
    }
  }

  @Override
  public String toString() {
    return "SourceSecret{" + name + " at " + location + ", " + value + "}";
  }
}
