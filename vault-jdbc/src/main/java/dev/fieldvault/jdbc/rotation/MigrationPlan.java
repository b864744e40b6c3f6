package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.keystore.internal.Dialect;
import dev.fieldvault.jdbc.rotation.internal.ColumnTypes;
import dev.fieldvault.jdbc.rotation.internal.RangeRewrapper;
import dev.fieldvault.jdbc.rotation.internal.TableKey;
import dev.fieldvault.keys.CiphertextSizes;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * What must change in the schema before a plaintext migration ({@link Rewrapper.Builder#migratePlaintext}):
 * for each declared encrypted column (and blind-index column), its declared type and size as the
 * database's metadata reports them, the length the ciphertext of its longest current value needs,
 * whether it fits, and the DDL that makes it fit, for the database it was taken on (PostgreSQL,
 * MariaDB/MySQL, H2; standard SQL elsewhere). A column that must change is given the size the
 * sizing rule of {@link CiphertextSizes} asks for a plaintext as long as its declared size (so that
 * values as long as the column accepted before can still be written, encrypted), and at least what
 * its longest value needs. A column that fits its current values may still be too narrow for longer
 * values the application accepts: {@link ColumnPlan#maxPlaintextBytes()} says how long a plaintext it
 * can take encrypted; widen it further if the application allows longer ones.
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.scan(dataSource, cipher, tables);
 * if (!plan.ready()) {
 *   log.info("{}", plan.describe());       // per column: type, longest ciphertext, verdict
 *   plan.ddl().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>It reads every value once (a dry run of the migration: nothing is written, no range is claimed):
 * run it on the production database, or a recent copy, before widening. The DDL keeps each
 * column's data: a type change converts the legacy values to their text (or its UTF-8 bytes), which is
 * what the migration reads, never to a native type's raw bytes (on H2 and MariaDB a native column
 * becomes text first, then bytes: two statements; a PostgreSQL {@code timestamptz} becomes its UTC
 * text; a MariaDB {@code TIMESTAMP} is converted in the session time zone UTC, set by the DDL). A
 * native type the plan does not trust is {@link Verdict#NOT_CONVERTIBLE}, with no DDL. Values that
 * cannot be read are counted ({@link ColumnPlan#unreadableValues()}, verdict
 * {@link Verdict#UNREADABLE}): scan again after the DDL, and the plan is {@link #ready()} only when
 * every value is readable. On MariaDB, {@code MODIFY} restates the column's nullability but not its
 * default, comment or character set, and may copy the table: check the statements before running
 * them, at a quiet hour.
 */
public final class MigrationPlan {

  /** What a column needs. */
  public enum Verdict {
    /** Holds the ciphertext of every current value (see {@link ColumnPlan#maxPlaintextBytes()} for longer ones). */
    FITS,
    /** The ciphertext of at least one current value does not fit: the migration would leave it as it is. */
    TOO_NARROW,
    /**
     * Its type cannot hold this storage (text for TEXT, binary for BINARY); the DDL converts each value
     * to the text {@link dev.fieldvault.keys.LegacyPlaintext} reads (or its UTF-8 bytes).
     */
    WRONG_TYPE,
    /** The column does not exist (a declared blind-index column not added yet). */
    MISSING,
    /**
     * At least one current value cannot be read: neither a ciphertext that decrypts here nor a text form
     * of the column's Java type ({@link ColumnPlan#unreadableValues()}). The migration would leave it, and
     * a migrating read of its row fails. No DDL: fix those rows (the plan's log names them by key, never
     * by value), then scan again. A plan taken after its own DDL says this if the DDL did not give
     * readable values.
     */
    UNREADABLE,
    /**
     * Its native type has no conversion to text that the plan trusts on this database (a time with time
     * zone, an interval, {@code money}, JSON, an array, a bit string, MariaDB's {@code YEAR}, any type
     * on a database other than PostgreSQL, MariaDB/MySQL and H2): no DDL is given. Convert the column by
     * hand to text in a form {@link dev.fieldvault.keys.LegacyPlaintext} reads, then scan again.
     */
    NOT_CONVERTIBLE
  }

  /**
   * One column's plan.
   *
   * @param table the table as declared
   * @param column the encrypted column, or the blind-index column
   * @param blindIndex whether it is a blind-index column
   * @param storage the storage it is declared with
   * @param declaredType its type as the database reports it, e.g. {@code VARCHAR(40)}, {@code bytea}, {@code missing}
   * @param declaredSize characters or bytes it holds, or -1 when unbounded
   * @param plaintextValues values that are readable plaintext now (0 for a blind-index column)
   * @param unreadableValues values that cannot be read now (see {@link Verdict#UNREADABLE}; 0 for a
   *     blind-index column)
   * @param longestStored the length the longest current value takes encrypted (characters or bytes), 0 if none
   * @param recommendedSize its size after the DDL (its declared size when it fits): at least
   *     {@code longestStored}, and what the sizing rule asks for a plaintext as long as its declared
   *     size; -1 when unbounded
   * @param maxPlaintextBytes the longest encoded plaintext (UTF-8 bytes for text) whose ciphertext
   *     fits {@code recommendedSize}; -1 when unbounded (0 for a blind-index column)
   * @param verdict what it needs
   * @param ddl the statements for the database the plan was taken on (empty when it fits)
   */
  public record ColumnPlan(String table, String column, boolean blindIndex, ColumnStorage storage, String declaredType,
      long declaredSize, long plaintextValues, long unreadableValues, long longestStored, long recommendedSize, long maxPlaintextBytes,
      Verdict verdict, List<String> ddl) {

    public ColumnPlan {
      ddl = List.copyOf(ddl);
    }

    /** {@code table.column}. */
    public String qualifiedName() {
      return table + "." + column;
    }
  }

  private final String database;
  private final List<ColumnPlan> columns;

  private MigrationPlan(String database, List<ColumnPlan> columns) {
    this.database = database;
    this.columns = List.copyOf(columns);
  }

  /**
   * Reads the declared types and every value of the declared columns and plans them.
   *
   * @throws dev.fieldvault.keys.VaultConfigurationException if a table or its key cannot be read
   */
  public static MigrationPlan scan(DataSource dataSource, FieldCipher cipher, List<EncryptedTable> tables) {
    Objects.requireNonNull(cipher, "cipher");
    List<ColumnPlan> plans = new ArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fieldvault-migration-plan");
      t.setDaemon(true);
      return t;
    });
    Dialect dialect;
    try (Connection c = dataSource.getConnection()) {
      dialect = Dialect.of(c);
      for (EncryptedTable t : tables) {
        ColumnTypes types = ColumnTypes.read(c, t);
        RangeRewrapper.Stats stats = measure(dataSource, dialect, cipher, t, types, c, executor);
        for (EncryptedColumn col : t.columns()) {
          plans.add(planColumn(dialect, cipher, col, types.of(col.column()), stats));
          if (col.blindIndexColumn() != null) {
            plans.add(planBlindIndex(dialect, col, types.of(col.blindIndexColumn())));
          }
        }
      }
    } catch (SQLException e) {
      throw new VaultStorageException("Could not plan the plaintext migration: " + e.getMessage(), e);
    } finally {
      executor.shutdownNow();
    }
    return new MigrationPlan(databaseName(dialect), plans);
  }

  /**
   * A dry run of the migration over the existing columns, each read in the form its type holds
   * (blind indexes left out: their length is fixed), with no size limit: the longest ciphertext per column.
   */
  private static RangeRewrapper.Stats measure(DataSource ds, Dialect dialect, FieldCipher cipher, EncryptedTable t,
      ColumnTypes types, Connection c, ExecutorService executor) throws SQLException {
    List<EncryptedColumn> scan = new ArrayList<>();
    for (EncryptedColumn col : t.columns()) {
      ColumnTypes.Type type = types.of(col.column());
      if (type.exists()) {
        scan.add(asStored(col, type.isBinary() ? ColumnStorage.BINARY : ColumnStorage.TEXT));
      }
    }
    if (scan.isEmpty()) {
      return new RangeRewrapper.Stats();
    }
    EncryptedTable measured = EncryptedTable.builder(t.table()).primaryKey(t.primaryKeys().toArray(String[]::new))
        .columns(scan).build();
    TableKey key = TableKey.detect(c, t.table(), t.primaryKeys());
    RangeRewrapper range = new RangeRewrapper(ds, dialect, cipher, measured, key, 1000, true, executor,
        ColumnTypes.read(c, measured).withoutSizes());
    RangeRewrapper.Stats total = new RangeRewrapper.Stats();
    range.process(null, null, (tx, k, s, r, cf, last) -> true, new RangeRewrapper.Control() {
      @Override
      public boolean stopRequested() {
        return false;
      }

      @Override
      public void afterBatch(long scanned) {}
    }, total::add);
    return total;
  }

  /** The column without its blind index, read in {@code storage}: same context, same values. */
  private static EncryptedColumn asStored(EncryptedColumn col, ColumnStorage storage) {
    FieldSpec<?> spec = col.spec();
    EncryptedColumn.Builder<?> b = EncryptedColumn.builder(col.table(), col.column(), withoutBlindIndex(spec))
        .storage(storage);
    if (col.tenantColumn() != null) {
      b.tenantColumn(col.tenantColumn());
    }
    if (col.rowIdColumn() != null) {
      b.rowIdColumn(col.rowIdColumn());
    }
    if (col.rowContext() != null) {
      b.rowContext(col.rowContext(), col.contextColumns().toArray(String[]::new));
    }
    return b.build();
  }

  private static <T> FieldSpec<T> withoutBlindIndex(FieldSpec<T> spec) {
    FieldSpec.Builder<T> b = FieldSpec.builder(spec.domain(), spec.field(), spec.codec()).mode(spec.mode())
        .rowBound(spec.rowBound());
    if (spec.compressAbove() >= 0) {
      b.compressAbove(spec.compressAbove());
    }
    return b.build();
  }

  private static ColumnPlan planColumn(Dialect dialect, FieldCipher cipher, EncryptedColumn col, ColumnTypes.Type type,
      RangeRewrapper.Stats stats) {
    ColumnStorage storage = col.storage();
    long plaintext = stats.plaintextByColumn.getOrDefault(col.column(), 0L);
    long unreadable = stats.unreadableByColumn.getOrDefault(col.column(), 0L);
    long longest = stats.longest.getOrDefault(col.column(), 0L);
    if (type.exists()) {
      // measured in the form the column holds now: in the declared storage, base64 is 4/3 of the bytes
      boolean readAsBinary = type.isBinary();
      if (readAsBinary && storage == ColumnStorage.TEXT) {
        longest = CiphertextSizes.storedLength(longest, ColumnStorage.TEXT);
      } else if (!readAsBinary && storage == ColumnStorage.BINARY) {
        longest = longest * 3 / 4;
      }
    }
    Class<?> javaType = col.spec().codec().type();
    int overhead = Math.max(CiphertextSizes.OVERHEAD, overhead(cipher, col));
    // the sizing rule for a plaintext as long as the column's declared size (its plaintext's, before encryption)
    long rule = -1;
    if (CiphertextSizes.isFixed(javaType)) {
      rule = CiphertextSizes.columnLength(javaType, 0, storage, overhead);
    } else if (type.exists() && type.size() >= 0 && (type.isText() || type.isBinary())) {
      long plainBytes = type.isBinary() ? type.size() : CiphertextSizes.plaintextBytes(javaType, type.size());
      rule = CiphertextSizes.storedLength(plainBytes + overhead, storage);
    }
    Verdict verdict;
    long recommended;
    if (!type.exists()) {
      verdict = Verdict.MISSING;
      recommended = rule >= 0 ? rule : CiphertextSizes.columnLength(javaType, 255, storage, overhead);
    } else if (!type.holds(storage) && !convertible(dialect, type)) {
      verdict = Verdict.NOT_CONVERTIBLE;
      recommended = rule < 0 ? -1 : Math.max(longest, rule);
    } else if (unreadable > 0) {
      verdict = Verdict.UNREADABLE;
      recommended = rule < 0 ? -1 : Math.max(longest, rule);
    } else if (!type.holds(storage)) {
      verdict = Verdict.WRONG_TYPE;
      recommended = rule < 0 ? -1 : Math.max(longest, rule);
    } else if (type.size() >= 0 && longest > type.size()) {
      verdict = Verdict.TOO_NARROW;
      recommended = Math.max(longest, rule);
    } else {
      verdict = Verdict.FITS;
      recommended = type.size();
    }
    long maxPlaintext = recommended < 0 ? -1
        : Math.max(0, (storage == ColumnStorage.TEXT ? recommended / 4 * 3 : recommended) - overhead);
    List<String> ddl = verdict == Verdict.FITS || verdict == Verdict.UNREADABLE || verdict == Verdict.NOT_CONVERTIBLE
        ? List.of() : ddl(dialect, col.table(), col.column(), storage, recommended, type, verdict);
    return new ColumnPlan(col.table(), col.column(), false, storage, type.describe(), type.size(), plaintext,
        unreadable, longest, recommended, maxPlaintext, verdict, ddl);
  }

  private static ColumnPlan planBlindIndex(Dialect dialect, EncryptedColumn col, ColumnTypes.Type type) {
    ColumnStorage storage = col.blindIndexStorage();
    long needed = CiphertextSizes.blindIndexLength(col.spec().blindIndexLength(), storage);
    Verdict verdict = !type.exists() ? Verdict.MISSING : !type.holds(storage) ? Verdict.WRONG_TYPE
        : type.size() >= 0 && needed > type.size() ? Verdict.TOO_NARROW : Verdict.FITS;
    long recommended = verdict == Verdict.FITS ? type.size() : needed;
    // a blind index holds no legacy value: the column is replaced, whatever its type held
    List<String> ddl = verdict == Verdict.FITS ? List.of() : ddl(dialect, col.table(), col.blindIndexColumn(),
        storage, recommended, type.isText() || type.isBinary() ? type : null, verdict);
    return new ColumnPlan(col.table(), col.blindIndexColumn(), true, storage, type.describe(), type.size(), 0, 0,
        needed, recommended, 0, verdict, ddl);
  }

  /** The ciphertext overhead of the keyring's primary key for the column's mode, in bytes. */
  private static int overhead(FieldCipher cipher, EncryptedColumn col) {
    FieldSpec<?> spec = col.spec();
    EncryptionContext ctx = EncryptionContext.of(spec.domain(), spec.field(), null, spec.rowBound() ? 0L : null);
    return cipher.encrypt(new byte[0], ctx, spec.mode()).length;
  }

  /** Whether the plan's DDL converts this column's values to readable text on this database. */
  private static boolean convertible(Dialect dialect, ColumnTypes.Type type) {
    if (type.isText() || type.isBinary()) {
      return true;
    }
    return dialect != Dialect.GENERIC && type.convertsToText();
  }

  /**
   * The statements that make the column hold {@code size} characters or bytes of its storage (size -1:
   * unbounded), converting each value of a native type (a number, a boolean, a date, a time, a
   * timestamp, a UUID) to the text {@link dev.fieldvault.keys.LegacyPlaintext} reads, or its UTF-8
   * bytes: never the native type's raw bytes. {@code current} null: a blind-index column whose values
   * need not be kept.
   */
  static List<String> ddl(Dialect dialect, String table, String column, ColumnStorage storage, long size,
      ColumnTypes.Type current, Verdict verdict) {
    String type = sqlType(dialect, storage, size);
    boolean text = storage == ColumnStorage.TEXT;
    if (verdict == Verdict.MISSING) {
      return List.of("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type + ";");
    }
    boolean nativeType = current != null && current.exists() && !current.isText() && !current.isBinary();
    switch (dialect) {
      case POSTGRESQL: {
        String using = "";
        if (current != null && !text && !current.isBinary()) {
          using = " USING convert_to(" + (current.isText() ? column : postgresText(column, current)) + ", 'UTF8')";
        } else if (current != null && text && !current.isText()) {
          using = current.isBinary() ? " USING convert_from(" + column + ", 'UTF8')"
              : " USING " + postgresText(column, current);
        }
        return List.of("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type + using + ";");
      }
      case MARIADB: {
        String notNull = current == null || current.nullable() ? "" : " NOT NULL";
        List<String> out = new ArrayList<>();
        if (nativeType && current.named("timestamp")) {
          // a TIMESTAMP is turned into text in the session's time zone: UTC, as the legacy reader takes it
          out.add("SET time_zone = '+00:00';");
        }
        if (nativeType && !text) {
          // MODIFY ... VARBINARY would keep a UUID's 16 raw bytes: to text first, then its UTF-8 bytes
          out.add("ALTER TABLE " + table + " MODIFY " + column + " " + sqlType(dialect, ColumnStorage.TEXT, size)
              + notNull + ";");
        }
        out.add("ALTER TABLE " + table + " MODIFY " + column + " " + type + notNull + ";");
        return out;
      }
      default: {
        List<String> out = new ArrayList<>();
        if (nativeType && !text) {
          // H2 turns a number into its raw bytes on SET DATA TYPE VARBINARY: to text first, then UTF-8 bytes
          out.add("ALTER TABLE " + table + " ALTER COLUMN " + column + " SET DATA TYPE "
              + sqlType(dialect, ColumnStorage.TEXT, size) + ";");
        }
        out.add("ALTER TABLE " + table + " ALTER COLUMN " + column + " SET DATA TYPE " + type + ";");
        return out;
      }
    }
  }

  /**
   * A PostgreSQL column's value as text: its own text, but a {@code timestamptz} in UTC
   * ({@code 2024-01-31 10:15:01.5+00}), whatever the session's time zone.
   */
  private static String postgresText(String column, ColumnTypes.Type current) {
    return current.named("timestamptz") ? "CAST(" + column + " AT TIME ZONE 'UTC' AS TEXT) || '+00'"
        : "CAST(" + column + " AS TEXT)";
  }

  private static String sqlType(Dialect dialect, ColumnStorage storage, long size) {
    boolean text = storage == ColumnStorage.TEXT;
    switch (dialect) {
      case POSTGRESQL:
        return !text ? "BYTEA" : size < 0 || size > 10_485_760 ? "TEXT" : "VARCHAR(" + size + ")";
      case MARIADB:
        if (text) {
          return size < 0 ? "LONGTEXT" : size <= 16_000 ? "VARCHAR(" + size + ")" : "MEDIUMTEXT";
        }
        return size < 0 ? "LONGBLOB" : size <= 65_000 ? "VARBINARY(" + size + ")" : "MEDIUMBLOB";
      default:
        if (text) {
          return size < 0 ? "CLOB" : "VARCHAR(" + size + ")";
        }
        return size < 0 ? "BLOB" : "VARBINARY(" + size + ")";
    }
  }

  private static String databaseName(Dialect dialect) {
    switch (dialect) {
      case POSTGRESQL:
        return "PostgreSQL";
      case MARIADB:
        return "MariaDB";
      case H2:
        return "H2";
      default:
        return "standard SQL";
    }
  }

  /** The database the plan was taken on, whose DDL it gives: PostgreSQL, MariaDB, H2 or standard SQL. */
  public String database() {
    return database;
  }

  /** Every declared column and blind-index column, in declaration order. */
  public List<ColumnPlan> columns() {
    return columns;
  }

  /**
   * Whether every column fits: the migration can encrypt every current value (every value is readable:
   * a ciphertext or a legacy plaintext of its column's type), and the application write any. Scan again
   * after running {@link #ddl()}: that checks the values the DDL converted.
   */
  public boolean ready() {
    return columns.stream().allMatch(c -> c.verdict() == Verdict.FITS);
  }

  /** The statements that make every column fit, one per line, each ending with {@code ;} (empty when ready). */
  public List<String> ddl() {
    List<String> out = new ArrayList<>();
    columns.forEach(c -> out.addAll(c.ddl()));
    return out;
  }

  /** The columns per verdict, for a summary. */
  public Map<Verdict, Long> counts() {
    Map<Verdict, Long> out = new LinkedHashMap<>();
    columns.forEach(c -> out.merge(c.verdict(), 1L, Long::sum));
    return out;
  }

  /**
   * A readable report: one line per column (type, plaintext values, longest ciphertext, recommended
   * size, verdict), then what to do. Names and sizes only, never a value.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    long change = columns.stream().filter(c -> c.verdict() != Verdict.FITS).count();
    sb.append("Plaintext migration plan (").append(database).append("): ")
        .append(change == 0 ? "every column fits" : change + " of " + columns.size() + " columns must change first")
        .append('\n');
    sb.append(String.format(Locale.ROOT, "  %-36s %-22s %-7s %10s %10s %9s %11s %13s  %s%n", "COLUMN", "DECLARED",
        "STORAGE", "PLAINTEXT", "UNREADABLE", "LONGEST", "RECOMMENDED", "MAX PLAINTEXT", "VERDICT"));
    for (ColumnPlan c : columns) {
      sb.append(String.format(Locale.ROOT, "  %-36s %-22s %-7s %10s %10s %9d %11s %13s  %s%n",
          c.qualifiedName() + (c.blindIndex() ? " [bi]" : ""), c.declaredType(), c.storage(),
          c.blindIndex() ? "-" : String.valueOf(c.plaintextValues()),
          c.blindIndex() ? "-" : String.valueOf(c.unreadableValues()), c.longestStored(),
          c.recommendedSize() < 0 ? "unbounded" : String.valueOf(c.recommendedSize()),
          c.blindIndex() ? "-" : c.maxPlaintextBytes() < 0 ? "unbounded" : c.maxPlaintextBytes() + " B", c.verdict()));
    }
    sb.append("  (LONGEST: the longest current value encrypted, in characters for TEXT or bytes for BINARY;"
        + " MAX PLAINTEXT: the longest plaintext, in UTF-8 bytes, that the column takes encrypted)\n");
    long unreadable = columns.stream().filter(c -> c.verdict() == Verdict.UNREADABLE).count();
    if (unreadable > 0) {
      sb.append(unreadable).append(" column(s) hold values that cannot be read (UNREADABLE): fix those rows (the log"
          + " names them by key), or the conversion that produced them, then scan again; no DDL is given for them.\n");
    }
    long manual = columns.stream().filter(c -> c.verdict() == Verdict.NOT_CONVERTIBLE).count();
    if (manual > 0) {
      sb.append(manual).append(" column(s) have a native type the plan does not convert on ").append(database)
          .append(" (NOT_CONVERTIBLE): convert them by hand to a text form FieldVault reads, then scan again.\n");
    }
    if (columns.stream().anyMatch(c -> !c.ddl().isEmpty())) {
      sb.append("Run the DDL below in one session (it keeps the data, converted to text; check it first), then scan"
          + " again: the plan is ready only when every value is readable, then run the migration:\n");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "MigrationPlan{" + database + ", " + counts() + "}";
  }
}
