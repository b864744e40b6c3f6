package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The final inventory of a plaintext migration: per encrypted column, the values still plaintext,
 * counted by the database from the first bytes and the length of each value (grouped, as the key
 * inventory, and per tenant where the column has a tenant column), nothing decrypted. A value is
 * plaintext when it does not have the form of a FieldVault ciphertext
 * ({@link CiphertextHeader#hasCiphertextForm}): it does not start like one, or it is shorter than the
 * shortest ciphertext of the mode its header names. A value with that form is a ciphertext, counted by
 * the key inventory under its key id (known or not). Per blind-index column, the non-null values
 * without a blind index. Internal.
 */
public final class PlaintextCount {

  /**
   * @param byColumn plaintext values per {@code table.column}, and values without their blind index per
   *     {@code table.blind_index_column} (only columns that have some)
   * @param headerLike of those, the ones that start like a header, per {@code table.column} and the key
   *     id their header names (the key inventory counts them under that key id)
   */
  public record Result(Map<String, Long> byColumn, Map<String, Map<Integer, Long>> headerLike) {
    public long total() {
      return byColumn.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private PlaintextCount() {}

  public static Result count(DataSource dataSource, FieldCipher cipher, List<EncryptedTable> tables) {
    Map<String, Long> byColumn = new LinkedHashMap<>();
    Map<String, Map<Integer, Long>> headerLike = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      for (EncryptedTable t : tables) {
        for (EncryptedColumn col : t.columns()) {
          countColumn(c, cipher, t, col, byColumn, headerLike);
          if (col.blindIndexColumn() != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + t.table() + " WHERE "
                + col.column() + " IS NOT NULL AND " + col.blindIndexColumn() + " IS NULL");
                ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getLong(1) > 0) {
                byColumn.put(t.table() + "." + col.blindIndexColumn(), rs.getLong(1));
              }
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new VaultStorageException("Could not count the plaintext values of the encrypted columns: "
          + e.getMessage(), e);
    }
    return new Result(byColumn, headerLike);
  }

  private static void countColumn(Connection c, FieldCipher cipher, EncryptedTable t, EncryptedColumn col,
      Map<String, Long> byColumn, Map<String, Map<Integer, Long>> headerLike) throws SQLException {
    boolean text = col.storage() == ColumnStorage.TEXT;
    // the header is 6 bytes: base64 of 6 bytes is exactly 8 characters
    int prefix = text ? 8 : CiphertextHeader.LENGTH;
    // the shortest ciphertexts of each mode, in the stored form: base64 of n bytes is 4 * ceil(n / 3) characters
    int minDeterministic = text ? 4 * ((CiphertextHeader.MIN_DETERMINISTIC_LENGTH + 2) / 3)
        : CiphertextHeader.MIN_DETERMINISTIC_LENGTH;
    int minRandomized = text ? 4 * ((CiphertextHeader.MIN_RANDOMIZED_LENGTH + 2) / 3)
        : CiphertextHeader.MIN_RANDOMIZED_LENGTH;
    String length = (text ? "CHAR_LENGTH(" : "OCTET_LENGTH(") + col.column() + ")";
    String tenant = col.rowContext() == null ? col.tenantColumn() : null;
    String sql = "SELECT " + (tenant != null ? "tn, " : "") + "h, lc, COUNT(*) FROM (SELECT "
        + (tenant != null ? tenant + " AS tn, " : "") + "SUBSTRING(" + col.column() + " FROM 1 FOR " + prefix
        + ") AS h, CASE WHEN " + length + " < " + minDeterministic + " THEN 0 WHEN " + length + " < "
        + minRandomized + " THEN 1 ELSE 2 END AS lc FROM " + t.table() + " WHERE " + col.column()
        + " IS NOT NULL) x GROUP BY " + (tenant != null ? "tn, " : "") + "h, lc";
    long plaintext = 0;
    Map<Integer, Long> byKey = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int i = 1;
        if (tenant != null) {
          i++; // the tenant only groups: whether a value is plaintext does not depend on its keyring
        }
        byte[] head = text ? decode(rs.getString(i++)) : rs.getBytes(i++);
        int lengthClass = rs.getInt(i++);
        long n = rs.getLong(i);
        if (head == null || head.length < CiphertextHeader.LENGTH
            || !CiphertextHeader.looksLikeCiphertext(Arrays.copyOf(head, CiphertextHeader.LENGTH + 1))) {
          plaintext += n;
          continue;
        }
        CiphertextHeader header = CiphertextHeader.parse(Arrays.copyOf(head, CiphertextHeader.LENGTH + 1));
        boolean tooShort = lengthClass == 0 || (lengthClass == 1 && header.mode() != EncryptionMode.DETERMINISTIC);
        if (tooShort) {
          // starts like a header, but shorter than any ciphertext of its mode: a plaintext that the key
          // inventory counts under the key id its header names
          plaintext += n;
          byKey.merge(header.keyId(), n, Long::sum);
        }
      }
    }
    if (plaintext > 0) {
      byColumn.put(col.qualifiedName(), plaintext);
    }
    if (!byKey.isEmpty()) {
      headerLike.put(col.qualifiedName(), byKey);
    }
  }

  private static byte[] decode(String b64) {
    if (b64 == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
