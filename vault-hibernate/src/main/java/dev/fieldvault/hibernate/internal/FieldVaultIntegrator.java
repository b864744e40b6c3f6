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
import dev.fieldvault.keys.Normalizers;
import dev.fieldvault.keys.SqlIdentifier;
import dev.fieldvault.keys.ValueCodecs;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hibernate.SessionFactory;
import org.hibernate.SessionFactoryObserver;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.config.spi.ConfigurationService;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;
import org.hibernate.mapping.Subclass;
import org.hibernate.mapping.Table;
import org.hibernate.mapping.UnionSubclass;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static dev.fieldvault.hibernate.internal.MappingScan.*;
import static dev.fieldvault.hibernate.internal.MappingRules.*;
import static dev.fieldvault.hibernate.internal.IntegratorSettings.*;

/**
 * Registered through {@code META-INF/services}: finds every {@link Encrypted} attribute in the
 * mapping ({@link MappingScan}: Hibernate's boot model, where {@link EncryptedBinder} gave each one
 * FieldVault's type and widened its column), validates it ({@link MappingRules}: failing the start-up
 * with a message naming entity and attribute), reads the keys and policy ({@link IntegratorSettings}),
 * binds it to the configured keys, and installs the row-binding events.
 */
public final class FieldVaultIntegrator implements Integrator {

  private static final Logger LOG = LoggerFactory.getLogger(FieldVaultIntegrator.class);


  @Override
  public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
    List<Found> found = new ArrayList<>();
    refuseUnappliedEncrypted(metadata);
    refuseIgnoredAnnotations(metadata);
    for (PersistentClass pc : metadata.getEntityBindings()) {
      for (Property p : pc.getProperties()) {
        collect(pc, p, "", false, p.isNaturalIdentifier(), found);
      }
    }
    refuseElementCollections(metadata);
    Map<String, Companion> companions = companions(metadata, found); // also without any @Encrypted: refused then
    if (found.isEmpty()) {
      return;
    }
    refuseComparisonsByHibernate(found);
    refuseFiltersAndOrderings(metadata, found);
    refuseRestrictionsAndFormulas(metadata, found);
    refuseForeignQueryTranslator(factory, found);
    refuseForeignMutationStrategies(factory, found);
    Map<String, Object> settings = factory.getServiceRegistry().getService(ConfigurationService.class).getSettings();
    FieldCipher cipher = cipher(settings.get(FieldVaultSettings.KEYRING), found);
    PlaintextPolicy global = globalPolicy(settings.get(FieldVaultSettings.PLAINTEXT_POLICY));

    List<AttributeBinding> bindings = new ArrayList<>();
    for (Found f : found) {
      AttributeBinding b = bind(f, cipher, global, companions.get(f.name()), factory);
      f.type.bind(b);
      bindings.add(b);
    }
    refuseSharedColumnsEncryptedDifferently(found, bindings);
    VaultRuntime runtime = new VaultRuntime(factory, cipher, bindings);
    VaultRuntime.register(factory, runtime);

