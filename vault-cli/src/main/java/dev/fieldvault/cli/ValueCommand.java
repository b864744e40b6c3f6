package dev.fieldvault.cli;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import javax.sql.DataSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What {@code encrypt} and {@code decrypt} share: the keys (stored keysets in the database), the
 * column and its context, and reading the input from the environment, a file or standard input
 * (never the command line).
 *
 * <p>The column's spec comes from the tables file or the entity classes ({@code --tables} /
 * {@code --entities} with {@code --table} and {@code --column}), exactly as {@code rotate} reads it;
 * or it is given with options, with the context defaults of the JDBC wrapper (domain = table,
 * field = column) or, with {@code --entity} and {@code --attribute}, of {@code @Encrypted} (domain =
 * entity name, field = attribute path), either pinned with {@code --context} as
 * {@code @Encrypted(context = ...)} pins it.
 */
abstract class ValueCommand extends StoredKeysCommand {

  @ParentCommand
  FieldVaultCli root;

  @Mixin
  TablesOptions tables;

  @Option(names = "--table", paramLabel = "TABLE", description = "The table (with --tables/--entities: which"
      + " declared table; else the default context domain).")
  String table;

  @Option(names = "--column", paramLabel = "COLUMN", description = "The column (with --tables/--entities: which"
      + " declared column; else the default context field).")
  String column;

  @Option(names = "--entity", paramLabel = "NAME", description = "The JPA entity name: the context domain, as"
      + " @Encrypted binds it (instead of --table).")
  String entity;

  @Option(names = "--attribute", paramLabel = "PATH", description = "The attribute path (e.g. address.street):"
      + " the context field, as @Encrypted binds it (instead of --column).")
  String attribute;

  @Option(names = "--context", paramLabel = "DOMAIN.FIELD", description = "The pinned context name, as in"
      + " @Encrypted(context = ...): \"domain.field\", or \"field\" to keep the domain.")
  String context;

  @Option(names = "--type", paramLabel = "TYPE", description = "The Java type of the values (default String):"
      + " String, bytes, boolean, byte, short, int, long, float, double, BigInteger, BigDecimal, LocalDate,"
      + " LocalTime, LocalDateTime, Instant, OffsetDateTime, UUID.")
  String type;

  @Option(names = "--mode", paramLabel = "MODE", description = "RANDOMIZED (default) or DETERMINISTIC.")
  EncryptionMode mode;

  @Option(names = "--row-bound", description = "Values are bound to their row's id (give it with --row-id).")
  boolean rowBound;

  @Option(names = "--compress-above", paramLabel = "BYTES", description = "As @Encrypted(compressAbove).")
  Integer compressAbove;

  @Option(names = "--storage", paramLabel = "STORAGE", description = "BINARY (default; printed as hex) or TEXT"
      + " (base64).")
  ColumnStorage storage;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant the value belongs to (the"
      + " tenant column's value, or the @TenantId value as text).")
  String tenant;

  @Option(names = "--row-id", paramLabel = "ID", description = "The row's primary-key value (row-bound columns).")
  String rowId;

  @Option(names = "--row-id-type", paramLabel = "TYPE", defaultValue = "NUMBER",
      description = "How --row-id is read: NUMBER (default), UUID or STRING.")
  ColumnContext.RowIdType rowIdType;

  @Option(names = "--value-env", paramLabel = "VAR", description = "Environment variable holding the input.")
  String valueEnv;

  @Option(names = "--value-file", paramLabel = "FILE", description = "File holding the input (else standard input).")
  Path valueFile;

  /** The column, its spec and storage, with the row id checked against it. */
  ColumnContext column(DataSource ds) {
    ColumnContext c = tables.given() ? declared(ds) : explicit();
    c.check(tenant, canonicalRowId());
    return c;
  }

  @Override
  Function<String, String> env() {
    return root.env;
  }

  String canonicalRowId() {
    return rowId == null ? null : ColumnContext.rowId(rowId, rowIdType);
  }

  FieldEncryptor<Object> encryptor(FieldCipher cipher, ColumnContext c) {
    @SuppressWarnings("unchecked")
    FieldSpec<Object> s = (FieldSpec<Object>) c.spec();
    return cipher.field(s);
  }

