package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.VaultConfigurationException;
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
 * counted by the database from the first bytes of each value (grouped, as the key inventory, and
 * per tenant where the column has a tenant column), nothing decrypted. A value is plaintext when it
 * does not start like a FieldVault ciphertext, or when its header names a key id that the keys of
 * its context (its tenant's keyring) do not hold, or a mode the keyring has no keyset for. Per
 * blind-index column, the non-null values without a blind index. Internal.
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
    String tenant = col.rowContext() == null ? col.tenantColumn() : null;
    String sql = "SELECT " + (tenant != null ? "tn, " : "") + "h, COUNT(*) FROM (SELECT "
        + (tenant != null ? tenant + " AS tn, " : "") + "SUBSTRING(" + col.column() + " FROM 1 FOR " + prefix
        + ") AS h FROM " + t.table() + " WHERE " + col.column() + " IS NOT NULL) x GROUP BY "
        + (tenant != null ? "tn, " : "") + "h";
    long plaintext = 0;
    Map<Integer, Long> byKey = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int i = 1;
        String tn = tenant != null ? rs.getString(i++) : null;
        byte[] head = text ? decode(rs.getString(i++)) : rs.getBytes(i++);
        long n = rs.getLong(i);
        if (head == null || head.length < CiphertextHeader.LENGTH
            || !CiphertextHeader.looksLikeCiphertext(Arrays.copyOf(head, CiphertextHeader.LENGTH + 1))) {
          plaintext += n;
          continue;
        }
        EncryptionContext ctx = EncryptionContext.of(col.spec().domain(), col.spec().field(), tn, null);
        if (namesNoKeyOf(cipher, Arrays.copyOf(head, CiphertextHeader.LENGTH), ctx)) {
          plaintext += n;
          byKey.merge(CiphertextHeader.parse(Arrays.copyOf(head, CiphertextHeader.LENGTH + 1)).keyId(), n, Long::sum);
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

  /**
   * Whether a header names a key id the context's keyring does not hold (or a mode it has no keyset
   * for): decrypting a body of zeros under it fails before authentication with those errors, and
   * after it (any key it holds, readable or not) with others.
   */
  static boolean namesNoKeyOf(FieldCipher cipher, byte[] header, EncryptionContext context) {
    byte[] probe = Arrays.copyOf(header, header.length + 64);
    try {
      cipher.decrypt(probe, context);
      return false;
    } catch (MalformedCiphertextException e) {
      return false;
    } catch (UnknownKeyVersionException | VaultConfigurationException e) {
      return true;
    } catch (DecryptionFailedException | KeyUnavailableException e) {
      return false; // a key of this keyring (or a tenant without one): a ciphertext, not plaintext
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
