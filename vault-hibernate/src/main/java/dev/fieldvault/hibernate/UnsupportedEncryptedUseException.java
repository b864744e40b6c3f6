package dev.fieldvault.hibernate;

import jakarta.persistence.PersistenceException;

/**
 * An {@link Encrypted} attribute was used in a way that cannot give a right answer on its
 * ciphertext, so FieldVault refused it instead of returning wrong rows or an internal object:
 *
 * <ul>
 *   <li>a query that compares a {@code RANDOMIZED} attribute with a value, or that orders, ranges
 *       ({@code <}, {@code >}, {@code between}), pattern-matches ({@code like}), sorts
 *       ({@code order by}), groups, or applies a function or arithmetic to any encrypted attribute;
 *   <li>a query that uses one parameter for an encrypted attribute and for anything else (a plain
 *       column, an attribute encrypted differently, any other construct): give each attribute its own
 *       parameter;
 *   <li>a read of a row-bound attribute where its row id is unknown: a scalar select of it, or a
 *       {@code StatelessSession} load.
 * </ul>
 *
 * <p>The message names the entity and attribute and says what is supported; it never contains a
 * value. It is a JPA {@link PersistenceException}, so Hibernate passes it through unwrapped on 6.6
 * and 7. Queries are refused when Hibernate translates them, that is when they are first run.
 */
public final class UnsupportedEncryptedUseException extends PersistenceException {

  private static final long serialVersionUID = 1L;

  private final String entityName;
  private final String attributePath;

  public UnsupportedEncryptedUseException(EncryptedAttribute attribute, String message) {
    super(message);
    this.entityName = attribute.entityName();
    this.attributePath = attribute.attributePath();
  }

  /** The entity whose attribute was used. */
  public String entityName() {
    return entityName;
  }

  /** The attribute's path in the entity ({@code address.street} for an embeddable's attribute). */
  public String attributePath() {
    return attributePath;
  }
}
