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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict JSON parsing whose errors name a line and column but never quote the file (it holds secrets). A key
 * given twice in one object is refused (Gson would keep the last value and silently drop the other); the
 * error names its line and column, not the key (a data map's keys may be anything).
 */
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
      refuseDuplicateKeys(text, what);
      return e;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      Matcher m = POSITION.matcher(String.valueOf(e.getMessage()));
      String where = m.find() ? "line " + m.group(1) + " column " + m.group(2) : null;
      // the cause is dropped on purpose: Gson's messages may quote the text around the error
      throw new SecretsImportException(Reason.MALFORMED, where, "the " + what + " is not valid JSON"
          + (where == null ? "" : " here") + ": export it again with the product's JSON output");
    }
  }

  /** Second pass over valid JSON: every object's keys must be distinct. */
  private static void refuseDuplicateKeys(String text, String what) throws IOException {
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      r.setStrictness(Strictness.STRICT);
      Deque<Set<String>> objects = new ArrayDeque<>();
      while (true) {
        JsonToken t = r.peek();
        switch (t) {
          case BEGIN_OBJECT -> {
            r.beginObject();
            objects.push(new HashSet<>());
          }
          case END_OBJECT -> {
            r.endObject();
            objects.pop();
          }
          case BEGIN_ARRAY -> r.beginArray();
          case END_ARRAY -> r.endArray();
          case NAME -> {
            String key = r.nextName();
            if (!objects.peek().add(key)) {
              Matcher m = POSITION.matcher(r.toString());
              String where = m.find() ? "line " + m.group(1) + " column " + m.group(2) : null;
              throw new SecretsImportException(Reason.MALFORMED, where, "the " + what + " gives the same key twice"
                  + " in one JSON object (the second one ends here; one of the two values would be lost): keep one"
                  + " of them");
            }
          }
          case END_DOCUMENT -> {
            return;
          }
          default -> r.skipValue();
        }
      }
    }
  }
}
