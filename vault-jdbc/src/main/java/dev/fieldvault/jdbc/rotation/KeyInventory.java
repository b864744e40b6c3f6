package dev.fieldvault.jdbc.rotation;

import dev.fieldvault.jdbc.keystore.KeyStore;
import dev.fieldvault.jdbc.keystore.KeyUsage;
import dev.fieldvault.jdbc.keystore.VaultStorageException;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Per encrypted column, how many values are under each key version, counted from the ciphertext
 * headers (and blind-index prefixes) by the database, without decrypting anything and without
 * reading whole values into memory. The basis of key retirement: a key that any value uses is not
 * disabled (see {@link KeyStore#disableKey}). Immutable.
 */
public final class KeyInventory implements KeyUsage {

  private final List<ColumnInventory> columns;
  private final Instant takenAt;

  private KeyInventory(List<ColumnInventory> columns, Instant takenAt) {
    this.columns = List.copyOf(columns);
    this.takenAt = takenAt;
  }

  /** Counts the values of every encrypted column (and blind-index column) of {@code tables}. */
  public static KeyInventory scan(DataSource dataSource, List<EncryptedTable> tables) {
    List<EncryptedColumn> columns = new ArrayList<>();
    tables.forEach(t -> columns.addAll(t.columns()));
    return scanColumns(dataSource, columns);
  }

  /**
   * Counts the values of every encrypted column (and blind-index column) of a column model: the
   * same list the JDBC wrapper is built from.
   */
  public static KeyInventory scanColumns(DataSource dataSource, java.util.Collection<EncryptedColumn> model) {
    List<ColumnInventory> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (EncryptedColumn col : model) {
        out.add(count(c, col.table(), col.column(), col.storage(), false));
        if (col.blindIndexColumn() != null) {
          out.add(count(c, col.table(), col.blindIndexColumn(), col.blindIndexStorage(), true));
        }
      }
    } catch (SQLException e) {
      throw new VaultStorageException("Could not count the key versions of the encrypted columns: " + e.getMessage(), e);
    }
    return new KeyInventory(out, Instant.now());
  }

  private static ColumnInventory count(Connection c, String table, String column, ColumnStorage storage,
      boolean blindIndex) throws SQLException {
    // the header is 6 bytes (a blind index's 5): base64 of 6 bytes is exactly 8 characters
    int prefix = storage == ColumnStorage.TEXT ? 8 : (blindIndex ? 5 : CiphertextHeader.LENGTH);
    String sql = "SELECT h, COUNT(*) FROM (SELECT SUBSTRING(" + column + " FROM 1 FOR " + prefix + ") AS h FROM "
        + table + ") x GROUP BY h";
    Map<Integer, Long> byKey = new HashMap<>();
    long nulls = 0;
    long unrecognized = 0;
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long n = rs.getLong(2);
        byte[] head = storage == ColumnStorage.TEXT ? decode(rs.getString(1)) : rs.getBytes(1);
        if (head == null) {
          nulls += n;
          continue;
        }
        Optional<Integer> keyId = blindIndex ? blindIndexKeyId(head) : valueKeyId(head);
        if (keyId.isPresent()) {
          byKey.merge(keyId.get(), n, Long::sum);
        } else {
          unrecognized += n;
        }
      }
    }
    return new ColumnInventory(table, column, blindIndex, byKey, nulls, unrecognized);
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

  private static Optional<Integer> valueKeyId(byte[] head) {
    if (head == null || head.length < CiphertextHeader.LENGTH) {
      return Optional.empty();
    }
    byte[] padded = java.util.Arrays.copyOf(head, CiphertextHeader.LENGTH + 1);
    if (!CiphertextHeader.looksLikeCiphertext(padded)) {
      return Optional.empty();
    }
    return Optional.of(CiphertextHeader.parse(padded).keyId());
  }

  private static Optional<Integer> blindIndexKeyId(byte[] head) {
    if (head == null || head.length < FieldCipher.BLIND_INDEX_HEADER || head[0] != 0x01) {
      return Optional.empty();
    }
    return Optional.of(((head[1] & 0xFF) << 24) | ((head[2] & 0xFF) << 16) | ((head[3] & 0xFF) << 8) | (head[4] & 0xFF));
  }

  public List<ColumnInventory> columns() {
    return columns;
  }

  public Instant takenAt() {
    return takenAt;
  }

  /** The inventory of one column, if counted. */
  public Optional<ColumnInventory> column(String table, String column) {
    return columns.stream().filter(c -> c.table().equalsIgnoreCase(table) && c.column().equalsIgnoreCase(column))
        .findFirst();
  }

  /** Values (in every column) under this key id. */
  @Override
  public long valuesUsing(int keyId) {
    return columns.stream().mapToLong(c -> c.count(keyId)).sum();
  }

  /** Values under any key id other than these (for example: not on the primary keys). */
  public long valuesNotUsing(Set<Integer> keyIds) {
    long n = 0;
    for (ColumnInventory c : columns) {
      for (Map.Entry<Integer, Long> e : c.valuesByKeyId().entrySet()) {
        if (!keyIds.contains(e.getKey())) {
          n += e.getValue();
        }
      }
    }
    return n;
  }

  /** Which columns hold values under this key id, e.g. {@code "customer.email: 120, customer.email_bi: 120"}. */
  @Override
  public String describeUsage(int keyId) {
    StringBuilder sb = new StringBuilder();
    for (ColumnInventory c : columns) {
      long n = c.count(keyId);
      if (n > 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append(c.qualifiedName()).append(": ").append(n);
      }
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  /** A readable report naming keys by keyset and ordinal where the keyring knows them. */
  public String describe(Keyring keyring) {
    StringBuilder sb = new StringBuilder("Key inventory (" + takenAt + "):");
    for (ColumnInventory c : columns) {
      sb.append("\n  ").append(c.qualifiedName()).append(c.blindIndex() ? " [blind index]" : "").append(':');
      for (Map.Entry<Integer, Long> e : c.valuesByKeyId().entrySet()) {
        sb.append(' ').append(keyName(keyring, e.getKey())).append('=').append(e.getValue());
      }
      if (c.nulls() > 0) {
        sb.append(" null=").append(c.nulls());
      }
      if (c.unrecognized() > 0) {
        sb.append(" unrecognized=").append(c.unrecognized());
      }
    }
    return sb.toString();
  }

  private static String keyName(Keyring keyring, int keyId) {
    for (VaultKeyset ks : new VaultKeyset[] {keyring.aead().orElse(null), keyring.deterministic().orElse(null),
        keyring.prf().orElse(null)}) {
      if (ks != null) {
        Optional<KeyInfo> k = ks.byKeyId(keyId);
        if (k.isPresent()) {
          return ks.name() + "#" + k.get().ordinal() + (k.get().primary() ? "(primary)" : "");
        }
      }
    }
    return "key " + Integer.toUnsignedString(keyId);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("KeyInventory{");
    for (ColumnInventory c : columns) {
      sb.append(c.qualifiedName()).append('=').append(c.countsText()).append(' ');
    }
    return sb.append('}').toString();
  }
}
