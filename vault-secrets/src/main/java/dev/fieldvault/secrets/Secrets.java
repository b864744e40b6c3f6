package dev.fieldvault.secrets;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fieldvault.keys.ValueCodecException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed secret values ({@link SecretKind}): build one here, store it with {@link SecretStore#put}, read
 * it back with the typed accessor of {@link SecretResult} or {@link SecretValue}:
 *
 * <pre>{@code
 * store.put("orders-db", Secrets.databaseCredentials("orders", password, "jdbc:postgresql://db/orders"));
 * Secrets.DatabaseCredentials db = store.get("orders-db").asDatabaseCredentials();
 * }</pre>
 *
 * <p>Each is a JSON object inside the encrypted value (format in docs/FORMAT.md, section 9); the
 * records' {@code toString()} never shows a secret part.
 */
public final class Secrets {

  private Secrets() {}

  /** An API key: {@code keyId} (the public identifier some providers give, or null) and the key. */
  public record ApiKey(String keyId, String key) {
    public ApiKey {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "ApiKey{keyId=" + keyId + ", key=<redacted>}";
    }
  }

  /** Database credentials: user, password and the connection URL (or null). */
  public record DatabaseCredentials(String user, String password, String url) {
    public DatabaseCredentials {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "DatabaseCredentials{user=" + user + ", password=<redacted>, url=" + url + "}";
    }
  }

  /** An X.509 certificate chain, leaf first (certificates are public; no private key is held here). */
  public record Certificate(List<X509Certificate> chain) {
    public Certificate {
      if (chain == null || chain.isEmpty()) {
        throw new ValueCodecException("A certificate secret needs at least one certificate");
      }
      chain = List.copyOf(chain);
    }

    /** The first certificate of the chain. */
    public X509Certificate leaf() {
      return chain.get(0);
    }

    /** The earliest {@code notAfter} of the chain: when it stops being valid as a whole. */
    public Instant notAfter() {
      return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    }

    /** The chain as PEM text ({@code -----BEGIN CERTIFICATE-----} blocks, leaf first). */
    public String toPem() {
      StringBuilder b = new StringBuilder();
      Base64.Encoder enc = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
      for (X509Certificate c : chain) {
        try {
          b.append("-----BEGIN CERTIFICATE-----\n").append(enc.encodeToString(c.getEncoded()))
              .append("\n-----END CERTIFICATE-----\n");
        } catch (CertificateEncodingException e) {
          throw new ValueCodecException("A certificate of the chain cannot be encoded: " + e.getClass().getSimpleName());
        }
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return "Certificate{subject=" + leaf().getSubjectX500Principal().getName() + ", chain=" + chain.size()
          + ", notAfter=" + notAfter() + "}";
    }
  }

  /** A signing key: its algorithm name (as the application uses it, e.g. {@code Ed25519}) and key bytes. */
  public record SigningKey(String algorithm, byte[] keyMaterial) {
    public SigningKey {
      Objects.requireNonNull(algorithm, "algorithm");
      if (algorithm.isBlank()) {
        throw new ValueCodecException("A signing key needs an algorithm name");
      }
      keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial").clone();
    }

    /** A copy of the key bytes. */
    @Override
    public byte[] keyMaterial() {
      return keyMaterial.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SigningKey k && k.algorithm.equals(algorithm)
          && MessageDigest.isEqual(k.keyMaterial, keyMaterial);
    }

    @Override
    public int hashCode() {
      return algorithm.hashCode();
    }

    @Override
    public String toString() {
      return "SigningKey{algorithm=" + algorithm + ", keyMaterial=<redacted>}";
    }
  }

  /**
   * An OAuth token: access token, refresh token (or null), when the access token expires (or null) and
   * its scopes (possibly empty).
   */
  public record OAuthToken(String accessToken, String refreshToken, Instant expiresAt, List<String> scopes) {
    public OAuthToken {
      Objects.requireNonNull(accessToken, "accessToken");
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    @Override
    public String toString() {
      return "OAuthToken{accessToken=<redacted>, refreshToken=" + (refreshToken == null ? "none" : "<redacted>")
          + ", expiresAt=" + expiresAt + ", scopes=" + scopes + "}";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Factories

  /** An API key without key id. */
  public static SecretValue apiKey(String key) {
    return apiKey(null, key);
  }

  /** An API key with the provider's key id (public; may be null). */
  public static SecretValue apiKey(String keyId, String key) {
    ApiKey k = new ApiKey(keyId, key);
    JsonObject o = new JsonObject();
    if (k.keyId() != null) {
      o.addProperty("keyId", k.keyId());
    }
    o.addProperty("key", k.key());
    return typed(SecretKind.API_KEY, o);
  }

  /** Database credentials; {@code url} may be null. */
  public static SecretValue databaseCredentials(String user, String password, String url) {
    DatabaseCredentials d = new DatabaseCredentials(user, password, url);
    JsonObject o = new JsonObject();
    o.addProperty("user", d.user());
    o.addProperty("password", d.password());
    if (d.url() != null) {
      o.addProperty("url", d.url());
    }
    return typed(SecretKind.DATABASE_CREDENTIALS, o);
  }

  /**
   * A certificate chain from PEM text (one or more {@code -----BEGIN CERTIFICATE-----} blocks, leaf
   * first). Put without an expiry, its entry expires at the chain's earliest {@code notAfter}.
   *
   * @throws ValueCodecException the text holds no certificate or one that does not parse
   */
  public static SecretValue certificate(String pem) {
    return certificate(parsePem(Objects.requireNonNull(pem, "pem")));
  }

  /** A certificate chain, leaf first. */
  public static SecretValue certificate(List<X509Certificate> chain) {
    Certificate c = new Certificate(chain);
    JsonObject o = new JsonObject();
    o.addProperty("pem", c.toPem());
    return typed(SecretKind.CERTIFICATE, o);
  }

  /** A signing key: algorithm name and key bytes (stored base64). */
  public static SecretValue signingKey(String algorithm, byte[] keyMaterial) {
    SigningKey k = new SigningKey(algorithm, keyMaterial);
    JsonObject o = new JsonObject();
    o.addProperty("algorithm", k.algorithm());
    o.addProperty("key", Base64.getEncoder().encodeToString(k.keyMaterial));
    return typed(SecretKind.SIGNING_KEY, o);
  }

  /** An OAuth token; {@code refreshToken} and {@code expiresAt} may be null, {@code scopes} empty. */
  public static SecretValue oauthToken(String accessToken, String refreshToken, Instant expiresAt,
      List<String> scopes) {
    OAuthToken t = new OAuthToken(accessToken, refreshToken, expiresAt, scopes);
    JsonObject o = new JsonObject();
    o.addProperty("accessToken", t.accessToken());
    if (t.refreshToken() != null) {
      o.addProperty("refreshToken", t.refreshToken());
    }
    if (t.expiresAt() != null) {
      o.addProperty("expiresAt", t.expiresAt().toString());
    }
    JsonArray s = new JsonArray();
    t.scopes().forEach(s::add);
    o.add("scopes", s);
    return typed(SecretKind.OAUTH_TOKEN, o);
  }

  /** A configuration: a map of strings (keys and values non-null), kept in its iteration order. */
  public static SecretValue config(Map<String, String> values) {
    JsonObject m = new JsonObject();
    Objects.requireNonNull(values, "values").forEach((k, v) -> m.addProperty(Objects.requireNonNull(k, "key"),
        Objects.requireNonNull(v, "value of a config entry")));
    JsonObject o = new JsonObject();
    o.add("values", m);
    return typed(SecretKind.CONFIG, o);
  }

  private static SecretValue typed(SecretKind kind, JsonObject o) {
    return SecretValue.typed(kind, SecretValue.utf8(o.toString()));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading (from SecretValue's accessors)

  static ApiKey readApiKey(byte[] json) {
    JsonObject o = object(json, SecretKind.API_KEY);
    return new ApiKey(optional(o, "keyId"), required(o, "key", SecretKind.API_KEY));
  }

  static DatabaseCredentials readDatabaseCredentials(byte[] json) {
    JsonObject o = object(json, SecretKind.DATABASE_CREDENTIALS);
    return new DatabaseCredentials(required(o, "user", SecretKind.DATABASE_CREDENTIALS),
        required(o, "password", SecretKind.DATABASE_CREDENTIALS), optional(o, "url"));
  }

  static Certificate readCertificate(byte[] json) {
    return new Certificate(parsePem(required(object(json, SecretKind.CERTIFICATE), "pem", SecretKind.CERTIFICATE)));
  }

  static SigningKey readSigningKey(byte[] json) {
    JsonObject o = object(json, SecretKind.SIGNING_KEY);
    try {
      return new SigningKey(required(o, "algorithm", SecretKind.SIGNING_KEY),
          Base64.getDecoder().decode(required(o, "key", SecretKind.SIGNING_KEY)));
    } catch (IllegalArgumentException e) {
      throw malformed(SecretKind.SIGNING_KEY, "its key is not base64");
    }
  }

  static OAuthToken readOAuthToken(byte[] json) {
    JsonObject o = object(json, SecretKind.OAUTH_TOKEN);
    String exp = optional(o, "expiresAt");
    List<String> scopes = new ArrayList<>();
    JsonElement s = o.get("scopes");
    if (s != null && s.isJsonArray()) {
      s.getAsJsonArray().forEach(e -> scopes.add(e.getAsString()));
    }
    try {
      return new OAuthToken(required(o, "accessToken", SecretKind.OAUTH_TOKEN), optional(o, "refreshToken"),
          exp == null ? null : Instant.parse(exp), scopes);
    } catch (java.time.format.DateTimeParseException e) {
      throw malformed(SecretKind.OAUTH_TOKEN, "its expiresAt is not an ISO-8601 instant");
    }
  }

  static Map<String, String> readConfig(byte[] json) {
    JsonElement v = object(json, SecretKind.CONFIG).get("values");
    if (v == null || !v.isJsonObject()) {
      throw malformed(SecretKind.CONFIG, "it has no \"values\" object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
      out.put(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue().getAsString());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The accessor that reads a kind (for error messages). */
  static String accessorOf(SecretKind kind) {
    return switch (kind) {
      case GENERIC -> "asString(), asBytes() or asJson()";
      case API_KEY -> "asApiKey()";
      case DATABASE_CREDENTIALS -> "asDatabaseCredentials()";
      case CERTIFICATE -> "asCertificate()";
      case SIGNING_KEY -> "asSigningKey()";
      case OAUTH_TOKEN -> "asOAuthToken()";
      case CONFIG -> "asConfig()";
    };
  }

  static List<X509Certificate> parsePem(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    String begin = "-----BEGIN CERTIFICATE-----";
    String end = "-----END CERTIFICATE-----";
    int at = 0;
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      while (true) {
        int b = pem.indexOf(begin, at);
        if (b < 0) {
          break;
        }
        int e = pem.indexOf(end, b);
        if (e < 0) {
          throw new ValueCodecException("A certificate block has no END line (certificate " + (out.size() + 1) + ")");
        }
        byte[] der;
        try {
          der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
          throw new ValueCodecException("Certificate " + (out.size() + 1) + " of the PEM text is not base64");
        }
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
        at = e + end.length();
      }
    } catch (CertificateException e) {
      throw new ValueCodecException("Certificate " + (out.size() + 1) + " of the PEM text is not an X.509"
          + " certificate (" + e.getClass().getSimpleName() + ")");
    }
    if (out.isEmpty()) {
      throw new ValueCodecException("The PEM text holds no -----BEGIN CERTIFICATE----- block");
    }
    return out;
  }

  private static JsonObject object(byte[] json, SecretKind kind) {
    try {
      JsonElement e = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
      if (e.isJsonObject()) {
        return e.getAsJsonObject();
      }
    } catch (JsonParseException e) {
      // reported below, without the text
    }
    throw malformed(kind, "it is not a JSON object");
  }

  private static String required(JsonObject o, String field, SecretKind kind) {
    String v = optional(o, field);
    if (v == null) {
      throw malformed(kind, "it has no \"" + field + "\"");
    }
    return v;
  }

  private static String optional(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static ValueCodecException malformed(SecretKind kind, String why) {
    return new ValueCodecException("A stored " + kind + " secret is malformed (" + why + "): it was written by"
        + " another program");
  }
}
