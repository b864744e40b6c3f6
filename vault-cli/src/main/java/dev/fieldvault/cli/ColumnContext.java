package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.VaultConfigurationException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One encrypted column as a command sees it: the {@link FieldSpec} its values are written with,
 * its storage and the table's tenant column, taken from the declared or discovered tables (the
 * same model {@code rotate} uses), so a value made here is bound exactly as the application binds it.
 */
record ColumnContext(String table, String column, FieldSpec<?> spec, ColumnStorage storage, String tenantColumn,
    List<String> primaryKeys, EncryptedColumn declared) {

  /** How a row id given as text is read: the canonical form of {@link EncryptionContext#canonicalRowId}. */
  enum RowIdType {
    /** An integral id ({@code Long}, {@code Integer}, ...): decimal. */
    NUMBER,
    /** A {@code UUID} id: lower case. */
    UUID,
    /** A {@code String} id: as it is. */
    STRING
  }

  /** The column {@code table.column} among the declared tables (names match case-insensitively). */
  static ColumnContext find(List<EncryptedTable> tables, String table, String column) {
    for (EncryptedTable t : tables) {
      if (!unqualified(t.table()).equals(unqualified(table))) {
        continue;
      }
      for (EncryptedColumn c : t.columns()) {
        if (unqualified(c.column()).equals(unqualified(column))) {
          if (c.rowContext() != null) {
            throw new CliException(t.table() + "." + c.column() + " computes its context from its row (a RowContext):"
                + " encrypt its values from the application's own code");
          }
          return new ColumnContext(t.table(), c.column(), c.spec(), c.storage(), t.tenantColumn(), t.primaryKeys(), c);
        }
      }
      throw new CliException("table " + t.table() + " declares no encrypted column " + column + "; it has "
          + t.columns().stream().map(EncryptedColumn::column).toList());
    }
    throw new CliException("no declared table " + table + "; declared: "
        + tables.stream().map(EncryptedTable::table).toList());
  }

  /** The canonical row id of {@code text} read as {@code type}. */
  static String rowId(String text, RowIdType type) {
    try {
      return switch (type) {
        case NUMBER -> EncryptionContext.canonicalRowId(new BigInteger(text.strip()));
        case UUID -> EncryptionContext.canonicalRowId(java.util.UUID.fromString(text.strip()));
        case STRING -> EncryptionContext.canonicalRowId(text);
      };
    } catch (NumberFormatException e) {
      throw new CliException("--row-id is not an integral number: add --row-id-type STRING (or UUID) for such ids");
    } catch (IllegalArgumentException e) {
      throw new CliException("--row-id is not a UUID");
    }
  }

  /** The context of a value of this column for a tenant and a canonical row id, checked against the declaration. */
  void check(String tenant, String rowId) {
    String where = table + "." + column;
    if (tenantColumn != null && tenant == null) {
      throw new CliException(where + " is tenant-scoped (tenant column " + tenantColumn + "): give --tenant");
    }
    if (spec.rowBound() && rowId == null) {
      throw new CliException(where + " is row-bound: give the row's primary-key value with --row-id");
    }
    if (!spec.rowBound() && rowId != null) {
      throw new CliException(where + " is not row-bound: drop --row-id (a value bound to a row would not decrypt"
          + " where the application reads it)");
    }
  }

  /**
   * The name's key by FieldVault's one identifier rule ({@link SqlIdentifier}: quotes dropped,
   * schema dropped, without case); a name outside the rule (spaces without quotes) in lower case.
   */
  private static String unqualified(String name) {
    try {
      return SqlIdentifier.unqualifiedKey(name);
    } catch (VaultConfigurationException e) {
      int dot = name.lastIndexOf('.');
      return (dot < 0 ? name : name.substring(dot + 1)).toLowerCase(Locale.ROOT);
    }
  }
}
