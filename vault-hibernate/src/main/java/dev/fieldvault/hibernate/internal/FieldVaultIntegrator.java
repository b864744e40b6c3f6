package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.FieldVaultSettings;
import dev.fieldvault.hibernate.PlaintextPolicy;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultConfigurationException;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.OptimisticLockStyle;
import org.hibernate.engine.config.spi.ConfigurationService;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Collection;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.IndexedCollection;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;
import org.hibernate.mapping.Value;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;
import org.hibernate.type.BasicType;
import org.hibernate.type.CustomType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered through {@code META-INF/services}: finds every {@link Encrypted} attribute in the
 * mapping, validates it (failing the start-up with a message naming entity and attribute), widens its
 * column to fit the ciphertext, binds it to the configured keys, and installs the row-binding events.
 */
public final class FieldVaultIntegrator implements Integrator {

  private static final Logger LOG = LoggerFactory.getLogger(FieldVaultIntegrator.class);

  /** One {@code @Encrypted} basic value found in the boot model. */
  private static final class Found {
    final PersistentClass entity;
    final String path;
    final BasicValue value;
    final EncryptedType type;
    final boolean inEmbeddable;
    final boolean naturalId;

    Found(PersistentClass entity, String path, BasicValue value, EncryptedType type, boolean inEmbeddable,
        boolean naturalId) {
      this.entity = entity;
      this.path = path;
      this.value = value;
      this.type = type;
      this.inEmbeddable = inEmbeddable;
      this.naturalId = naturalId;
    }

    String name() {
      return entityName(entity) + "." + path;
    }
  }

  @Override
  public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
    List<Found> found = new ArrayList<>();
    for (PersistentClass pc : metadata.getEntityBindings()) {
      if (typeOf(pc.getIdentifier()) != null) {
        throw new VaultConfigurationException("The identifier of entity " + entityName(pc) + " is @Encrypted:"
            + " FieldVault cannot encrypt an id (it must be found and joined by value); remove @Encrypted from it");
      }
      for (Property p : pc.getProperties()) {
        collect(pc, p, "", false, p.isNaturalIdentifier(), found);
      }
    }
    refuseElementCollections(metadata);
    if (found.isEmpty()) {
      return;
    }
    refuseComparisonsByHibernate(found);
    refuseForeignQueryTranslator(factory, found);
    Map<String, Object> settings = factory.getServiceRegistry().getService(ConfigurationService.class).getSettings();
    FieldCipher cipher = cipher(settings.get(FieldVaultSettings.KEYRING), found);
    PlaintextPolicy global = globalPolicy(settings.get(FieldVaultSettings.PLAINTEXT_POLICY));

    Map<String, Companion> companions = companions(metadata, found);
    List<AttributeBinding> bindings = new ArrayList<>();
    for (Found f : found) {
      AttributeBinding b = bind(f, cipher, global, companions.get(f.name()));
      f.type.bind(b);
      bindings.add(b);
    }
    VaultRuntime runtime = new VaultRuntime(factory, cipher, bindings);
    VaultRuntime.register(factory, runtime);