  private ColumnContext declared(DataSource ds) {
    if (tables.secretsPrefix != null) {
      throw new CliException("--secrets-prefix does not apply here: the secrets vault's values are written with"
          + " `fieldvault secrets put`");
    }
    if (entity != null || attribute != null || context != null || type != null || mode != null || rowBound
        || compressAbove != null || storage != null) {
      throw new CliException("the tables file or the entity classes declare the column's context, type, mode and"
          + " storage: give only --table and --column (or drop --tables/--entities and give them all)");
    }
    if (table == null || column == null) {
      throw new CliException("name the declared column with --table TABLE --column COLUMN");
    }
    return ColumnContext.find(tables.declared(ds), table, column);
  }

  private ColumnContext explicit() {
    if ((entity == null) != (attribute == null)) {
      throw new CliException("give --entity and --attribute together (the @Encrypted context), or neither");
    }
    if (entity != null && (table != null || column != null)) {
      throw new CliException("give the context as --entity/--attribute (@Encrypted) or as --table/--column"
          + " (JDBC wrapper), not both");
    }
    if (entity == null && (table == null || column == null)) {
      throw new CliException("name the column: --table TABLE --column COLUMN (the JDBC wrapper's context), or"
          + " --entity NAME --attribute PATH (@Encrypted's), or --tables FILE / --entities CLASS with --table and"
          + " --column");
    }
    String domain = entity != null ? entity : table;
    String field = entity != null ? attribute : column;
    if (context != null) {
      String pinned = context.trim();
      int dot = pinned.indexOf('.');
      if (dot == 0 || dot == pinned.length() - 1 || pinned.isEmpty()) {
        throw new CliException("--context '" + pinned + "' must be \"domain.field\" or \"field\"");
      } else if (dot < 0) {
        field = pinned;
      } else {
        domain = pinned.substring(0, dot);
        field = pinned.substring(dot + 1);
      }
    }
    String typeName = type == null ? "String" : type;
    Class<?> javaType = TablesFile.TYPES.get(typeName.toLowerCase(Locale.ROOT));
    if (javaType == null) {
      throw new CliException("unknown --type '" + typeName + "'; one of String, bytes, boolean, byte, short, int,"
          + " long, float, double, BigInteger, BigDecimal, LocalDate, LocalTime, LocalDateTime, Instant,"
          + " OffsetDateTime, UUID");
    }
    try {
      @SuppressWarnings({"unchecked", "rawtypes"})
      FieldSpec.Builder<?> b = FieldSpec.builder(domain, field, ValueCodecs.forType((Class) javaType))
          .mode(mode == null ? EncryptionMode.RANDOMIZED : mode).rowBound(rowBound);
      if (compressAbove != null && compressAbove >= 0) {
        b.compressAbove(compressAbove);
      }
      return new ColumnContext(domain, field, b.build(), storage == null ? ColumnStorage.BINARY : storage, null,
          java.util.List.of(), null);
    } catch (VaultConfigurationException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** The input from --value-env, --value-file or standard input, remembered as a secret. */
  byte[] readInput(String what) {
    if (valueEnv != null && valueFile != null) {
      throw new CliException("give the " + what + " once: --value-env or --value-file (or standard input)");
    }
    try {
      byte[] raw;
      if (valueEnv != null) {
        String v = root.env.apply(valueEnv);
        if (v == null) {
          throw new CliException(valueEnv + " is not set: it must hold the " + what);
        }
        raw = v.getBytes(StandardCharsets.UTF_8);
      } else if (valueFile != null) {
        raw = Files.readAllBytes(valueFile);
      } else {
        raw = root.in.readAllBytes();
        if (raw.length == 0) {
          throw new CliException("no " + what + ": pipe it to standard input, or use --value-env VAR or --value-file"
              + " FILE (never the command line)");
        }
      }
      return raw;
    } catch (IOException e) {
      throw new CliException("cannot read the " + what + ": " + e.getClass().getSimpleName());
    }
  }

  /** Text input without the one line break a file or `echo` ends with, remembered as a secret. */
  String readText(String what) {
    String s = new String(readInput(what), StandardCharsets.UTF_8);
    if (s.endsWith("\r\n")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    root.secret(s);
    return s;
  }
}
