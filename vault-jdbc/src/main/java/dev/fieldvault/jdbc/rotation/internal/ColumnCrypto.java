package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.RowContext;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from the header whether one stored value (and its blind index) is off the primary key,
 * and re-encrypts it. Internal.
 */
final class ColumnCrypto<T> {

  enum Verdict { CURRENT, STALE, FAILED }

  /** New stored forms of a value and its blind index (null when the column has none). */
  record Rewrapped(Object value, Object blindIndex) {}

  private final FieldCipher cipher;
  private final EncryptedColumn column;
  private final FieldEncryptor<T> encryptor;
  private final boolean hasBlindIndex;

  private ColumnCrypto(FieldCipher cipher, EncryptedColumn column, FieldSpec<T> spec) {
    this.cipher = cipher;
    this.column = column;
    this.encryptor = cipher.field(spec);
    this.hasBlindIndex = column.blindIndexColumn() != null;
  }

  static ColumnCrypto<?> of(FieldCipher cipher, EncryptedColumn column) {
    return create(cipher, column, column.spec());
  }

  private static <T> ColumnCrypto<T> create(FieldCipher cipher, EncryptedColumn column, FieldSpec<T> spec) {
    return new ColumnCrypto<>(cipher, column, spec);
  }

  EncryptedColumn column() {
    return column;
  }

  /**
   * The context of this column's value in a row: from the column's {@link RowContext} if it has
   * one, else the spec's with the row's tenant and row id ({@code row} is then not read).
   */
  EncryptionContext context(String tenant, Object rowId, RowContext.Row row) {
    RowContext rc = column.rowContext();
    if (rc == null) {
      return encryptor.context(tenant, rowId);
    }
    return Objects.requireNonNull(rc.context(row), "the row context of " + column.column() + " returned null");
  }

  /**
   * Reads the header (and blind-index prefix) only: never decrypts. {@code raw} is non-null.
   * {@code prfPrimaries} caches, per tenant, the primary PRF key id (within one batch).
   */
  Verdict classify(Object raw, Object rawBlindIndex, EncryptionContext context, String tenant,
      Map<String, Integer> prfPrimaries) {
    byte[] ct = bytes(raw, column.storage());
    if (ct == null || !CiphertextHeader.looksLikeCiphertext(ct)) {
      return Verdict.FAILED;
    }
    if (!cipher.isOnPrimaryKey(ct, context)) {
      return Verdict.STALE;
    }
    if (hasBlindIndex) {
      byte[] bi = bytes(rawBlindIndex, column.blindIndexStorage());
      try {
        if (bi == null || FieldCipher.blindIndexKeyId(bi) != primaryPrfKeyId(tenant, prfPrimaries)) {
          return Verdict.STALE;
        }
      } catch (FieldVaultException notABlindIndex) {
        return Verdict.STALE;
      }
    }
    return Verdict.CURRENT;
  }

  /**
   * The primary PRF key id for a tenant's blind indexes, read once per batch and tenant from a blind
   * index of an empty input computed in the tenant's context (cheaper per row than building a context
   * for {@code FieldCipher.isBlindIndexOnPrimaryKey(bi, context)} on every value).
   */
  private int primaryPrfKeyId(String tenant, Map<String, Integer> cache) {
    String key = tenant == null ? "" : "t:" + tenant;
    Integer id = cache.get(key);
    if (id == null) {
      EncryptionContext ctx = EncryptionContext.of(column.spec().domain(), column.spec().field(), tenant, null);
      id = FieldCipher.blindIndexKeyId(cipher.blindIndex(new byte[0], ctx, FieldCipher.MIN_BLIND_INDEX_LENGTH));
      cache.put(key, id);
    }
    return id;
  }

  /**
   * Re-encrypts a stale value under the primary key and recomputes its blind index; {@code context}
   * is {@link #context} of the row (a column with a blind index has no row context).
   */
  Rewrapped rewrap(Object raw, EncryptionContext context, String tenant, Object rowId) {
    byte[] ct = bytes(raw, column.storage());
    byte[] next;
    byte[] bi = null;
    if (hasBlindIndex) {
      T value = encryptor.decrypt(ct, tenant, rowId);
      next = cipher.isOnPrimaryKey(ct, context) ? ct : encryptor.encrypt(value, tenant, rowId);
      bi = encryptor.blindIndex(value, tenant);
    } else {
      next = cipher.rewrap(ct, context);
    }
    return new Rewrapped(stored(next, column.storage()), bi == null ? null : stored(bi, column.blindIndexStorage()));
  }

  private static byte[] bytes(Object raw, ColumnStorage storage) {
    if (raw == null) {
      return null;
    }
    if (storage == ColumnStorage.BINARY) {
      return (byte[]) raw;
    }
    try {
      return Base64.getDecoder().decode((String) raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Object stored(byte[] value, ColumnStorage storage) {
    return storage == ColumnStorage.BINARY ? value : Base64.getEncoder().encodeToString(value);
  }
}
