package dev.fieldvault.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.jdbc.ColumnStorage;
import dev.fieldvault.jdbc.rotation.EncryptedColumn;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.ValueCodec;
import dev.fieldvault.keys.ValueCodecs;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The tables file: a JSON document declaring the encrypted columns of plain-JDBC tables, exactly
 * as the application writes them (context domain and field, type, mode, row binding, storage,
 * blind index). Only {@code table}, {@code primaryKey} and each {@code column} are required:
 *
 * <pre>{@code
 * {"tables": [{
 *   "table": "customer", "primaryKey": "id", "tenantColumn": "tenant_id",
 *   "columns": [
 *     {"column": "email", "domain": "Customer", "field": "email", "mode": "DETERMINISTIC"},
 *     {"column": "birthday", "type": "LocalDate", "rowBound": true, "storage": "TEXT"},
 *     {"column": "phone", "blindIndex": {"column": "phone_bi", "length": 16, "normalizer": "case-insensitive"}}
 *   ]}]}
 * }</pre>
 *
 * <p>Defaults: domain = the table name, field = the column name, type {@code String}, mode
 * {@code RANDOMIZED}, rowBound false, compressAbove -1 (never), storage {@code BINARY}; a blind
 * index has length 16, normaliser {@code exact} ({@code case-insensitive} and {@code email} too)
 * and binary storage.
 */
final class TablesFile {

  /** The value types by their lower-case names (as the tables file and --type write them). */
  static final Map<String, Class<?>> TYPES = Map.ofEntries(
      Map.entry("string", String.class), Map.entry("bytes", byte[].class), Map.entry("boolean", Boolean.class),
      Map.entry("byte", Byte.class), Map.entry("short", Short.class), Map.entry("int", Integer.class),
      Map.entry("long", Long.class), Map.entry("float", Float.class), Map.entry("double", Double.class),
      Map.entry("biginteger", BigInteger.class), Map.entry("bigdecimal", BigDecimal.class),
      Map.entry("localdate", LocalDate.class), Map.entry("localtime", LocalTime.class),
      Map.entry("localdatetime", LocalDateTime.class), Map.entry("instant", Instant.class),
      Map.entry("offsetdatetime", OffsetDateTime.class), Map.entry("uuid", UUID.class));
  private static final Set<String> TABLE_KEYS = Set.of("table", "primaryKey", "tenantColumn", "columns");
  private static final Set<String> COLUMN_KEYS = Set.of("column", "domain", "field", "type", "mode", "rowBound",
      "compressAbove", "storage", "blindIndex");

  private TablesFile() {}

