package dev.fieldvault.secrets.imports.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.imports.SecretsImportException;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS Secrets Manager JSON, as the AWS CLI prints it. Accepted shapes (README, "Importing from other
 * products"): one {@code get-secret-value} response (an object with {@code Name}); a
 * {@code batch-get-secret-value} response ({@code {"SecretValues": [...], "Errors": [...]}}; a non-empty
 * {@code Errors} refuses the file, which is then incomplete); a JSON array of {@code get-secret-value}
 * responses. Each entry needs {@code Name} and exactly one of {@code SecretString} (a string value) and
 * {@code SecretBinary} (base64; a bytes value). Metadata kept (plaintext): {@code source=aws-secrets-manager},
 * {@code aws.arn}, {@code aws.versionId}, {@code aws.createdDate} (ISO-8601, from the CLI's ISO text or epoch
 * seconds, 1970 to 9999). {@code SecretBinary} is strict standard base64.
 */
public final class AwsSecretsFile {

  /** 9999-12-31T23:59:59Z: the last second of a four-digit year. */
  private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(253402300799L);

  private AwsSecretsFile() {}

  public static List<SourceSecret> parse(String text) {
    JsonElement root = JsonFiles.parse(text, "AWS Secrets Manager file");
    JsonArray entries;
    if (root.isJsonArray()) {
      entries = root.getAsJsonArray();
    } else if (root.isJsonObject() && root.getAsJsonObject().has("SecretValues")) {
      JsonObject batch = root.getAsJsonObject();
      JsonElement errors = batch.get("Errors");
      if (errors != null && errors.isJsonArray() && !errors.getAsJsonArray().isEmpty()) {
        JsonElement first = errors.getAsJsonArray().get(0);
        String id = first.isJsonObject() ? string(first.getAsJsonObject(), "SecretId") : null;
        String code = first.isJsonObject() ? string(first.getAsJsonObject(), "ErrorCode") : null;
        throw new SecretsImportException(Reason.MALFORMED, "Errors", "the batch response lists "
            + errors.getAsJsonArray().size() + " secrets AWS did not return (first: " + id + ", " + code
            + "): the file is incomplete; fetch those again (or remove the Errors to import the rest)");
      }
      if (!batch.get("SecretValues").isJsonArray()) {
        throw new SecretsImportException(Reason.MALFORMED, "SecretValues", "must be a JSON array, not a "
            + VaultKvFile.kind(batch.get("SecretValues")));
      }
      entries = batch.getAsJsonArray("SecretValues");
    } else if (root.isJsonObject() && root.getAsJsonObject().has("Name")) {
      entries = new JsonArray();
      entries.add(root);
    } else {
      throw new SecretsImportException(Reason.MALFORMED, null, "an AWS Secrets Manager file holds a"
          + " get-secret-value response (an object with Name), a batch-get-secret-value response (with"
          + " SecretValues) or a JSON array of get-secret-value responses");
    }
    if (entries.isEmpty()) {
      throw new SecretsImportException(Reason.MALFORMED, null, "the AWS Secrets Manager file holds no secret");
    }
    List<SourceSecret> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(entry(entries.get(i), "entry " + (i + 1)));
    }
    return out;
  }

  private static SourceSecret entry(JsonElement e, String where) {
    if (!e.isJsonObject()) {
      throw new SecretsImportException(Reason.MALFORMED, where, "must be a JSON object (a get-secret-value"
          + " response), not a " + VaultKvFile.kind(e));
    }
    JsonObject o = e.getAsJsonObject();
    String name = string(o, "Name");
    if (name == null) {
      throw new SecretsImportException(Reason.MALFORMED, where, "has no Name (a string): the secret's name is"
          + " the entry's name in the store");
    }
    String at = where + " ('" + name + "')";
    boolean hasString = o.has("SecretString") && !o.get("SecretString").isJsonNull();
    boolean hasBinary = o.has("SecretBinary") && !o.get("SecretBinary").isJsonNull();
    if (hasString == hasBinary) {
      throw new SecretsImportException(Reason.MALFORMED, at, hasString
          ? "has both SecretString and SecretBinary: keep the one AWS returned"
          : "has neither SecretString nor SecretBinary: fetch it with get-secret-value");
    }
    SecretValue value;
    if (hasString) {
      if (!isString(o.get("SecretString"))) {
        throw new SecretsImportException(Reason.MALFORMED, at, "SecretString must be a JSON string");
      }
      value = SecretValue.ofString(o.get("SecretString").getAsString());
    } else {
      if (!isString(o.get("SecretBinary"))) {
        throw new SecretsImportException(Reason.MALFORMED, at, "SecretBinary must be a base64 JSON string");
      }
      value = SecretValue.ofBytes(base64(o.get("SecretBinary").getAsString(), at));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("source", "aws-secrets-manager");
    putIfPresent(metadata, "aws.arn", string(o, "ARN"));
    putIfPresent(metadata, "aws.versionId", string(o, "VersionId"));
    putIfPresent(metadata, "aws.createdDate", createdDate(o.get("CreatedDate"), at));
    return new SourceSecret(name, value, metadata, at, null);
  }

  /** The CLI prints ISO-8601 with an offset; older versions and the raw API print epoch seconds. */
  private static String createdDate(JsonElement e, String at) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    Instant when = null;
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        BigDecimal seconds = e.getAsBigDecimal();
        if (seconds.signum() >= 0 && seconds.compareTo(MAX_EPOCH_SECONDS) <= 0) {
          when = Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
      } else if (isString(e)) {
        when = OffsetDateTime.parse(e.getAsString()).toInstant();
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException ex) {
      when = null; // reported below
    }
    if (when == null || when.isBefore(Instant.EPOCH) || when.getEpochSecond() > MAX_EPOCH_SECONDS.longValue()) {
      throw new SecretsImportException(Reason.MALFORMED, at, "CreatedDate must be an ISO-8601 date-time with an"
          + " offset or epoch seconds, from 1970 to the end of year 9999 (epoch seconds 0 to " + MAX_EPOCH_SECONDS
          + "): export the entry again");
    }
    return when.toString();
  }

  /**
   * Strict standard base64 (RFC 4648 section 4, the alphabet AWS emits): padding required to a multiple of 4,
   * no character outside the alphabet (line breaks included), no bits set after the last byte: the text must
   * be exactly what encoding the decoded bytes gives. A lenient decoder would drop foreign characters and
   * import different bytes without a word.
   */
  private static byte[] base64(String text, String at) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text); // the basic decoder: no foreign character, line breaks included
    } catch (IllegalArgumentException ex) {
      bytes = null;
    }
    // canonical: re-encoding gives the same text (no stray bits in the last character before the padding)
    if (bytes == null || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new SecretsImportException(Reason.MALFORMED, at, "SecretBinary is not valid base64 (the standard"
          + " alphabet A-Z a-z 0-9 + /, padded with '=' to a multiple of 4 characters): export the entry again");
    }
    return bytes;
  }

  private static boolean isString(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  private static String string(JsonObject o, String key) {
    JsonElement v = o.get(key);
    return v != null && isString(v) ? v.getAsString() : null;
  }

  private static void putIfPresent(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
