package dev.fieldvault.secrets.imports.internal;

import dev.fieldvault.secrets.SecretValue;
import java.util.Map;

/**
 * One secret read from an import file: its name, value and plaintext metadata (never secret: versions,
 * dates, the source), where it was found, and a reason to skip it (the source marks it deleted) or null.
 */
public record SourceSecret(String name, SecretValue value, Map<String, String> metadata, String location,
    String skipReason) {

  public SourceSecret {
    metadata = Map.copyOf(metadata);
  }

  @Override
  public String toString() {
    return "SourceSecret{" + name + " at " + location + ", " + value + "}";
  }
}