  static List<EncryptedTable> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("cannot read the tables file " + file + ": " + e.getMessage());
    }
    try {
      JsonObject root = JsonParser.parseString(text).getAsJsonObject();
      JsonArray tables = root.getAsJsonArray("tables");
      if (tables == null || tables.isEmpty()) {
        throw new CliException(file + " declares no table: it needs {\"tables\": [{\"table\": ..., \"primaryKey\": ...,"
            + " \"columns\": [...]}]}");
      }
      List<EncryptedTable> out = new ArrayList<>();
      for (JsonElement t : tables) {
        out.add(table(t.getAsJsonObject()));
      }
      return out;
    } catch (CliException e) {
      throw e;
    } catch (FieldVaultException | IllegalStateException | IllegalArgumentException | NullPointerException
        | UnsupportedOperationException | ClassCastException e) {
      throw new CliException("bad tables file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {   // gson's JsonParseException and friends
      throw new CliException("bad tables file " + file + " (not the expected JSON): " + e.getMessage());
    }
  }

  private static EncryptedTable table(JsonObject t) {
    unknownKeys(t, TABLE_KEYS, "table");
    String name = required(t, "table", "a table");
    // "id", or a composite key in index order: "tenant_id, id"
    EncryptedTable.Builder b = EncryptedTable.builder(name)
        .primaryKey(required(t, "primaryKey", "table " + name).trim().split("\\s*,\\s*"));
    if (t.has("tenantColumn")) {
      b.tenantColumn(t.get("tenantColumn").getAsString());
    }
    JsonArray cols = t.getAsJsonArray("columns");
    if (cols == null) {
      throw new CliException("table " + name + " declares no \"columns\"");
    }
    for (JsonElement c : cols) {
      b.column(column(name, c.getAsJsonObject()));
    }
    return b.build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static EncryptedColumn column(String table, JsonObject c) {
    unknownKeys(c, COLUMN_KEYS, "column of " + table);
    String column = required(c, "column", "a column of table " + table);
    String typeName = c.has("type") ? c.get("type").getAsString() : "String";
    Class<?> type = TYPES.get(typeName.toLowerCase(Locale.ROOT));
    if (type == null) {
      throw new CliException(table + "." + column + ": unknown type '" + typeName + "'; one of String, bytes, boolean,"
          + " byte, short, int, long, float, double, BigInteger, BigDecimal, LocalDate, LocalTime, LocalDateTime,"
          + " Instant, OffsetDateTime, UUID");
    }
    ValueCodec codec = ValueCodecs.forType(type);
    FieldSpec.Builder spec = FieldSpec.builder(c.has("domain") ? c.get("domain").getAsString() : table,
        c.has("field") ? c.get("field").getAsString() : column, codec);
    if (c.has("mode")) {
      spec.mode(EncryptionMode.valueOf(c.get("mode").getAsString().toUpperCase(Locale.ROOT)));
    }
    if (c.has("rowBound")) {
      spec.rowBound(c.get("rowBound").getAsBoolean());
    }
    if (c.has("compressAbove") && c.get("compressAbove").getAsInt() >= 0) {
      spec.compressAbove(c.get("compressAbove").getAsInt());
    }
    JsonObject bi = c.has("blindIndex") ? c.getAsJsonObject("blindIndex") : null;
    if (bi != null) {
      int length = bi.has("length") ? bi.get("length").getAsInt() : FieldSpec.DEFAULT_BLIND_INDEX_LENGTH;
      String normalizer = bi.has("normalizer") ? bi.get("normalizer").getAsString() : "exact";
      Function n = switch (normalizer) {
        case "exact" -> Normalizers.exact(codec);
        case "case-insensitive" -> requireString(type, table, column, normalizer, Normalizers.caseInsensitive());
        case "email" -> requireString(type, table, column, normalizer, Normalizers.email());
        default -> throw new CliException(table + "." + column + ": unknown blind index normalizer '" + normalizer
            + "'; one of exact, case-insensitive, email");
      };
      spec.blindIndex(length, n);
    }
    FieldSpec<?> built = spec.build();
    ColumnStorage storage = storage(c, table + "." + column);
    EncryptedColumn col = storage == ColumnStorage.TEXT ? EncryptedColumn.text(column, built)
        : EncryptedColumn.binary(column, built);
    if (bi != null) {
      col = col.withBlindIndex(required(bi, "column", "the blind index of " + table + "." + column),
          storage(bi, table + "." + column + " blind index"));
    }
    return col;
  }

  private static Function<?, byte[]> requireString(Class<?> type, String table, String column, String normalizer,
      Function<String, byte[]> n) {
    if (type != String.class) {
      throw new CliException(table + "." + column + ": the " + normalizer + " normalizer needs type String");
    }
    return n;
  }

  private static ColumnStorage storage(JsonObject o, String what) {
    if (!o.has("storage")) {
      return ColumnStorage.BINARY;
    }
    try {
      return ColumnStorage.valueOf(o.get("storage").getAsString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(what + ": storage must be BINARY or TEXT, not " + o.get("storage"));
    }
  }

  private static String required(JsonObject o, String key, String what) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull() || e.getAsString().isBlank()) {
      throw new CliException(what + " needs \"" + key + "\"");
    }
    return e.getAsString();
  }

  private static void unknownKeys(JsonObject o, Set<String> known, String what) {
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        throw new CliException("unknown key \"" + k + "\" in a " + what + "; known: " + new java.util.TreeSet<>(known));
      }
    }
  }
}