    VaultEventListener listener = new VaultEventListener();
    EventListenerRegistry events = factory.getServiceRegistry().getService(EventListenerRegistry.class);
    events.appendListeners(EventType.PRE_INSERT, listener);
    events.appendListeners(EventType.POST_INSERT, listener);
    events.appendListeners(EventType.PRE_UPDATE, listener);
    events.appendListeners(EventType.POST_UPDATE, listener);
    events.appendListeners(EventType.PRE_UPSERT, listener);
    events.appendListeners(EventType.PRE_LOAD, listener);
    events.appendListeners(EventType.FLUSH, listener);
    refusePlaintextBindLogging(bindings);
    // the id generators exist once the session factory is built, after the integrators
    List<RowBound> rowBound = RowBound.of(found);
    factory.addObserver(new SessionFactoryObserver() {
      @Override
      public void sessionFactoryCreated(SessionFactory created) {
        refuseIdsGeneratedOnInsert(factory, rowBound);
      }
    });
    LOG.info("FieldVault: {} encrypted attributes in {} entities", bindings.size(),
        found.stream().map(f -> f.entity).distinct().count());
  }



  @Override
  public void disintegrate(SessionFactoryImplementor factory, SessionFactoryServiceRegistry registry) {
    VaultRuntime.unregister(factory);
  }

  // ---------------------------------------------------------------------------------------------






  private static AttributeBinding bind(Found f, FieldCipher cipher, PlaintextPolicy global, Companion companion,
      SessionFactoryImplementor factory) {
    Dialect dialect = factory.getJdbcServices().getDialect();
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
    String tenantColumn = tenantColumn(f, dialect);
    Column column = column(f.value); // widened for the ciphertext by EncryptedBinder
    List<String> idColumns = new ArrayList<>();
    List<String> keySql = new ArrayList<>();
    for (Column c : keyColumns(f.entity, f.value.getTable())) {
      idColumns.add(c.getQuotedName(dialect));
      keySql.add(c.getQuotedName(dialect));
    }
    Class<?> mapped = f.entity.getMappedClass();
    EncryptedAttribute model = AttributeModels.factory().create(entityName, mapped, f.path, f.type.javaType(),
        tableName(f, factory), column == null ? null : column.getQuotedName(dialect),
        idColumns, ann.mode(), domain, field, ann.rowBound(), ann.compressAbove(), ann.storage(), policy,
        companion == null ? null : companion.property, companion == null ? null : indexColumn(companion, dialect),
        companion == null ? 0 : companion.annotation.length(), tenantColumn);
    Table table = f.value.getTable();
    boolean unionRoot = table != null && table == f.entity.getTable() && hasUnionSubclasses(f.entity);
    // TABLE_PER_CLASS: an abstract class has no table of its own; its rows are in its subclasses' tables
    AttributeBinding binding = new AttributeBinding(model, encryptor, cacheEncryptor, keySql,
        !unionRoot || table.isPhysicalTable());
    if (unionRoot && column != null) {
      // each concrete subclass table holds its own copy of the column, keyed by its own copy of the id columns
      for (Subclass sub : f.entity.getSubclasses()) {
        if (!(sub instanceof UnionSubclass) || sub.getTable() == null || !sub.getTable().isPhysicalTable()) {
          continue;
        }
        List<String> subIds = new ArrayList<>();
        List<String> subKeySql = new ArrayList<>();
        for (Column c : keyColumns(sub, sub.getTable())) {
          subIds.add(c.getQuotedName(dialect));
          subKeySql.add(c.getQuotedName(dialect));
        }
        // the column, tenant column and blind-index column are inherited, with the same names
        binding.addUnionTable(sub.getEntityName(), AttributeModels.factory().create(entityName(sub),
            sub.getMappedClass(), f.path, f.type.javaType(), tableName(sub.getTable(), f.name(), factory),
            column.getQuotedName(dialect), subIds, ann.mode(), domain, field, ann.rowBound(), ann.compressAbove(),
            ann.storage(), policy, companion == null ? null : companion.property,
            companion == null ? null : indexColumn(companion, dialect),
            companion == null ? 0 : companion.annotation.length(), tenantColumn), subKeySql);
      }
    }
    return binding;
  }

  /**
   * Two attributes of one entity hierarchy mapping one column of one table (SINGLE_TABLE siblings) must
   * encrypt it alike: the column's values are read by whichever entity the discriminator names, and
   * rotated and migrated as one column, so a value written in one context would not decrypt in the other.
   */
  private static void refuseSharedColumnsEncryptedDifferently(List<Found> found, List<AttributeBinding> bindings) {
    Map<String, AttributeBinding> byColumn = new java.util.HashMap<>();
    for (int i = 0; i < bindings.size(); i++) {
      AttributeBinding b = bindings.get(i);
      EncryptedAttribute m = b.model;
      if (m.table() == null || m.column() == null) {
        continue;
      }
      // one hierarchy's table: the same table of the mapping, shared by SINGLE_TABLE siblings
      String key = found.get(i).entity.getRootClass().getEntityName() + "\u0000"
          + dev.fieldvault.keys.SqlIdentifier.key(m.table()) + "\u0000"
          + dev.fieldvault.keys.SqlIdentifier.key(m.column());
      AttributeBinding other = byColumn.putIfAbsent(key, b);
      if (other != null && !encryptedAlike(other.model, m)) {
        EncryptedAttribute o = other.model;
        throw new VaultConfigurationException("@Encrypted attributes " + o.entityName() + "." + o.attributePath()
            + " and " + m.entityName() + "." + m.attributePath() + " map the same column " + m.table() + "."
            + m.column() + " but encrypt it differently (context " + o.context() + " and " + m.context() + ", "
            + o.mode() + "/" + m.mode() + ", " + o.storage() + "/" + m.storage() + ", row-bound " + o.rowBound()
            + "/" + m.rowBound() + ", type " + o.javaType().getSimpleName() + "/" + m.javaType().getSimpleName()
            + "): the column is rotated and migrated as one, and the discriminator does not choose the context."
            + " Give both the same @Encrypted settings with one pinned context (for example"
            + " @Encrypted(context = \"" + o.context().domain() + "." + o.context().field() + "\") on both), or"
            + " map them to different columns");
      }
    }
  }

  private static boolean encryptedAlike(EncryptedAttribute a, EncryptedAttribute b) {
    return a.context().equals(b.context()) && a.mode() == b.mode() && a.storage() == b.storage()
        && a.rowBound() == b.rowBound() && a.javaType() == b.javaType()
        && java.util.Objects.equals(a.tenantColumn(), b.tenantColumn())
        && java.util.Objects.equals(a.blindIndexColumn(), b.blindIndexColumn())
        && a.compressAbove() == b.compressAbove();
  }

  /** Whether an entity has {@code TABLE_PER_CLASS} subclasses (each with its own table holding its columns). */
  private static boolean hasUnionSubclasses(PersistentClass entity) {
    for (Subclass sub : entity.getSubclasses()) {
      if (sub instanceof UnionSubclass) {
        return true;
      }
    }
    return false;
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
  private static Function<Object, byte[]> normalizer(BootMarks.BlindIndexMark bi, Class<Object> type) {
    if (bi.normalization() == BlindIndex.Normalization.CASE_INSENSITIVE) {
      Function<String, byte[]> f = Normalizers.caseInsensitive();
      return v -> f.apply((String) v);
    }
    return Normalizers.exact(ValueCodecs.forType(type));
  }

  /** Sizes the companion's column for the index and returns its name. */
  private static String indexColumn(Companion c, Dialect dialect) {
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
    return column.getQuotedName(dialect);
  }







  /**
   * The attribute's table as Hibernate writes it in SQL: with the catalog and schema the mapping gives
   * (its own, or {@code hibernate.default_catalog}/{@code hibernate.default_schema}) and quoted where
   * the mapping quotes it, so the rewrapper, the key inventory and the JDBC wrapper name the very table
   * Hibernate reads (never a same-named one in the connection's default schema). A name FieldVault's one
   * identifier rule cannot take (a catalog and a schema both) fails the start-up.
   */
  private static String tableName(Found f, SessionFactoryImplementor factory) {
    return tableName(f.value.getTable(), f.name(), factory);
  }

  /** {@link #tableName(Found, SessionFactoryImplementor)} of a table of an attribute (a TABLE_PER_CLASS subclass's). */
  private static String tableName(org.hibernate.mapping.Table table, String attribute,
      SessionFactoryImplementor factory) {
    if (table == null) {
      return null;
    }
    String sql = factory.getSqlStringGenerationContext().format(table.getQualifiedTableName());
    try {
      return SqlIdentifier.requireTable(sql, "table of @Encrypted attribute " + attribute);
    } catch (VaultConfigurationException e) {
      throw new VaultConfigurationException("@Encrypted attribute " + attribute + ": Hibernate names its table "
          + sql + ", which FieldVault cannot name: FieldVault takes a table or schema.table (" + e.getMessage()
          + "); map the table with a schema or a catalog, not both", e);
    }
  }

  /** The value's column (null for a formula). */
  private static Column column(BasicValue value) {
    Column column = null;
    for (Selectable s : value.getSelectables()) {
      if (s instanceof Column) {
        column = (Column) s;
      }
    }
    return column;
  }
}
