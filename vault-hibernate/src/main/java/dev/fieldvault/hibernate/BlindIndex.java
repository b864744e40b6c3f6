package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.BlindIndexBinder;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.annotations.AttributeBinderType;

/**
 * Marks a {@code byte[]} attribute as the blind index of an {@link Encrypted} attribute of the same
 * entity: FieldVault fills it before every insert and update with a keyed hash (HMAC) of the
 * normalised value, so a randomized attribute can be found by equality without being deterministic.
 *
 * <pre>{@code
 * @Encrypted @Column(length = 100) String email;
 * @BlindIndex(of = "email", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
 * @Column(name = "email_bidx") byte[] emailIndex;
 *
 * // query: every readable PRF key's index, so searches keep working during a rotation
 * session.createQuery("from Customer c where c.emailIndex in :idx", Customer.class)
 *     .setParameter("idx", HibernateVault.of(sessionFactory).blindIndexes(Customer.class, "email", "Ann@Example.com"))
 * }</pre>
 *
 * <p>A blind index matches equal (normalised) values only: no range, prefix or LIKE. Shorter indexes
 * collide more often (filter the few extra rows after loading) and reveal less. Entities with
 * {@code @DynamicUpdate} are refused at start-up (the index column would not be written), and so is a
 * blind index inside an embeddable. Hibernate hands the annotation to FieldVault through
 * {@code @AttributeBinderType}, so entities mapped in {@code orm.xml} work the same way.
 */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@AttributeBinderType(binder = BlindIndexBinder.class)
public @interface BlindIndex {

  /** The name of the {@link Encrypted} attribute of the same entity this attribute indexes. */
  String of();

  /** Bytes of HMAC output kept (4 to 32); the column holds 5 more (version and key id). */
  int length() default 16;

  /** How values are normalised before hashing. */
  Normalization normalization() default Normalization.EXACT;

  /** Normalisation of the indexed value. */
  enum Normalization {
    /** The value's exact encoded bytes. */
    EXACT,
    /** Strings only: Unicode NFKC, trimmed, lower case. */
    CASE_INSENSITIVE
  }
}
