package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.internal.VaultRuntime;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import java.util.List;
import java.util.Map;
import org.hibernate.SharedSessionContract;

/**
 * FieldVault's view of one Hibernate {@code SessionFactory} (or JPA {@code EntityManagerFactory}):
 * the encrypted attributes discovered from its mapping, the cipher they use, and the count of
 * plaintext values read during a migration.
 *
 * <pre>{@code
 * HibernateVault vault = HibernateVault.of(entityManagerFactory);
 * for (EncryptedAttribute a : vault.attributes()) { ... }   // for the rotation job
 * vault.reload(keyring.with(daead.rotate()));                 // a promoted key, live
 * }</pre>
 */
public interface HibernateVault {

  /**
   * The vault of a session factory built with FieldVault's integrator.
   *
   * @param factory a {@code SessionFactory} or {@code EntityManagerFactory}
   * @throws IllegalArgumentException if the factory has no encrypted attribute or is closed
   */
  static HibernateVault of(Object factory) {
    return VaultRuntime.of(factory);
  }

  /** Every encrypted attribute, in a stable order (entity name, then attribute path). */
  List<EncryptedAttribute> attributes();

  /**
   * One attribute by entity class and path.
   *
   * @throws IllegalArgumentException if the attribute is not encrypted
   */
  EncryptedAttribute attribute(Class<?> entity, String attributePath);

  /** The cipher every attribute of this factory uses. */
  FieldCipher cipher();

  /**
   * Switches to a changed keyring (a promoted or added key) without restarting: values are written
   * under the new primary keys, and equality queries on deterministic attributes match values under
   * every readable key.
   */
  void reload(Keyring keyring);

  /**
   * The blind indexes of a value for an attribute with a {@link BlindIndex} companion, one per readable
   * PRF key (the primary's first): query the companion with {@code in :indexes}.
   *
   * @throws IllegalArgumentException if the attribute has no blind index, or its entity has a
   *     {@code @TenantId} (use {@link #blindIndexes(SharedSessionContract, Class, String, Object)})
   */
  java.util.List<byte[]> blindIndexes(Class<?> entity, String attributePath, Object value);

  /**
   * As {@link #blindIndexes(Class, String, Object)}, for a query run by {@code session}: the indexes of
   * an attribute of an entity with a {@code @TenantId} are those of the session's tenant.
   *
   * @throws IllegalArgumentException if the attribute has no blind index
   * @throws dev.fieldvault.keys.VaultConfigurationException if the entity has a {@code @TenantId} and the
   *     session has no tenant
   */
  java.util.List<byte[]> blindIndexes(SharedSessionContract session, Class<?> entity, String attributePath,
      Object value);

  /** How many plaintext values of an attribute were read (under a migrating {@link PlaintextPolicy}). */
  long plaintextReads(EncryptedAttribute attribute);

  /** The plaintext reads of every attribute that had any, keyed by {@code Entity.attribute}. */
  Map<String, Long> plaintextReads();
}
