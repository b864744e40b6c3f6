package dev.fieldvault.hibernate;

import dev.fieldvault.keys.DecryptionFailedException;

/**
 * A stored value of an {@link Encrypted} attribute could not be decrypted: it was modified, copied
 * from another column or row, written under another context name, or it is a plaintext value while
 * the attribute's {@link PlaintextPolicy} is {@code CIPHERTEXT_ONLY}. The message names the entity,
 * attribute and column, never the value.
 */
public final class AttributeDecryptionException extends DecryptionFailedException {

  private final String entityName;
  private final String attributePath;

  public AttributeDecryptionException(EncryptedAttribute attribute, DecryptionFailedException cause) {
    super("Cannot decrypt " + attribute.entityName() + "." + attribute.attributePath() + " (column "
        + attribute.table() + "." + attribute.column() + "): " + cause.getMessage(), cause);
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
}
