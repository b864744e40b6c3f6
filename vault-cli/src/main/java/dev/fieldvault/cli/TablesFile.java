package dev.fieldvault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
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
 * The tables file: the serialized form of FieldVault's column model ({@link EncryptedColumn}),
 * grouped by table with each table's primary key (what the rewrapper walks). {@link #read} and
 * {@link #write} are inverse: a model written and read back is the same model. Only {@code table},
 * {@code primaryKey} and each {@code column} are required:
 *
 * <pre>{@code
 * {"tables": [{
 *   "table": "customer", "primaryKey": "id", "tenantColumn": "tenant_id",
 *   "columns": [
 *     {"column": "email", "domain": "Customer", "field": "email", "mode": "DETERMINISTIC"},
 *     {"column": "birthday", "type": "LocalDate", "rowIdColumn": "id", "storage": "TEXT"},
 *     {"column": "phone", "blindIndex": {"column": "phone_bi", "length": 16, "normalizer": "case-insensitive"}}
 *   ]}]}
 * }</pre>
 *
 * <p>Defaults: domain = the table name, field = the column name, type {@code String}, mode
 * {@code RANDOMIZED}, no row binding, compressAbove -1 (never), storage {@code BINARY}; a blind
 * index has length 16, normaliser {@code exact} ({@code case-insensitive} and {@code email} too)
 * and binary storage. {@code "rowBound": true} (the older form) binds to the single primary key
 * column. A table's {@code tenantColumn} is every column's tenant column. Names follow
 * {@link dev.fieldvault.keys.SqlIdentifier}'s rule (quoted names are written with their quotes).
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
  /** The names {@link #write} gives the types, the inverse of {@link #TYPES}. */
  private static final Map<Class<?>, String> TYPE_NAMES = Map.ofEntries(
      Map.entry(String.class, "String"), Map.entry(byte[].class, "bytes"), Map.entry(Boolean.class, "boolean"),
      Map.entry(Byte.class, "byte"), Map.entry(Short.class, "short"), Map.entry(Integer.class, "int"),
      Map.entry(Long.class, "long"), Map.entry(Float.class, "float"), Map.entry(Double.class, "double"),
      Map.entry(BigInteger.class, "BigInteger"), Map.entry(BigDecimal.class, "BigDecimal"),
      Map.entry(LocalDate.class, "LocalDate"), Map.entry(LocalTime.class, "LocalTime"),
      Map.entry(LocalDateTime.class, "LocalDateTime"), Map.entry(Instant.class, "Instant"),
      Map.entry(OffsetDateTime.class, "OffsetDateTime"), Map.entry(UUID.class, "UUID"));
  private static final Set<String> TABLE_KEYS = Set.of("table", "primaryKey", "tenantColumn", "columns");
  private static final Set<String> COLUMN_KEYS = Set.of("column", "domain", "field", "type", "mode", "rowBound",
      "rowIdColumn", "compressAbove", "storage", "blindIndex");
  private static final Set<String> BLIND_INDEX_KEYS = Set.of("column", "length", "normalizer", "storage");

  private TablesFile() {}

  static List<EncryptedTable> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("cannot read the tables file " + file + ": " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (CliException e) {
      throw e;
    } catch (FieldVaultException | IllegalStateException | IllegalArgumentException | NullPointerException
        | UnsupportedOperationException | ClassCastException e) {
      throw new CliException("bad tables file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {   // gson's JsonParseException and friends
      throw new CliException("bad tables file " + file + " (not the expected JSON): " + e.getMessage());
    }
  }

  /** The tables of a tables file's text. */
  static List<EncryptedTable> parse(String text) {
    JsonObject root = JsonParser.parseString(text).getAsJsonObject();
    JsonArray tables = root.getAsJsonArray("tables");
    if (tables == null || tables.isEmpty()) {
      throw new CliException("the tables file declares no table: it needs {\"tables\": [{\"table\": ...,"
          + " \"primaryKey\": ..., \"columns\": [...]}]}");
    }
    List<EncryptedTable> out = new ArrayList<>();
    for (JsonElement t : tables) {
      out.add(table(t.getAsJsonObject()));
    }
    return out;
  }

  /**
   * The tables file of a model: {@link #parse} of it gives the same tables and columns.
   *
   * @throws CliException for what the file cannot carry: a row context (code), a custom codec or
   *     a custom blind-index normaliser
   */
  static String write(List<EncryptedTable> tables) {
    JsonArray out = new JsonArray();
    for (EncryptedTable t : tables) {
      JsonObject o = new JsonObject();
      o.addProperty("table", t.table());
      o.addProperty("primaryKey", String.join(", ", t.primaryKeys()));
      if (t.tenantColumn() != null) {
        o.addProperty("tenantColumn", t.tenantColumn());
      }
      JsonArray cols = new JsonArray();
      for (EncryptedColumn c : t.columns()) {
        cols.add(column(c));
      }
      o.add("columns", cols);
      out.add(o);
    }
    JsonObject root = new JsonObject();
    root.add("tables", out);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
  }

  private static JsonObject column(EncryptedColumn c) {
    String what = c.qualifiedName();
    if (c.rowContext() != null) {
      throw new CliException(what + " computes its context with a row context (code), which a tables file cannot"
          + " carry");
    }
    String type = TYPE_NAMES.get(c.spec().codec().type());
    if (type == null) {
      throw new CliException(what + " uses a custom value codec (" + c.spec().codec().type().getName()
          + "), which a tables file cannot carry");
    }
    JsonObject o = new JsonObject();
    o.addProperty("column", c.column());
    o.addProperty("domain", c.spec().domain());
    o.addProperty("field", c.spec().field());
    o.addProperty("type", type);
    o.addProperty("mode", c.mode().name());
    if (c.rowIdColumn() != null) {
      o.addProperty("rowIdColumn", c.rowIdColumn());
    }
    if (c.spec().compressAbove() >= 0) {
      o.addProperty("compressAbove", c.spec().compressAbove());
    }
    o.addProperty("storage", c.storage().name());
    if (c.blindIndexColumn() != null) {
      if ("custom".equals(c.blindIndexNormalizer())) {
        throw new CliException(what + " has a blind index with a custom normaliser, which a tables file cannot carry");
      }
      JsonObject bi = new JsonObject();
      bi.addProperty("column", c.blindIndexColumn());
      bi.addProperty("length", c.spec().blindIndexLength());
      bi.addProperty("normalizer", c.blindIndexNormalizer());
      bi.addProperty("storage", c.blindIndexStorage().name());
      o.add("blindIndex", bi);
    }
    return o;
  }

  private static EncryptedTable table(JsonObject t) {
    unknownKeys(t, TABLE_KEYS, "table");
    String name = required(t, "table", "a table");
    // "id", or a composite key in index order: "tenant_id, id"
    String[] primaryKey = required(t, "primaryKey", "table " + name).trim().split("\\s*,\\s*");
    EncryptedTable.Builder b = EncryptedTable.builder(name).primaryKey(primaryKey);
    String tenantColumn = t.has("tenantColumn") ? t.get("tenantColumn").getAsString() : null;
    JsonArray cols = t.getAsJsonArray("columns");
    if (cols == null) {
      throw new CliException("table " + name + " declares no \"columns\"");
    }
    for (JsonElement c : cols) {
      b.column(column(name, primaryKey, tenantColumn, c.getAsJsonObject()));
    }
    return b.build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static EncryptedColumn column(String table, String[] primaryKey, String tenantColumn, JsonObject c) {
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
    String rowIdColumn = c.has("rowIdColumn") ? c.get("rowIdColumn").getAsString() : null;
    if (rowIdColumn == null && c.has("rowBound") && c.get("rowBound").getAsBoolean()) {
      if (primaryKey.length != 1) {
        throw new CliException(table + "." + column + " is row-bound but " + table + " has a composite primary key:"
            + " a tables file binds row-bound values to a single-column key only");
      }
      rowIdColumn = primaryKey[0];
    }
    spec.rowBound(rowIdColumn != null);
    if (c.has("compressAbove") && c.get("compressAbove").getAsInt() >= 0) {
      spec.compressAbove(c.get("compressAbove").getAsInt());
    }
    JsonObject bi = c.has("blindIndex") ? c.getAsJsonObject("blindIndex") : null;
    if (bi != null) {
      unknownKeys(bi, BLIND_INDEX_KEYS, "blind index of " + table + "." + column);
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
    EncryptedColumn.Builder<?> col = EncryptedColumn.builder(table, column, (FieldSpec<?>) spec.build())
        .storage(storage(c, table + "." + column));
    if (rowIdColumn != null) {
      col.rowIdColumn(rowIdColumn);
    }
    if (tenantColumn != null) {
      col.tenantColumn(tenantColumn);
    }
    if (bi != null) {
      col.blindIndexColumn(required(bi, "column", "the blind index of " + table + "." + column))
          .blindIndexStorage(storage(bi, table + "." + column + " blind index"));
    }
    return col.build();
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
