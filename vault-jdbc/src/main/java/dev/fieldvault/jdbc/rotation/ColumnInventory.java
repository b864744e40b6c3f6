package dev.fieldvault.jdbc.rotation;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many values of one column are under each key id, read from the headers without decrypting.
 *
 * @param table the table
 * @param column the encrypted or blind-index column
 * @param blindIndex whether the column holds blind indexes (keyed by PRF key id)
 * @param valuesByKeyId non-null values per key id (the key id a header or blind index names)
 * @param nulls null values
 * @param unrecognized values that are not FieldVault ciphertexts (plaintext left over, corrupt)
 */
public record ColumnInventory(String table, String column, boolean blindIndex, Map<Integer, Long> valuesByKeyId,
    long nulls, long unrecognized) {

  public ColumnInventory {
    valuesByKeyId = Collections.unmodifiableMap(new TreeMap<>(valuesByKeyId));
  }

  /** Values under this key id. */
  public long count(int keyId) {
    return valuesByKeyId.getOrDefault(keyId, 0L);
  }

  /** Non-null values under any key. */
  public long encryptedValues() {
    return valuesByKeyId.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code table.column}. */
  public String qualifiedName() {
    return table + "." + column;
  }

  /** The counts per key id, the ids unsigned as everywhere else: {@code {3831844090=120, 17=880}}. */
  public String countsText() {
    StringBuilder sb = new StringBuilder("{");
    valuesByKeyId.forEach((id, n) -> sb.append(sb.length() == 1 ? "" : ", ").append(Integer.toUnsignedString(id))
        .append('=').append(n));
    return sb.append('}').toString();
  }

  @Override
  public String toString() {
    return "ColumnInventory[" + qualifiedName() + (blindIndex ? " (blind index)" : "") + ", valuesByKeyId="
        + countsText() + ", nulls=" + nulls + ", unrecognized=" + unrecognized + "]";
  }
}
