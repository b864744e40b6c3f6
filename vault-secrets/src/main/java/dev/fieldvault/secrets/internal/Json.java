package dev.fieldvault.secrets.internal;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.fieldvault.keys.VaultConfigurationException;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON forms of metadata (a flat string map), via Gson. */
public final class Json {

  private static final Type STRING_MAP = new TypeToken<LinkedHashMap<String, String>>() {}.getType();
  /** Longest metadata JSON accepted, in characters. */
  public static final int MAX_METADATA_CHARS = 16_384;

  private final Gson gson = new Gson();

  public Gson gson() {
    return gson;
  }

  /** The stored text of metadata; null for none. */
  public String metadata(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return null;
    }
    String s = gson.toJson(metadata);
    if (s.length() > MAX_METADATA_CHARS) {
      throw new VaultConfigurationException("Metadata must be at most " + MAX_METADATA_CHARS
          + " characters of JSON, not " + s.length() + ": keep large data in the value");
    }
    return s;
  }

  /** The metadata read back; empty for none. */
  public Map<String, String> parseMetadata(String stored) {
    if (stored == null || stored.isEmpty()) {
      return Map.of();
    }
    try {
      Map<String, String> m = gson.fromJson(stored, STRING_MAP);
      return Collections.unmodifiableMap(m);
    } catch (JsonParseException e) {
      throw new VaultConfigurationException("Stored metadata is not a JSON object of strings: it was changed"
          + " outside the vault");
    }
  }
}
