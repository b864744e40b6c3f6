package dev.fieldvault.jdbc.rotation.internal;

import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.EncryptedColumn;
import dev.fieldvault.keys.EncryptionContext;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.FieldVaultException;
import dev.fieldvault.keys.KeyUnavailableException;
import dev.fieldvault.keys.LegacyPlaintext;
import dev.fieldvault.keys.MalformedCiphertextException;
import dev.fieldvault.keys.RowContext;
import dev.fieldvault.keys.UnknownKeyVersionException;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from the header whether one stored value (and its blind index) is off the primary key,
 * and re-encrypts it; in a plaintext migration, also tells legacy plaintext from ciphertext and
 * encrypts it. Internal.
 */
final class ColumnCrypto<T> {

  /**
   * CURRENT: on the primary keys; STALE: to rewrap; FAILED: not a ciphertext (rotation) or not
   * rewrappable; PLAINTEXT (migration): does not have the form of a ciphertext
   * ({@link CiphertextHeader#hasCiphertextForm}); UNREADABLE (migration): has that form but does not
   * decrypt in this column's context (unknown, disabled or destroyed key, fails to authenticate, a
   * tenant without keyring): never taken for plaintext.
   */
  enum Verdict { CURRENT, STALE, FAILED, PLAINTEXT, UNREADABLE }

  /** A legacy plaintext whose ciphertext (or blind index) is longer than its column holds. */
  static final class TooLongException extends RuntimeException {
    TooLongException(String message) {
      super(message, null, false, false);
    }
  }

  /** New stored forms of a value and its blind index (null when the column has none). */
  record Rewrapped(Object value, Object blindIndex) {}

  private final FieldCipher cipher;
  private final EncryptedColumn column;
  private final FieldEncryptor<T> encryptor;
  private final boolean hasBlindIndex;
  /** Longest stored value and blind index the columns hold (-1: not checked). */
  private final long maxLength;
  private final long maxBlindIndexLength;
  /** In a rotation, the key ids whose values are moved (null: every value off the primary key). */
  private java.util.Set<Integer> fromKeyIds;

  private ColumnCrypto(FieldCipher cipher, EncryptedColumn column, FieldSpec<T> spec, long maxLength,
      long maxBlindIndexLength) {
    this.cipher = cipher;
    this.column = column;
    this.encryptor = cipher.field(spec);
    this.hasBlindIndex = column.blindIndexColumn() != null;
    this.maxLength = maxLength;
    this.maxBlindIndexLength = maxBlindIndexLength;
  }

  static ColumnCrypto<?> of(FieldCipher cipher, EncryptedColumn column) {
    return create(cipher, column, column.spec(), -1, -1);
  }

  /** For a rotation that moves only the values under {@code fromKeyIds} (null: all off the primary key). */
  static ColumnCrypto<?> of(FieldCipher cipher, EncryptedColumn column, java.util.Set<Integer> fromKeyIds) {
    ColumnCrypto<?> cc = of(cipher, column);
    cc.fromKeyIds = fromKeyIds;
    return cc;
  }

  /** For a migration: stored values longer than the declared column sizes are refused ({@link TooLongException}). */
  static ColumnCrypto<?> of(FieldCipher cipher, EncryptedColumn column, ColumnTypes types) {
    long max = types.of(column.column()).size();
    long maxBi = column.blindIndexColumn() == null ? -1 : types.of(column.blindIndexColumn()).size();
    return create(cipher, column, column.spec(), max, maxBi);
  }

  private static <T> ColumnCrypto<T> create(FieldCipher cipher, EncryptedColumn column, FieldSpec<T> spec,
      long maxLength, long maxBlindIndexLength) {
    return new ColumnCrypto<>(cipher, column, spec, maxLength, maxBlindIndexLength);
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
    if (fromKeyIds != null && !fromKeyIds.contains(CiphertextHeader.parse(ct).keyId())) {
      return Verdict.CURRENT; // under a key this rotation does not move: left as it is
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
   * Plaintext migration, by the one rule of the core ({@link CiphertextHeader#hasCiphertextForm}, also
   * used by Hibernate's {@code MIGRATE} reads and the JDBC wrapper): a value without the form of a
   * ciphertext (no header, or shorter than the shortest ciphertext of its mode, such as
   * {@code EAEAAAAAAAAAAAAAAAAA}) is legacy plaintext. A value with that form is a ciphertext: if it
   * decrypts in this column's context it is classified as in a rotation; if it does not (a key id no
   * keyset holds, a disabled or destroyed key, a value that does not authenticate here, a tenant
   * without keyring) it is UNREADABLE — never encrypted a second time, so a ciphertext FieldVault
   * cannot read now is never mistaken for a plaintext and overwritten.
   */
  Verdict classifyForMigration(Object raw, Object rawBlindIndex, EncryptionContext context, String tenant,
      Map<String, Integer> prfPrimaries) {
    byte[] ct = bytes(raw, column.storage());
    if (ct == null || !CiphertextHeader.hasCiphertextForm(ct)) {
      return Verdict.PLAINTEXT;
    }
    try {
      cipher.decrypt(ct, context);
    } catch (FieldVaultException unreadable) {
      // unknown key id, disabled or destroyed key, fails to authenticate here, keyring lacks its mode
      return Verdict.UNREADABLE;
    }
    return classify(raw, rawBlindIndex, context, tenant, prfPrimaries);
  }

  /**
   * Encrypts a legacy plaintext ({@link LegacyPlaintext}: the value an application reads under a
   * migrating policy) in {@code context}, with its blind index.
   *
   * @throws dev.fieldvault.keys.ValueCodecException if it is not a text form of the column's type
   * @throws TooLongException if the ciphertext or blind index is longer than its column holds
   */
  Rewrapped encryptPlaintext(Object raw, EncryptionContext context, String tenant) {
    FieldSpec<T> spec = encryptor.spec();
    T value = LegacyPlaintext.parse(spec.codec().type(), raw);
    byte[] ct = cipher.encrypt(spec.codec().encode(value), context, spec.mode(), spec.compressAbove());
    Object stored = stored(ct, column.storage());
    long length = storedLength(stored);
    if (maxLength >= 0 && length > maxLength) {
      throw new TooLongException("its ciphertext needs " + length + (column.storage() == ColumnStorage.TEXT
          ? " characters" : " bytes") + " but the column holds " + maxLength);
    }
    Object bi = null;
    if (hasBlindIndex) {
      bi = stored(encryptor.blindIndex(value, tenant), column.blindIndexStorage());
      if (maxBlindIndexLength >= 0 && storedLength(bi) > maxBlindIndexLength) {
        throw new TooLongException("its blind index needs " + storedLength(bi) + " but column "
            + column.blindIndexColumn() + " holds " + maxBlindIndexLength);
      }
    }
    return new Rewrapped(stored, bi);
  }

  /** The length of a stored form: bytes of a binary value, characters of a text one. */
  static long storedLength(Object stored) {
    return stored instanceof byte[] ? ((byte[]) stored).length : ((String) stored).length();
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
    String text = (String) raw;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/'
          || ch == '=')) {
        return null; // not base64 (a legacy plaintext, typically): no exception thrown per value
      }
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Object stored(byte[] value, ColumnStorage storage) {
    return storage == ColumnStorage.BINARY ? value : Base64.getEncoder().encodeToString(value);
  }
}
