package dev.fieldvault.secrets;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.fieldvault.keys.ValueCodecException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A secret value: a string, bytes, or a JSON object. Immutable; {@link #toString()} never shows the
 * value. Stored encrypted with a type tag inside the ciphertext, so the type is not visible in the
 * database either.
 */
public final class SecretValue {

  /** What a value holds. */
  public enum Type { STRING, BYTES, JSON }

  private static final Gson GSON = new Gson();

  private final Type type;
  private final byte[] bytes;

  private SecretValue(Type type, byte[] bytes) {
    this.type = type;
    this.bytes = bytes;
  }

  public static SecretValue ofString(String value) {
    return new SecretValue(Type.STRING, Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8));
  }

  public static SecretValue ofBytes(byte[] value) {
    return new SecretValue(Type.BYTES, Objects.requireNonNull(value, "value").clone());
  }

  /** A JSON object from a map of JSON-compatible values (strings, numbers, booleans, lists, maps, null). */
  public static SecretValue ofJson(Map<String, ?> object) {
    return new SecretValue(Type.JSON, GSON.toJson(Objects.requireNonNull(object, "object"))
        .getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON object from its text; anything but an object is refused. */
  public static SecretValue ofJson(String json) {
    Objects.requireNonNull(json, "json");
    JsonElement e;
    try {
      e = JsonParser.parseString(json);
    } catch (JsonParseException ex) {
      throw new ValueCodecException("A JSON secret value must be a JSON object; the text does not parse");
    }
    if (!e.isJsonObject()) {
      throw new ValueCodecException("A JSON secret value must be a JSON object, not a " + kind(e));
    }
    return new SecretValue(Type.JSON, e.toString().getBytes(StandardCharsets.UTF_8));
  }

  public Type type() {
    return type;
  }

  /** The string; for a JSON value, its text. */
  public String asString() {
    if (type == Type.BYTES) {
      throw new ValueCodecException("This secret holds bytes, not a string: use asBytes()");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The raw bytes (UTF-8 for strings and JSON); a copy. */
  public byte[] asBytes() {
    return bytes.clone();
  }

  /** The JSON object as a map (numbers as Double, nested objects as maps). */
  public Map<String, Object> asJson() {
    if (type != Type.JSON) {
      throw new ValueCodecException("This secret holds " + type + ", not a JSON object: use asString() or asBytes()");
    }
    return GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), new TypeToken<Map<String, Object>>() {}.getType());
  }

  /** The storage encoding: a type tag and the bytes. */
  byte[] encode() {
    byte[] out = new byte[bytes.length + 1];
    out[0] = (byte) (type.ordinal() + 1);
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  static SecretValue decode(byte[] encoded) {
    if (encoded.length < 1 || encoded[0] < 1 || encoded[0] > Type.values().length) {
      throw new ValueCodecException("A stored secret has an unknown type tag: it was written by a newer FieldVault");
    }
    return new SecretValue(Type.values()[encoded[0] - 1], Arrays.copyOfRange(encoded, 1, encoded.length));
  }

  private static String kind(JsonElement e) {
    return e.isJsonArray() ? "JSON array" : e.isJsonNull() ? "JSON null" : "JSON primitive";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue && ((SecretValue) o).type == type
        && MessageDigest.isEqual(((SecretValue) o).bytes, bytes);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValue{" + type + ", <redacted>}";
  }
}
