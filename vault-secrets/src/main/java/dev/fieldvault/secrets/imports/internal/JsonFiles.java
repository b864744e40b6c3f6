package dev.fieldvault.secrets.imports.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.fieldvault.secrets.imports.SecretsImportException;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import java.io.IOException;
import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict JSON parsing whose errors name a line and column but never quote the file (it holds secrets). */
final class JsonFiles {

  private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

  private JsonFiles() {}

  static JsonElement parse(String text, String what) {
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      r.setStrictness(Strictness.STRICT);
      JsonElement e = com.google.gson.JsonParser.parseReader(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new SecretsImportException(Reason.MALFORMED, null, "the " + what + " has more than one JSON"
            + " document: give one JSON value per file");
      }
      return e;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      Matcher m = POSITION.matcher(String.valueOf(e.getMessage()));
      String where = m.find() ? "line " + m.group(1) + " column " + m.group(2) : null;
      // the cause is dropped on purpose: Gson's messages may quote the text around the error
      throw new SecretsImportException(Reason.MALFORMED, where, "the " + what + " is not valid JSON"
          + (where == null ? "" : " here") + ": export it again with the product's JSON output");
    }
  }
}
