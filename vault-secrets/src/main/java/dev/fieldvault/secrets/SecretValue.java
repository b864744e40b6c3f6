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
  /** What the value is ({@link Secrets}); GENERIC for plain strings, bytes and JSON. */
  private final SecretKind kind;

  private SecretValue(Type type, byte[] bytes) {
    this(type, bytes, SecretKind.GENERIC);
  }

  private SecretValue(Type type, byte[] bytes, SecretKind kind) {
    this.type = type;
    this.bytes = bytes;
    this.kind = kind;
  }

  /** A typed value (its JSON object); built by {@link Secrets}. */
  static SecretValue typed(SecretKind kind, byte[] json) {
    return new SecretValue(Type.JSON, json, kind);
  }

  public static SecretValue ofString(String value) {
    return new SecretValue(Type.STRING, utf8(Objects.requireNonNull(value, "value")));
  }

  /**
   * The UTF-8 bytes of a text value; refused when it is not valid Unicode (an unpaired surrogate would
   * be stored as {@code ?}, so the value read back would differ from the one written). The message gives
   * the position, never the value.
   */
  static byte[] utf8(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        throw new IllegalArgumentException("A secret's text must be valid Unicode, but it has an unpaired surrogate"
            + " (a half of a UTF-16 pair) at index " + i + ": it could not be stored unchanged; store binary data"
            + " with SecretValue.ofBytes");
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static SecretValue ofBytes(byte[] value) {
    return new SecretValue(Type.BYTES, Objects.requireNonNull(value, "value").clone());
  }

  /** A JSON object from a map of JSON-compatible values (strings, numbers, booleans, lists, maps, null). */
  public static SecretValue ofJson(Map<String, ?> object) {
    return new SecretValue(Type.JSON, utf8(GSON.toJson(Objects.requireNonNull(object, "object"))));
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
    return new SecretValue(Type.JSON, utf8(e.toString()));
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

  /** What this value is: {@link SecretKind#GENERIC} unless it was built by {@link Secrets}. */
  public SecretKind kind() {
    return kind;
  }

  /**
   * The API key.
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Secrets.ApiKey asApiKey() {
    return Secrets.readApiKey(typedBytes(SecretKind.API_KEY));
  }

  /**
   * The database credentials.
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Secrets.DatabaseCredentials asDatabaseCredentials() {
    return Secrets.readDatabaseCredentials(typedBytes(SecretKind.DATABASE_CREDENTIALS));
  }

  /**
   * The certificate chain, parsed (java.security.cert); {@link Secrets.Certificate#toPem()} gives PEM.
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Secrets.Certificate asCertificate() {
    return Secrets.readCertificate(typedBytes(SecretKind.CERTIFICATE));
  }

  /**
   * The signing key (algorithm and key material).
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Secrets.SigningKey asSigningKey() {
    return Secrets.readSigningKey(typedBytes(SecretKind.SIGNING_KEY));
  }

  /**
   * The OAuth token (access token, refresh token, expiry, scopes).
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Secrets.OAuthToken asOAuthToken() {
    return Secrets.readOAuthToken(typedBytes(SecretKind.OAUTH_TOKEN));
  }

  /**
   * The configuration map (unmodifiable, in stored order).
   *
   * @throws WrongSecretKindException if this value is of another kind
   */
  public Map<String, String> asConfig() {
    return Secrets.readConfig(typedBytes(SecretKind.CONFIG));
  }

  private byte[] typedBytes(SecretKind wanted) {
    if (kind != wanted) {
      throw new WrongSecretKindException(kind, wanted);
    }
    return bytes;
  }

  /**
   * The storage encoding: a type tag and the bytes; a typed value: tag 4, its kind's code, the JSON
   * object (docs/FORMAT.md, section 9).
   */
  byte[] encode() {
    if (kind != SecretKind.GENERIC) {
      byte[] out = new byte[bytes.length + 2];
      out[0] = TYPED_TAG;
      out[1] = (byte) kind.code();
      System.arraycopy(bytes, 0, out, 2, bytes.length);
      return out;
    }
    byte[] out = new byte[bytes.length + 1];
    out[0] = (byte) (type.ordinal() + 1);
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  /** The type tag of typed values ({@link Secrets}). */
  private static final byte TYPED_TAG = 4;

  /**
   * The kind an encoded value carries ({@link SecretKind#GENERIC} for an untyped one), read from its
   * header only; null when the header is of a kind or type this version does not know.
   */
  static SecretKind kindOf(byte[] encoded) {
    if (encoded.length >= 2 && encoded[0] == TYPED_TAG) {
      SecretKind k = SecretKind.ofCode(encoded[1] & 0xFF);
      return k == SecretKind.GENERIC ? null : k;
    }
    return encoded.length >= 1 && encoded[0] >= 1 && encoded[0] <= Type.values().length ? SecretKind.GENERIC : null;
  }

  static SecretValue decode(byte[] encoded) {
    if (encoded.length >= 2 && encoded[0] == TYPED_TAG) {
      SecretKind k = SecretKind.ofCode(encoded[1] & 0xFF);
      if (k == null || k == SecretKind.GENERIC) {
        throw new ValueCodecException("A stored secret has an unknown kind code: it was written by a newer FieldVault");
      }
      return new SecretValue(Type.JSON, Arrays.copyOfRange(encoded, 2, encoded.length), k);
    }
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
    return o instanceof SecretValue && ((SecretValue) o).type == type && ((SecretValue) o).kind == kind
        && MessageDigest.isEqual(((SecretValue) o).bytes, bytes);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValue{" + (kind == SecretKind.GENERIC ? type : kind) + ", <redacted>}";
  }
}
