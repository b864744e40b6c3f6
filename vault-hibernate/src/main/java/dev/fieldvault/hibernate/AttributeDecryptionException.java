package dev.fieldvault.hibernate;

import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldVaultException;
import jakarta.persistence.PersistenceException;

/**
 * A stored value of an {@link Encrypted} attribute could not be decrypted: it was modified, copied
 * from another column or row, written under another context name, or it is a plaintext value while
 * the attribute's {@link PlaintextPolicy} is {@code CIPHERTEXT_ONLY}. The message names the entity,
 * attribute and column, never the value; the cause is the core's typed error: a
 * {@link DecryptionFailedException} (or its {@code MalformedCiphertextException}), or a
 * {@code KeyUnavailableException} when the value's key is unknown, disabled or destroyed, or a
 * {@code ValueCodecException} when, under a migrating policy, a legacy plaintext is not a text form of the
 * attribute's type (fix that row's value, or clear it). When FieldVault reads the value with its row's id
 * (row-bound and tenant-bound attributes), the message names that id too.
 *
 * <p>It is a JPA {@link PersistenceException}, like every error Hibernate raises while loading, so
 * that Hibernate passes it through unwrapped on both 6.6 and 7.
 */
public final class AttributeDecryptionException extends PersistenceException {

  private static final long serialVersionUID = 1L;

  private final String entityName;
  private final String attributePath;

  public AttributeDecryptionException(EncryptedAttribute attribute, FieldVaultException cause) {
    this(attribute, cause, null);
  }

  /**
   * @param rowId the entity's id of the row whose value failed, or null when it is not known where the
   *     value is read (a value read by Hibernate's value converter, outside an entity's load events)
   */
  public AttributeDecryptionException(EncryptedAttribute attribute, FieldVaultException cause, Object rowId) {
    super("Cannot decrypt " + attribute.entityName() + "." + attribute.attributePath() + " (column "
        + attribute.table() + "." + attribute.column() + (rowId == null ? "" : ", row id " + rowId) + "): "
        + cause.getMessage(), cause);
    this.entityName = attribute.entityName();
    this.attributePath = attribute.attributePath();
  }

  /** The entity whose attribute failed. */
  public String entityName() {
    return entityName;
  }

  /** The attribute's path in the entity ({@code address.street} for an embeddable's attribute). */
  public String attributePath() {
    return attributePath;
  }

  @Override
  public synchronized FieldVaultException getCause() {
    return (FieldVaultException) super.getCause();
  }
}
