package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.EncryptedBinder;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.annotations.AttributeBinderType;

/**
 * Encrypts a basic attribute of an entity or embeddable: the database column holds only a
 * FieldVault ciphertext bound to the attribute's context (and, with {@link #rowBound()}, to its row).
 *
 * <pre>{@code
 * @Entity
 * class Customer {
 *   @Id @GeneratedValue(strategy = GenerationType.SEQUENCE) Long id;
 *   @Encrypted(mode = EncryptionMode.DETERMINISTIC) String email;   // where c.email = :email works
 *   @Encrypted(rowBound = true) String ssn;                          // a copied value fails to decrypt
 *   @Encrypted(storage = ColumnStorage.TEXT) LocalDate birthday; // base64 in a varchar column
 * }
 * }</pre>
 *
 * <p>No {@code @Convert} is needed: the annotation names its Hibernate attribute binder
 * ({@code @AttributeBinderType}), which gives the attribute FieldVault's type in Hibernate's mapping
 * model, and FieldVault's integrator (registered through {@code META-INF/services}) checks every
 * encrypted attribute when the session factory starts. Entities mapped in {@code orm.xml} work the same
 * way, with {@code @Encrypted} on the field or getter (unless the mapping file is
 * {@code metadata-complete}, which makes Hibernate ignore annotations). Keys come from the setting
 * {@link FieldVaultSettings#KEYRING}.
 *
 * <p>Supported Java types are those of {@link dev.fieldvault.keys.ValueCodecs#forType}. The column
 * length given by {@code @Column(length = n)} is the plaintext length (characters for strings, bytes
 * for binary values); schema generation widens the column to fit the ciphertext.
 */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@AttributeBinderType(binder = EncryptedBinder.class)
public @interface Encrypted {

  /** Randomized (default) or deterministic; only deterministic attributes can be queried by equality. */
  EncryptionMode mode() default EncryptionMode.RANDOMIZED;

  /**
   * The context name the ciphertext is bound to, pinned so that renaming the entity or attribute keeps
   * the data readable: {@code "domain.field"} (split at the first dot), or just {@code "field"} to keep
   * the entity name as domain. Default: the JPA entity name and the attribute path, e.g.
   * {@code Customer.address.street}.
   */
  String context() default "";

  /**
   * Binds each ciphertext to its row's id, so a value copied to another row fails to decrypt.
   * Randomized attributes of an entity (not an embeddable) only; the id must be known before the
   * insert (sequence, UUID or assigned id; an IDENTITY id fails at start-up).
   */
  boolean rowBound() default false;

  /** Compresses plaintexts of at least this many bytes when that makes them smaller; negative: never. */
  int compressAbove() default -1;

  /**
   * How the column stores the ciphertext: binary (bytea / varbinary, default) or text (base64):
   * the {@link ColumnStorage} of FieldVault's column model.
   */
  ColumnStorage storage() default ColumnStorage.BINARY;

  /** What reading a plaintext (not yet encrypted) value does; default: the session factory's setting. */
  PlaintextPolicy plaintext() default PlaintextPolicy.DEFAULT;
}
