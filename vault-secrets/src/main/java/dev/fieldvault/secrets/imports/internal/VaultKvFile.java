package dev.fieldvault.secrets.imports.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.imports.SecretsImportException;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HashiCorp Vault KV v2 JSON. Accepted shapes (README, "Importing from other products"):
 *
 * <ol>
 *   <li>one {@code vault kv get -format=json} response: {@code {"data": {"data": {...}, "metadata": {...}}, ...}},
 *       named after the file ({@code defaultName});
 *   <li>a dump: a JSON object of paths to secrets, each one of: a {@code vault kv get} response as above,
 *       a {@code {"data": {...}, "metadata": {...}}} object (the response's {@code data}), or the data map itself
 *       (any other object).
 * </ol>
 *
 * Each secret's data map becomes one JSON value. A version Vault marks deleted or destroyed
 * ({@code data} null) is skipped. Metadata kept (plaintext): {@code source=vault-kv}, {@code vault.version},
 * {@code vault.created_time} and every {@code custom_metadata} entry as {@code vault.custom.KEY}.
 */
public final class VaultKvFile {

  private VaultKvFile() {}

  public static List<SourceSecret> parse(String text, String defaultName) {
    JsonElement root = JsonFiles.parse(text, "Vault KV file");
    if (!root.isJsonObject()) {
      throw new SecretsImportException(Reason.MALFORMED, null, "a Vault KV file must hold a JSON object (one"
          + " `vault kv get -format=json` response, or an object of paths to secrets), not a " + kind(root));
    }
    JsonObject o = root.getAsJsonObject();
    List<SourceSecret> out = new ArrayList<>();
    if (isResponse(o)) {
      out.add(secret(defaultName, o.getAsJsonObject("data"), "the response"));
      return out;
    }
    if (o.isEmpty()) {
      throw new SecretsImportException(Reason.MALFORMED, null, "the Vault KV file holds no secret (an empty"
          + " object)");
    }
    int n = 0;
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      n++;
      String where = "entry " + n + " ('" + e.getKey() + "')";
      if (!e.getValue().isJsonObject()) {
        throw new SecretsImportException(Reason.MALFORMED, where, "a path must map to a JSON object (the data"
            + " map, or {\"data\": ..., \"metadata\": ...}), not a " + kind(e.getValue()));
      }
      JsonObject v = e.getValue().getAsJsonObject();
      JsonObject wrapped = isResponse(v) ? v.getAsJsonObject("data") : isDataAndMetadata(v) ? v : null;
      if (wrapped != null) {
        out.add(secret(e.getKey(), wrapped, where));
      } else {
        out.add(new SourceSecret(e.getKey(), SecretValue.ofJson(v.toString()), Map.of("source", "vault-kv"), where,
            null));
      }
    }
    return out;
  }

  /** {@code {"data": {"data": ..., "metadata": {...}}}}: a {@code vault kv get -format=json} response. */
  private static boolean isResponse(JsonObject o) {
    return o.has("data") && o.get("data").isJsonObject() && isDataAndMetadata(o.getAsJsonObject("data"));
  }

  /** {@code {"data": {...} or null, "metadata": {...}}}, nothing else. */
  private static boolean isDataAndMetadata(JsonObject o) {
    return o.size() == 2 && o.has("data") && o.has("metadata") && o.get("metadata").isJsonObject()
        && (o.get("data").isJsonObject() || o.get("data").isJsonNull());
  }

  private static SourceSecret secret(String name, JsonObject dataAndMetadata, String where) {
    JsonObject md = dataAndMetadata.getAsJsonObject("metadata");
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("source", "vault-kv");
    copy(md, "version", "vault.version", metadata);
    copy(md, "created_time", "vault.created_time", metadata);
    JsonElement custom = md.get("custom_metadata");
    if (custom != null && custom.isJsonObject()) {
      for (Map.Entry<String, JsonElement> c : custom.getAsJsonObject().entrySet()) {
        if (c.getValue().isJsonPrimitive()) {
          metadata.put("vault.custom." + c.getKey(), c.getValue().getAsString());
        }
      }
    }
    JsonElement data = dataAndMetadata.get("data");
    if (data.isJsonNull()) {
      boolean destroyed = md.has("destroyed") && md.get("destroyed").isJsonPrimitive()
          && md.get("destroyed").getAsBoolean();
      return new SourceSecret(name, null, metadata, where, destroyed ? "destroyed in Vault" : "deleted in Vault");
    }
    return new SourceSecret(name, SecretValue.ofJson(data.toString()), metadata, where, null);
  }

  private static void copy(JsonObject from, String key, String as, Map<String, String> to) {
    JsonElement v = from.get(key);
    if (v != null && v.isJsonPrimitive()) {
      to.put(as, v.getAsString());
    }
  }

  static String kind(JsonElement e) {
    return e.isJsonArray() ? "JSON array" : e.isJsonNull() ? "JSON null" : e.isJsonObject() ? "JSON object"
        : "JSON " + (e.getAsJsonPrimitive().isString() ? "string" : e.getAsJsonPrimitive().isNumber() ? "number"
        : "boolean");
  }
}
