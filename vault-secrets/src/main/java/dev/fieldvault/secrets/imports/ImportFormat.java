package dev.fieldvault.secrets.imports;

import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Locale;

/**
 * The files {@link SecretsImport} reads. What each accepts, exactly, is in vault-secrets/README.md
 * ("Importing from other products").
 */
public enum ImportFormat {
  /**
   * HashiCorp Vault KV version 2 as JSON: one {@code vault kv get -format=json} response (named after
   * the file), or a JSON object of paths to secrets, each a {@code vault kv get} response, a
   * {@code {"data": {...}, "metadata": {...}}} object, or the data map itself. Each secret's data map
   * becomes one JSON value.
   */
  VAULT_KV("vault-kv"),
  /**
   * AWS Secrets Manager as JSON: one {@code get-secret-value} response, a
   * {@code batch-get-secret-value} response ({@code SecretValues}), or a JSON array of
   * {@code get-secret-value} responses. {@code SecretString} becomes a string value,
   * {@code SecretBinary} (base64) a bytes value.
   */
  AWS_SECRETS_MANAGER("aws"),
  /** A {@code .env} file: {@code KEY=VALUE} lines, following dotenv's rules; each value a string. */
  DOTENV("dotenv");

  private final String id;

  ImportFormat(String id) {
    this.id = id;
  }

  /** The short name the CLI uses ({@code vault-kv}, {@code aws}, {@code dotenv}). */
  public String id() {
    return id;
  }

  /**
   * The format with this short name or enum name (any case).
   *
   * @throws VaultConfigurationException naming the accepted names
   */
  public static ImportFormat of(String name) {
    for (ImportFormat f : values()) {
      if (f.id.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new VaultConfigurationException("Unknown import format '"
        + (name == null ? null : name.toLowerCase(Locale.ROOT)) + "': use vault-kv, aws or dotenv");
  }
}
