package dev.fieldvault.keys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encrypts and decrypts the values of one field ({@link FieldSpec}) with a {@link FieldCipher}.
 * Obtain one from {@link FieldCipher#field(FieldSpec)}. Thread-safe.
 *
 * <p>Null handling: a null value encrypts to null and null decrypts to null (SQL NULL stays NULL;
 * that a value is absent is not hidden). The empty string and empty byte array are encrypted like
 * any other value.
 *
 * @param <T> the field's Java type
 */
public final class FieldEncryptor<T> {

  private final FieldCipher cipher;
  private final FieldSpec<T> spec;
  private final EncryptionContext base;
  /** Where the cipher keeps each cached tenant's context of this field; -1: built per operation. */
  private final int tenantSlot;

  FieldEncryptor(FieldCipher cipher, FieldSpec<T> spec) {
    this.cipher = cipher;
    this.spec = spec;
    this.base = EncryptionContext.of(spec.domain(), spec.field());
    this.tenantSlot = cipher.fieldSlot(base);
  }

  public FieldSpec<T> spec() {
    return spec;
  }

  /** The context of this field for a tenant and row (either may be null). */
  public EncryptionContext context(String tenant, Object rowId) {
    if (spec.rowBound()) {
      if (rowId == null) {
        throw new VaultConfigurationException("Field " + spec.describe() + " is row-bound: its row id must be"
            + " known before the value is written or read (use a sequence, UUID or assigned id)");
      }
    } else {
      rowId = null;
    }
    if (tenant == null && rowId == null) {
      return base;
    }
    return EncryptionContext.of(spec.domain(), spec.field(), tenant, rowId);
  }

  /** Encrypts a value of a field that is neither tenant-scoped nor row-bound. */
  public byte[] encrypt(T value) {
    return encrypt(value, null, null);
  }

  /** Encrypts a value for a tenant and row (either may be null when not used). */
  public byte[] encrypt(T value, String tenant, Object rowId) {
    if (value == null) {
      return null;
    }
    if (tenant != null && tenantSlot >= 0 && !spec.rowBound() && !tenant.isEmpty()) {
      return cipher.encrypt(spec.codec().encode(value), base, tenantSlot, tenant, spec.mode(), spec.compressAbove());
    }
    return cipher.encrypt(spec.codec().encode(value), context(tenant, rowId), spec.mode(), spec.compressAbove());
  }

  /** Decrypts a value of a field that is neither tenant-scoped nor row-bound. */
  public T decrypt(byte[] ciphertext) {
    return decrypt(ciphertext, null, null);
  }

  /** Decrypts a value written for a tenant and row. */
  public T decrypt(byte[] ciphertext, String tenant, Object rowId) {
    if (ciphertext == null) {
      return null;
    }
    if (tenant != null && tenantSlot >= 0 && !spec.rowBound() && !tenant.isEmpty()) {
      return spec.codec().decode(cipher.decrypt(ciphertext, base, tenantSlot, tenant, spec.mode()));
    }
    return spec.codec().decode(cipher.decrypt(ciphertext, context(tenant, rowId), spec.mode()));
  }

  /** The text storage form: base64 of {@link #encrypt(Object, String, Object)}. */
  public String encryptToText(T value, String tenant, Object rowId) {
    byte[] ct = encrypt(value, tenant, rowId);
    return ct == null ? null : Base64.getEncoder().encodeToString(ct);
  }

  /** Decrypts the text storage form. */
  public T decryptText(String base64, String tenant, Object rowId) {
    return base64 == null ? null : decrypt(CiphertextHeader.decodeText(base64), tenant, rowId);
  }

  /**
   * For a deterministic field: the ciphertexts that a stored equal value may have, one per readable
   * key (the primary's first). Query with {@code col IN (...)} to keep finding rows during a rotation.
   */
  public List<byte[]> searchCiphertexts(T value, String tenant) {
    if (spec.mode() != EncryptionMode.DETERMINISTIC) {
      throw new VaultConfigurationException("Field " + spec.describe() + " is randomized: search it through"
          + " a blind index, or make it deterministic");
    }
    return cipher.searchCiphertexts(spec.codec().encode(value), context(tenant, null), spec.compressAbove());
  }

  /**
   * For a deterministic field of a column that may still hold legacy plaintext: the stored form a
   * legacy plaintext equal to {@code value} has, which an equality search matches besides
   * {@link #searchCiphertexts}. The text form is the one {@link LegacyPlaintext} reads back: a
   * {@code String} as it is, an enum by its constant's name, a {@code BigDecimal} without exponent,
   * other values by their {@code toString()} (ISO forms for dates and times); a {@code byte[]} as its
   * bytes. A {@link ColumnStorage#TEXT TEXT} column holds that text, a {@link ColumnStorage#BINARY
   * BINARY} one its UTF-8 bytes. The other spellings the databases write for the type (such as
   * {@code 2024-01-31 10:15:00} for a {@code LocalDateTime}) are {@link #legacySearchForms}, which a
   * search sends; others again (such as {@code 042}) are not matched.
   *
   * @return a {@code String} (TEXT) or a {@code byte[]} (BINARY); null for null
   */
  public Object legacySearchForm(T value, ColumnStorage storage) {
    if (spec.mode() != EncryptionMode.DETERMINISTIC) {
      throw new VaultConfigurationException("Field " + spec.describe() + " is randomized: search it through"
          + " a blind index, or make it deterministic");
    }
    if (value == null) {
      return null;
    }
    if (value instanceof byte[]) {
      byte[] bytes = ((byte[]) value).clone();
      return storage == ColumnStorage.TEXT ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : bytes;
    }
    String text = value instanceof Enum ? ((Enum<?>) value).name()
        : value instanceof java.math.BigDecimal ? ((java.math.BigDecimal) value).toPlainString() : value.toString();
    return storage == ColumnStorage.TEXT ? text : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * How many values {@link #legacySearchForms} gives for this field's type: the same for every value, so
   * that a search has a fixed number of placeholders (14 for a {@code Boolean}, 8 for a
   * {@code LocalDateTime}, 4 for a {@code LocalTime}, a {@code Double} or a {@code Float}, 3 for an
   * {@code OffsetDateTime}, 2 for a {@code BigDecimal} or a {@code UUID}, else 1).
   */
  public int legacySearchFormCount() {
    return dev.fieldvault.keys.internal.LegacyTextForms.count(spec.codec().type());
  }

  /**
   * For a deterministic field of a column that may still hold legacy plaintext: every stored form a
   * legacy plaintext equal to {@code value} may have, which an equality search matches besides
   * {@link #searchCiphertexts}: {@link #legacySearchForm} first, then the text the databases write for
   * the type (a column converted to text by {@code ALTER TABLE}) and the other spellings
   * {@link LegacyPlaintext} reads back as that value: a {@code Boolean} as {@code true t 1 yes y on}
   * (or {@code false f 0 no n off}) in lower case, upper case and capitalised; a {@code LocalDateTime} or
   * {@code LocalTime} with {@code T} or a space, seconds always, the fraction trimmed, in groups of three
   * or to six digits; an {@code OffsetDateTime} also as PostgreSQL writes a {@code timestamptz}; a
   * {@code Double} or {@code Float} in plain decimal and exponent forms ({@code 1e+20}, {@code 1e20},
   * {@code 1e-05}); a {@code BigDecimal} without trailing zeros; a {@code UUID} in upper case. Other
   * spellings (white space around the value, other mixed case, other zero padding) are not among them.
   *
   * <p>Always {@link #legacySearchFormCount} values (a value with fewer forms repeats its first), in
   * storage form ({@code String} for TEXT, UTF-8 {@code byte[]} for BINARY). A form that has the form of
   * a ciphertext ({@link CiphertextHeader#hasCiphertextForm}) is never a stored plaintext (such a value is
   * read as a ciphertext), so it is replaced by the value's ciphertext under the primary key, in storage
   * form: searching with another row's stored ciphertext text finds nothing more.
   *
   * @param tenant the tenant of the search (null: none), for that ciphertext
   * @return the forms; {@code [null, ...]} for null
   */
  public List<Object> legacySearchForms(T value, String tenant, ColumnStorage storage) {
    Object first = legacySearchForm(value, storage);
    int n = legacySearchFormCount();
    List<Object> out = new ArrayList<>(n);
    if (value == null || n == 1 || value instanceof byte[]) {
      for (int i = 0; i < n; i++) {
        out.add(first);
      }
    } else {
      String firstText = first instanceof String ? (String) first
          : new String((byte[]) first, java.nio.charset.StandardCharsets.UTF_8);
      for (String f : dev.fieldvault.keys.internal.LegacyTextForms.of(spec.codec().type(), value, firstText)) {
        out.add(storage == ColumnStorage.TEXT ? f : f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    Object primary = null;
    for (int i = 0; i < n && value != null; i++) {
      Object form = out.get(i);
      boolean ciphertextForm = form instanceof String ? CiphertextHeader.hasCiphertextFormText((String) form)
          : CiphertextHeader.hasCiphertextForm((byte[]) form);
      if (ciphertextForm) {
        if (primary == null) {
          byte[] ct = searchCiphertexts(value, tenant).get(0);
          primary = storage == ColumnStorage.TEXT ? Base64.getEncoder().encodeToString(ct) : ct;
        }
        out.set(i, primary);
      }
    }
    return out;
  }

  /** The blind index of a value under the primary PRF key (what is stored beside the ciphertext). */
  public byte[] blindIndex(T value, String tenant) {
    requireBlindIndex();
    if (value == null) {
      return null;
    }
    if (tenant != null && tenantSlot >= 0 && !tenant.isEmpty()) {
      return cipher.blindIndex(spec.normalizer().apply(value), base, tenantSlot, tenant, spec.blindIndexLength());
    }
    return cipher.blindIndex(spec.normalizer().apply(value), blindContext(tenant), spec.blindIndexLength());
  }

  /** The blind indexes a stored equal value may have, one per readable PRF key (the primary's first). */
  public List<byte[]> blindIndexesForSearch(T value, String tenant) {
    requireBlindIndex();
    return new ArrayList<>(cipher.blindIndexesForSearch(spec.normalizer().apply(value), blindContext(tenant),
        spec.blindIndexLength()));
  }

  private EncryptionContext blindContext(String tenant) {
    return tenant == null ? base : base.withTenant(tenant);
  }

  private void requireBlindIndex() {
    if (spec.blindIndexLength() == 0) {
      throw new VaultConfigurationException("Field " + spec.describe() + " has no blind index");
    }
  }

  @Override
  public String toString() {
    return "FieldEncryptor{" + spec + "}";
  }
}
