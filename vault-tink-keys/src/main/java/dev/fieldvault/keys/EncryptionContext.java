package dev.fieldvault.keys;

import dev.fieldvault.keys.internal.AssociatedData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.UUID;

/**
 * Where a value belongs: the context every ciphertext is bound to through the AEAD's associated
 * data. A ciphertext read in any other context (another domain, field, tenant or row) fails to
 * decrypt with {@link DecryptionFailedException}.
 *
 * <ul>
 *   <li>{@code domain}: a logical name, by default the entity name or table (required);
 *   <li>{@code field}: a logical name, by default the attribute path or column (required);
 *   <li>{@code tenant}: the tenant, when the application has several (optional);
 *   <li>{@code rowId}: the row's id, for row-bound randomized fields (optional; never for
 *       deterministic fields, which must produce equal ciphertexts across rows).
 * </ul>
 *
 * <p>Names are logical, not physical: pin them when a column or entity may be renamed. The encoding
 * is canonical and length-prefixed; it is specified in {@code docs/FORMAT.md}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EncryptionContext {

  private final String domain;
  private final String field;
  private final String tenant;
  private final String rowId;
  private final byte[] encoded;
  // associated data per header byte, filled lazily (benign race: every thread computes the same bytes)
  private final byte[][] adByHeader = new byte[16][];

  private EncryptionContext(String domain, String field, String tenant, String rowId) {
    this.domain = requireName(domain, "domain");
    this.field = requireName(field, "field");
    if (tenant != null && tenant.isEmpty()) {
      throw new VaultConfigurationException("tenant must be null (no tenant) or non-empty");
    }
    this.tenant = tenant;
    this.rowId = rowId;
    this.encoded = AssociatedData.encodeContext(this.domain, this.field, tenant, rowId);
  }

  /** A context with a domain and a field, no tenant and no row binding. */
  public static EncryptionContext of(String domain, String field) {
    return new EncryptionContext(domain, field, null, null);
  }

  /** A context with every part given; {@code tenant} and {@code rowId} may be null. */
  public static EncryptionContext of(String domain, String field, String tenant, Object rowId) {
    return new EncryptionContext(domain, field, tenant, rowId == null ? null : canonicalRowId(rowId));
  }

  /** This context for the given tenant (null: none). */
  public EncryptionContext withTenant(String newTenant) {
    return new EncryptionContext(domain, field, newTenant, rowId);
  }

  /** This context bound to the given row id (null: not row-bound). See {@link #canonicalRowId}. */
  public EncryptionContext withRowId(Object newRowId) {
    return new EncryptionContext(domain, field, tenant, newRowId == null ? null : canonicalRowId(newRowId));
  }

  public String domain() {
    return domain;
  }

  public String field() {
    return field;
  }

  /** The tenant, or null. */
  public String tenant() {
    return tenant;
  }

  /** The canonical row id, or null when the context is not row-bound. */
  public String rowId() {
    return rowId;
  }

  /**
   * The canonical text of a row id, so that JDBC and Hibernate bind the same row the same way:
   * integral numbers in decimal, a {@link BigDecimal} without trailing zeros, a {@link UUID} in
   * lower case, and a {@link CharSequence} as it is.
   *
   * @throws VaultConfigurationException for any other type
   */
  public static String canonicalRowId(Object id) {
    Objects.requireNonNull(id, "id");
    if (id instanceof CharSequence) {
      String s = id.toString();
      if (s.isEmpty()) {
        throw new VaultConfigurationException("A row id must not be empty");
      }
      return s;
    }
    if (id instanceof Long || id instanceof Integer || id instanceof Short || id instanceof Byte
        || id instanceof BigInteger) {
      return id.toString();
    }
    if (id instanceof BigDecimal) {
      BigDecimal d = ((BigDecimal) id).stripTrailingZeros();
      return d.scale() <= 0 ? d.toBigIntegerExact().toString() : d.toPlainString();
    }
    if (id instanceof UUID) {
      return id.toString().toLowerCase(java.util.Locale.ROOT);
    }
    throw new VaultConfigurationException("A row id of type " + id.getClass().getName()
        + " cannot bind a ciphertext to its row: use a String, an integral number or a UUID id");
  }

  /** The associated data for a ciphertext with this header byte. Internal; do not modify. */
  byte[] associatedData(byte header) {
    int slot = header & 0x0F;
    byte[] ad = adByHeader[slot];
    if (ad == null || ad[0] != header) {
      ad = AssociatedData.withHeader(header, encoded);
      adByHeader[slot] = ad;
    }
    return ad;
  }

  /** The canonical encoding without a header byte. Internal; do not modify. */
  byte[] encoded() {
    return encoded;
  }

  /** Describes the context for messages; shows whether a row is bound, never the row id's value. */
  String describe() {
    return "domain='" + domain + "' field='" + field + "' tenant="
        + (tenant == null ? "<none>" : "'" + tenant + "'") + (rowId == null ? "" : " row-bound");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EncryptionContext)) {
      return false;
    }
    EncryptionContext c = (EncryptionContext) o;
    return domain.equals(c.domain) && field.equals(c.field) && Objects.equals(tenant, c.tenant)
        && Objects.equals(rowId, c.rowId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, field, tenant, rowId);
  }

  @Override
  public String toString() {
    return "EncryptionContext{" + describe() + "}";
  }

  private static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new VaultConfigurationException("The context " + what + " must be a non-blank name");
    }
    return value;
  }
}
