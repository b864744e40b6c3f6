package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.KeyInfo;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.keys.Keyring;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.SharedSessionContract;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/** The {@link HibernateVault} of one session factory, registered by the integrator. */
public final class VaultRuntime implements HibernateVault {

  private static final Map<SessionFactoryImplementor, VaultRuntime> BY_FACTORY = new ConcurrentHashMap<>();

  private final SessionFactoryImplementor factory;
  private final FieldCipher cipher;
  private final List<AttributeBinding> bindings;
  private final List<EncryptedAttribute> attributes;
  /**
   * The attributes as their entities declare them, one per {@code @Encrypted} attribute: without the
   * per-table copies of {@code TABLE_PER_CLASS} subclasses, with an abstract root's (which
   * {@link #attributes()} does not list, having no table). What query checks match query paths against.
   */
  private final List<EncryptedAttribute> declared;

  VaultRuntime(SessionFactoryImplementor factory, FieldCipher cipher, List<AttributeBinding> bindings) {
    this.factory = factory;
    this.cipher = cipher;
    List<EncryptedAttribute> declaredModels = new ArrayList<>();
    for (AttributeBinding b : bindings) {
      declaredModels.add(b.model);
    }
    declaredModels.sort(Comparator.comparing(EncryptedAttribute::entityName)
        .thenComparing(EncryptedAttribute::attributePath));
    this.declared = List.copyOf(declaredModels);
    List<AttributeBinding> sorted = new ArrayList<>();
    for (AttributeBinding b : bindings) {
      sorted.add(b);
      sorted.addAll(b.unionTables()); // TABLE_PER_CLASS: each subclass table holds its own copy of the column
    }
    sorted.sort(Comparator.comparing((AttributeBinding b) -> b.model.entityName())
        .thenComparing(b -> b.model.attributePath()));
    this.bindings = List.copyOf(sorted);
    List<EncryptedAttribute> models = new ArrayList<>();
    for (AttributeBinding b : this.bindings) {
      if (b.listed) {
        models.add(b.model);
      }
    }
    this.attributes = Collections.unmodifiableList(models);
  }

  static void register(SessionFactoryImplementor factory, VaultRuntime runtime) {
    BY_FACTORY.put(factory, runtime);
  }

  static void unregister(SessionFactoryImplementor factory) {
    BY_FACTORY.remove(factory);
  }

  /** See {@link HibernateVault#of(Object)}. */
  public static VaultRuntime of(Object factory) {
    if (!(factory instanceof EntityManagerFactory)) {
      throw new IllegalArgumentException("Not a SessionFactory or EntityManagerFactory: "
          + (factory == null ? "null" : factory.getClass().getName()));
    }
    SessionFactoryImplementor sf = ((EntityManagerFactory) factory).unwrap(SessionFactoryImplementor.class);
    VaultRuntime runtime = BY_FACTORY.get(sf);
    if (runtime == null) {
      throw new IllegalArgumentException("The session factory has no @Encrypted attribute, or it is closed");
    }
    return runtime;
  }

  /** The runtime of a session factory, or null (no @Encrypted attribute, or not yet integrated). */
  static VaultRuntime forFactory(SessionFactoryImplementor factory) {
    return BY_FACTORY.get(factory);
  }

  /** Whether a deterministic attribute's policy migrates plaintext (its searches also match the plaintext form). */
  boolean migratesDeterministicPlaintext() {
    for (AttributeBinding b : bindings) {
      if (b.migrating() && b.model.mode() == EncryptionMode.DETERMINISTIC) {
        return true;
      }
    }
    return false;
  }

  /** How many keys of the deterministic keyset can decrypt (and so may have written a stored value). */
  int readableDeterministicKeys() {
    VaultKeyset ks = cipher.keyring().deterministic().orElse(null);
    if (ks == null) {
      return 0;
    }
    int n = 0;
    for (KeyInfo k : ks.keys()) {
      if (ks.canDecrypt(k)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public List<EncryptedAttribute> attributes() {
    return attributes;
  }

  /** See {@link #declared}. */
  List<EncryptedAttribute> declaredAttributes() {
    return declared;
  }

  @Override
  public EncryptedAttribute attribute(Class<?> entity, String attributePath) {
    for (EncryptedAttribute a : attributes) {
      if (a.attributePath().equals(attributePath) && a.entityClass() == entity) {
        return a;
      }
    }
    for (EncryptedAttribute a : declared) {
      if (a.attributePath().equals(attributePath) && a.entityClass() != null
          && a.entityClass().isAssignableFrom(entity)) {
        return a;
      }
    }
    throw new IllegalArgumentException(entity.getSimpleName() + "." + attributePath + " is not an @Encrypted attribute");
  }

  @Override
  public List<byte[]> blindIndexes(Class<?> entity, String attributePath, Object value) {
    EncryptedAttribute a = attribute(entity, attributePath);
    if (a.tenantColumn() != null) {
      throw new IllegalArgumentException(entity.getSimpleName() + "." + attributePath + " belongs to an entity"
          + " with a @TenantId, so its blind index is bound to the tenant: call blindIndexes(session, ...) with"
          + " the session that runs the query");
    }
    return blindIndexes(a, value, null);
  }

  @Override
  public List<byte[]> blindIndexes(SharedSessionContract session, Class<?> entity, String attributePath,
      Object value) {
    EncryptedAttribute a = attribute(entity, attributePath);
    return blindIndexes(a, value, a.tenantColumn() == null ? null : Tenants.of(session, a));
  }

  private List<byte[]> blindIndexes(EncryptedAttribute a, Object value, String tenant) {
    if (a.blindIndexAttribute() == null) {
      throw new IllegalArgumentException(a.entityName() + "." + a.attributePath() + " has no @BlindIndex"
          + " companion attribute");
    }
    for (AttributeBinding b : bindings) {
      if (b.model == a) {
        return b.encryptor.blindIndexesForSearch(value, tenant);
      }
    }
    throw new IllegalStateException("no binding for " + a);
  }

  /** The spec the integration encrypts an attribute with (normaliser included), or null if unknown. */
  public dev.fieldvault.keys.FieldSpec<?> spec(EncryptedAttribute attribute) {
    for (AttributeBinding b : bindings) {
      if (b.model == attribute) {
        return b.encryptor.spec();
      }
    }
    return null;
  }

  @Override
  public FieldCipher cipher() {
    return cipher;
  }

  @Override
  public void reload(Keyring keyring) {
    cipher.reload(keyring);
    // queries translated before hold one placeholder per key readable then (EncryptedQueryTranslator)
    factory.getQueryEngine().getInterpretationCache().close();
  }

  @Override
  public long plaintextReads(EncryptedAttribute attribute) {
    for (AttributeBinding b : bindings) {
      if (b.model == attribute) {
        return b.plaintextReads.sum();
      }
    }
    throw new IllegalArgumentException("Not an attribute of this session factory: " + attribute);
  }

  @Override
  public Map<String, Long> plaintextReads() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (AttributeBinding b : bindings) {
      long n = b.plaintextReads.sum();
      if (n > 0) {
        out.put(b.model.entityName() + "." + b.model.attributePath(), n);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "HibernateVault{" + attributes.size() + " encrypted attributes}";
  }
}