    VaultEventListener listener = new VaultEventListener();
    EventListenerRegistry events = factory.getServiceRegistry().getService(EventListenerRegistry.class);
    events.appendListeners(EventType.PRE_INSERT, listener);
    events.appendListeners(EventType.POST_INSERT, listener);
    events.appendListeners(EventType.PRE_UPDATE, listener);
    events.appendListeners(EventType.POST_UPDATE, listener);
    events.appendListeners(EventType.PRE_LOAD, listener);
    events.appendListeners(EventType.POST_LOAD, listener);
    refusePlaintextBindLogging(bindings);
    LOG.info("FieldVault: {} encrypted attributes in {} entities", bindings.size(),
        found.stream().map(f -> f.entity).distinct().count());
  }

  /**
   * Tenant-bound attributes are encrypted in the user type, after Hibernate's bind logging has seen
   * the value: at TRACE that logger would print the plaintext of their query parameters. Fail closed.
   */
  private static void refusePlaintextBindLogging(List<AttributeBinding> bindings) {
    List<String> tenantBound = bindings.stream().filter(b -> b.model.tenantColumn() != null)
        .map(b -> b.model.entityName() + "." + b.model.attributePath()).toList();
    if (!tenantBound.isEmpty() && org.jboss.logging.Logger.getLogger("org.hibernate.orm.jdbc.bind").isTraceEnabled()) {
      throw new VaultConfigurationException("Hibernate's bind logging (logger org.hibernate.orm.jdbc.bind) is at"
          + " TRACE, where it would log the plaintext of query parameters compared with the @Encrypted attributes"
          + " of @TenantId entities " + tenantBound + ": set that logger to DEBUG or above (org.hibernate.SQL"
          + " still logs the statements)");
    }
  }

  /**
   * Queries on {@code @Encrypted} attributes are checked (and equality put in the shape rotation
   * searches need) by {@link EncryptedQueryTranslatorFactory}; without it they would run unchecked.
   */
  private static void refuseForeignQueryTranslator(SessionFactoryImplementor factory, List<Found> found) {
    Object translator = factory.getSessionFactoryOptions().getCustomSqmTranslatorFactory();
    if (!(translator instanceof EncryptedQueryTranslatorFactory)) {
      throw new VaultConfigurationException(found.size() + " attributes are @Encrypted (" + found.get(0).name()
          + (found.size() > 1 ? ", ..." : "") + ") but Hibernate's SQM translator factory is "
          + (translator == null ? "Hibernate's default" : translator.getClass().getName()) + " instead of FieldVault's,"
          + " which refuses queries that would compare or sort ciphertext: remove the setting '"
          + EncryptedQueryTranslatorFactory.SETTING + "' (FieldVault sets it), and make sure vault-hibernate's"
          + " META-INF/services entries are on the class path");
    }
  }

  @Override
  public void disintegrate(SessionFactoryImplementor factory, SessionFactoryServiceRegistry registry) {
    VaultRuntime.unregister(factory);
  }

  // ---------------------------------------------------------------------------------------------

  private static void collect(PersistentClass pc, Property p, String prefix, boolean inEmbeddable, boolean naturalId,
      List<Found> out) {
    Value v = p.getValue();
    if (v instanceof Component) {
      for (Property sub : ((Component) v).getProperties()) {
        collect(pc, sub, prefix + p.getName() + ".", true, naturalId || sub.isNaturalIdentifier(), out);
      }
      return;
    }
    EncryptedType t = typeOf(v);
    if (t != null) {
      out.add(new Found(pc, prefix + p.getName(), (BasicValue) v, t, inEmbeddable, naturalId));
    }
  }

  /**
   * Refuses mappings under which Hibernate itself compares an encrypted column with a value in its own
   * SQL (not through a query FieldVault translates): optimistic locking on ALL or DIRTY columns (the
   * loaded values in the WHERE of every update and delete) and natural ids (loads by value). A
   * randomized or row-bound ciphertext never matches a fresh one, a deterministic one misses rows under
   * an older key during a rotation, and a row- or tenant-bound value would reach Hibernate's bind
   * logging before FieldVault could refuse it. Fails the start-up instead.
   */
  private static void refuseComparisonsByHibernate(List<Found> found) {
    for (Found f : found) {
      OptimisticLockStyle style = f.entity.getOptimisticLockStyle();
      if (style == OptimisticLockStyle.ALL || style == OptimisticLockStyle.DIRTY) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " belongs to an entity with"
            + " @OptimisticLocking(type = OptimisticLockType." + style.name() + "), which makes Hibernate compare the"
            + " loaded ciphertext in the WHERE clause of every update and delete: that never matches a randomized"
            + " or row-bound value, misses values under an older key during a rotation, and could log a row- or"
            + " tenant-bound plaintext. Use a @Version attribute (OptimisticLockType.VERSION, the default) on "
            + entityName(f.entity));
      }
      if (f.naturalId) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " is (part of) a @NaturalId,"
            + " which Hibernate loads by comparing the column with a value in its own SQL: that never matches a"
            + " randomized or row-bound value and misses values under an older key during a rotation. Remove"
            + " @NaturalId and find the entity with a query (DETERMINISTIC attribute: where e.attribute = :value)");
      }
    }
  }

  /**
   * Refuses {@code @Encrypted} values inside an {@code @ElementCollection} (as elements, in an
   * embeddable element, or as map keys). Hibernate deletes and updates single elements by matching
   * their column values, which a randomized ciphertext never matches; and a collection table has no
   * row id for row binding or rotation.
   */
  private static void refuseElementCollections(Metadata metadata) {
    for (Collection c : metadata.getCollectionBindings()) {
      String attribute = c.getOwner() == null ? c.getRole()
          : entityName(c.getOwner()) + c.getRole().substring(c.getOwnerEntityName().length());
      String where = encryptedPart(c.getElement(), "");
      if (where == null && c instanceof IndexedCollection) {
        where = encryptedPart(((IndexedCollection) c).getIndex(), "");
      }
      if (where != null) {
        throw new VaultConfigurationException("@Encrypted " + (where.isEmpty() ? "elements" : "attribute '"
            + where + "' of the elements") + " in collection " + attribute + " (table "
            + c.getCollectionTable().getName() + "): FieldVault does not encrypt @ElementCollection values."
            + " Map the values as an entity with its own id and @Encrypted attributes (a @OneToMany), or"
            + " remove @Encrypted");
      }
    }
  }

  /** "" if the value is @Encrypted, the path of an @Encrypted attribute if it is an embeddable holding one, else null. */
  private static String encryptedPart(Value v, String path) {
    if (v instanceof Component) {
      for (Property p : ((Component) v).getProperties()) {
        String inner = encryptedPart(p.getValue(), path.isEmpty() ? p.getName() : path + "." + p.getName());
        if (inner != null) {
          return inner;
        }
      }
      return null;
    }
    return typeOf(v) != null ? path : null;
  }

  private static EncryptedType typeOf(Value v) {
    if (!(v instanceof BasicValue)) {
      return null;
    }
    BasicValue bv = (BasicValue) v;
    BasicValue.Resolution<?> r = bv.resolve();
    BasicType<?> t = r == null ? null : r.getLegacyResolvedBasicType();
    if (t instanceof CustomType && ((CustomType<?>) t).getUserType() instanceof EncryptedType) {
      return (EncryptedType) ((CustomType<?>) t).getUserType();
    }
    return null;
  }

  private static AttributeBinding bind(Found f, FieldCipher cipher, PlaintextPolicy global, Companion companion) {
    Encrypted ann = f.type.annotation();
    if (ann == null) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": Hibernate did not pass the"
          + " annotation to its type; map the attribute as a basic attribute of an entity or embeddable");
    }
    String entityName = entityName(f.entity);
    String domain = entityName;
    String field = f.path;
    String pinned = ann.context().trim();
    if (!pinned.isEmpty()) {
      int dot = pinned.indexOf('.');
      if (dot < 0) {
        field = pinned;
      } else if (dot == 0 || dot == pinned.length() - 1) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": context '" + pinned
            + "' must be \"domain.field\" or \"field\"");
      } else {
        domain = pinned.substring(0, dot);
        field = pinned.substring(dot + 1);
      }
      if (field.endsWith(AttributeBinding.CACHE_FIELD_SUFFIX)) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": context '" + pinned
            + "' ends with '" + AttributeBinding.CACHE_FIELD_SUFFIX + "', which marks second-level cache"
            + " entries; choose another name");
      }
    }
    if (ann.rowBound()) {
      checkRowBindable(f, ann);
    }
    PlaintextPolicy policy = ann.plaintext() == PlaintextPolicy.DEFAULT ? global : ann.plaintext();
    FieldEncryptor<Object> encryptor;
    FieldEncryptor<Object> cacheEncryptor;
    try {
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) f.type.javaType();
      FieldSpec.Builder<Object> spec = FieldSpec.builder(domain, field, type).mode(ann.mode()).rowBound(ann.rowBound());
      if (ann.compressAbove() >= 0) {
        spec.compressAbove(ann.compressAbove());
      }
      if (companion != null) {
        spec.blindIndex(companion.annotation.length(), normalizer(companion.annotation, type));
      }
      encryptor = cipher.field(spec.build());
      cacheEncryptor = cipher.field(cacheSpec(cipher, domain, field, type, ann));
    } catch (VaultConfigurationException e) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": " + e.getMessage(), e);
    }
    String tenantColumn = tenantColumn(f);
    Column column = widen(f);
    List<String> idColumns = new ArrayList<>();
    if (f.entity.getIdentifier() != null) {
      for (Column c : f.entity.getIdentifier().getColumns()) {
        idColumns.add(c.getName());
      }
    }
    Class<?> mapped = f.entity.getMappedClass();
    EncryptedAttribute model = new EncryptedAttribute(entityName, mapped, f.path, f.type.javaType(),
        f.value.getTable() == null ? null : f.value.getTable().getName(), column == null ? null : column.getName(),
        idColumns, ann.mode(), domain, field, ann.rowBound(), ann.compressAbove(), ann.storage(), policy,
        companion == null ? null : companion.property, companion == null ? null : indexColumn(companion),
        companion == null ? 0 : companion.annotation.length(), tenantColumn);
    return new AttributeBinding(model, encryptor, cacheEncryptor);
  }

  /**
   * The column of the {@code @TenantId} attribute of the attribute's entity, or null; fails when the
   * type did not see the same (its entity class was not loadable, or the attribute is in an embeddable
   * whose type Hibernate shares with another entity).
   */
  private static String tenantColumn(Found f) {
    Class<?> mapped = f.entity.getMappedClass();
    String name = mapped == null ? null : Tenants.tenantIdMember(mapped);
    String column = null;
    if (name != null) {
      for (Property p : f.entity.getPropertyClosure()) {
        if (p.getName().equals(name)) {
          for (Selectable s : p.getValue().getSelectables()) {
            if (s instanceof Column) {
              column = ((Column) s).getName();
            }
          }
        }
      }
      if (column == null) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": the column of "
            + entityName(f.entity) + "'s @TenantId attribute '" + name + "' is not in the mapping; map it as a"
            + " basic attribute of the entity");
      }
    }
    if ((column != null) != f.type.tenantBound()) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": FieldVault could not tell"
          + " whether its entity has a @TenantId when Hibernate built its type (" + (column != null ? "it has"
          + " one" : "it has none") + "); map tenant-bound @Encrypted attributes directly in the entity class,"
          + " not in an embeddable");
    }
    return column;
  }

  /**
   * The spec of an attribute's second-level cache form: its context field with the cache suffix,
   * randomized when the keyring has an AEAD keyset (else the attribute's own deterministic mode).
   */
  private static FieldSpec<Object> cacheSpec(FieldCipher cipher, String domain, String field, Class<Object> type,
      Encrypted ann) {
    EncryptionMode mode = cipher.keyring().aead().isPresent() ? EncryptionMode.RANDOMIZED : ann.mode();
    FieldSpec.Builder<Object> spec = FieldSpec.builder(domain, field + AttributeBinding.CACHE_FIELD_SUFFIX, type)
        .mode(mode);
    if (ann.compressAbove() >= 0) {
      spec.compressAbove(ann.compressAbove());
    }
    return spec.build();
  }

  @SuppressWarnings("unchecked")
  private static Function<Object, byte[]> normalizer(BlindIndex bi, Class<Object> type) {
    if (bi.normalization() == BlindIndex.Normalization.CASE_INSENSITIVE) {
      Function<String, byte[]> f = Normalizers.caseInsensitive();
      return v -> f.apply((String) v);
    }
    return Normalizers.exact(ValueCodecs.forType(type));
  }

  /** Sizes the companion's column for the index and returns its name. */
  private static String indexColumn(Companion c) {
    Column column = null;
    for (Selectable s : c.value.getSelectables()) {
      if (s instanceof Column) {
        column = (Column) s;
      }
    }
    if (column == null) {
      return null;
    }
    column.setLength((long) FieldCipher.BLIND_INDEX_HEADER + c.annotation.length());
    return column.getName();
  }

  private static void checkRowBindable(Found f, Encrypted ann) {
    if (ann.mode() == EncryptionMode.DETERMINISTIC) {
      return; // FieldSpec refuses it with the full explanation
    }
    if (f.inEmbeddable) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " is row-bound inside an"
          + " embeddable: row binding works on an entity's own attributes only; move the attribute to the"
          + " entity or drop rowBound");
    }
    Property idProperty = f.entity.getIdentifierProperty();
    if (idProperty == null || idProperty.getValue() instanceof Component) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " is row-bound but "
          + entityName(f.entity) + " has a composite id: row binding needs a single String, integral or UUID id;"
          + " drop rowBound");
    }
    GeneratedValue gv = generatedValue(f.entity.getMappedClass(), idProperty.getName());
    if (gv != null && gv.strategy() == GenerationType.IDENTITY) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " is row-bound but "
          + entityName(f.entity) + "." + idProperty.getName() + " is generated by IDENTITY, so the id is"
          + " unknown until after the insert: use @GeneratedValue(strategy = GenerationType.SEQUENCE), a UUID"
          + " or an assigned id, or drop rowBound");
    }
  }

  private static GeneratedValue generatedValue(Class<?> type, String property) {
    AnnotatedElement m = member(type, property, GeneratedValue.class);
    return m == null ? null : m.getAnnotation(GeneratedValue.class);
  }

  /** The field or getter of a property that carries an annotation, searching superclasses. */
  private static AnnotatedElement member(Class<?> type, String property, Class<? extends Annotation> annotation) {
    String suffix = property.substring(0, 1).toUpperCase(Locale.ROOT) + property.substring(1);
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (field.getName().equals(property) && field.isAnnotationPresent(annotation)) {
          return field;
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if ((m.getName().equals("get" + suffix) || m.getName().equals("is" + suffix)) && m.getParameterCount() == 0
            && m.isAnnotationPresent(annotation)) {
          return m;
        }
      }
    }
    return null;
  }

  private static Class<?> memberType(AnnotatedElement member) {
    return member instanceof Field ? ((Field) member).getType() : ((Method) member).getReturnType();
  }

  /** A {@link BlindIndex} companion attribute. */
  private static final class Companion {
    final String property;
    final BasicValue value;
    final BlindIndex annotation;

    Companion(String property, BasicValue value, BlindIndex annotation) {
      this.property = property;
      this.value = value;
      this.annotation = annotation;
    }
  }

  /** The blind-index companions of the found attributes, keyed by "Entity.attribute" of the source. */
  private static Map<String, Companion> companions(Metadata metadata, List<Found> found) {
    Map<String, Companion> out = new HashMap<>();
    for (PersistentClass pc : metadata.getEntityBindings()) {
      Class<?> mapped = pc.getMappedClass();
      if (mapped == null) {
        continue;
      }
      for (Property p : pc.getProperties()) {
        AnnotatedElement m = member(mapped, p.getName(), BlindIndex.class);
        if (m == null) {
          continue;
        }
        BlindIndex bi = m.getAnnotation(BlindIndex.class);
        String name = entityName(pc) + "." + p.getName();
        Found source = null;
        for (Found f : found) {
          if (f.entity == pc && f.path.equals(bi.of()) && !f.inEmbeddable) {
            source = f;
          }
        }
        if (source == null) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " indexes '" + bi.of()
              + "', which is not an @Encrypted attribute of " + entityName(pc) + ": name an encrypted attribute"
              + " of the same entity (not of an embeddable)");
        }
        if (memberType(m) != byte[].class || !(p.getValue() instanceof BasicValue) || typeOf(p.getValue()) != null) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " must be a plain byte[]"
              + " attribute (not @Encrypted): it stores the index bytes");
        }
        if (pc.useDynamicUpdate()) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " is in an entity with"
              + " @DynamicUpdate, which would not write the index when only " + bi.of() + " changes: remove"
              + " @DynamicUpdate from " + entityName(pc));
        }
        if (bi.normalization() == BlindIndex.Normalization.CASE_INSENSITIVE && source.type.javaType() != String.class) {
          throw new VaultConfigurationException("@BlindIndex attribute " + name + " is CASE_INSENSITIVE but "
              + source.name() + " is not a String: use EXACT");
        }
        out.put(source.name(), new Companion(p.getName(), (BasicValue) p.getValue(), bi));
      }
    }
    return out;
  }

  /** Makes the column fit the ciphertext of the declared plaintext length; returns the column. */
  private static Column widen(Found f) {
    Column column = null;
    for (Selectable s : f.value.getSelectables()) {
      if (s instanceof Column) {
        column = (Column) s;
      }
    }
    if (column == null) {
      return null;
    }
    synchronized (f.type) {
      if (f.type.declaredLength < 0) {
        Long declared = column.getLength();
        f.type.declaredLength = declared == null ? Sizes.DEFAULT_LENGTH : declared;
      }
      long width = Sizes.columnLength(f.type.javaType(), f.type.declaredLength, f.type.storage());
      column.setLength(width);
    }
    return column;
  }

  private static FieldCipher cipher(Object configured, List<Found> found) {
    Object v = configured;
    if (v == null || (v instanceof String && ((String) v).isBlank())) {
      throw new VaultConfigurationException(found.size() + " attributes are @Encrypted (" + found.get(0).name()
          + (found.size() > 1 ? ", ..." : "") + ") but no keys are configured: set the property '"
          + FieldVaultSettings.KEYRING + "' to a Keyring, a FieldCipher, a Supplier of either, or the class"
          + " name of such a Supplier");
    }
    if (v instanceof String) {
      v = instantiate(((String) v).trim());
    }
    if (v instanceof Supplier) {
      v = ((Supplier<?>) v).get();
    }
    if (v instanceof FieldCipher) {
      return (FieldCipher) v;
    }
    if (v instanceof Keyring) {
      return FieldCipher.create((Keyring) v);
    }
    throw new VaultConfigurationException("The property '" + FieldVaultSettings.KEYRING + "' holds a "
        + (v == null ? "null" : v.getClass().getName()) + ": it must be a Keyring, a FieldCipher, a Supplier of"
        + " either, or the class name of such a Supplier");
  }

  private static Object instantiate(String className) {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> c = Class.forName(className, true, loader == null ? FieldVaultIntegrator.class.getClassLoader() : loader);
      return c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new VaultConfigurationException("The property '" + FieldVaultSettings.KEYRING + "' names class "
          + className + ", which cannot be instantiated (" + e.getClass().getSimpleName() + "): it must be a"
          + " public Supplier<Keyring> with a public no-argument constructor", e);
    }
  }

  private static PlaintextPolicy globalPolicy(Object configured) {
    if (configured == null) {
      return PlaintextPolicy.CIPHERTEXT_ONLY;
    }
    if (configured instanceof PlaintextPolicy && configured != PlaintextPolicy.DEFAULT) {
      return (PlaintextPolicy) configured;
    }
    String s = configured.toString().trim().toUpperCase(Locale.ROOT);
    try {
      PlaintextPolicy p = PlaintextPolicy.valueOf(s);
      if (p != PlaintextPolicy.DEFAULT) {
        return p;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new VaultConfigurationException("The property '" + FieldVaultSettings.PLAINTEXT_POLICY + "' is '"
        + configured + "': use CIPHERTEXT_ONLY, MIGRATE or MIGRATE_AND_LOG");
  }

  private static String entityName(PersistentClass pc) {
    String jpa = pc.getJpaEntityName();
    if (jpa != null && !jpa.isEmpty()) {
      return jpa;
    }
    String n = pc.getEntityName();
    return n.substring(n.lastIndexOf('.') + 1);
  }
}
