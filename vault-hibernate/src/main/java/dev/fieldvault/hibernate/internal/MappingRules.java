package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.List;
import org.hibernate.boot.Metadata;
import org.hibernate.engine.OptimisticLockStyle;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategyProvider;
import org.hibernate.generator.Generator;
import org.hibernate.mapping.BasicValue;
import org.hibernate.mapping.Collection;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.IndexedCollection;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;
import org.hibernate.mapping.ToOne;
import org.hibernate.mapping.Value;
import org.hibernate.persister.entity.EntityPersister;
import static dev.fieldvault.hibernate.internal.MappingScan.*;


/**
 * The start-up checks of {@link FieldVaultIntegrator}: mappings FieldVault cannot serve safely fail
 * with a {@code VaultConfigurationException} naming the entity and attribute and the fix.
 */
final class MappingRules {

  private MappingRules() {}

  /**
   * Tenant-bound attributes are encrypted in the user type, after Hibernate's bind logging has seen
   * the value: at TRACE that logger would print the plaintext of their query parameters. Fail closed.
   */
  static void refusePlaintextBindLogging(List<AttributeBinding> bindings) {
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
  static void refuseForeignQueryTranslator(SessionFactoryImplementor factory, List<Found> found) {
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

  /**
   * Refuses to start when Hibernate's multi-table mutation strategy provider is not FieldVault's
   * ({@link MultiTableStrategies}, installed by {@link VaultServiceContributor}): the update, delete and
   * insert queries Hibernate runs through its multi-table handlers would then not be checked.
   */
  static void refuseForeignMutationStrategies(SessionFactoryImplementor factory, List<Found> found) {
    Object provider = factory.getServiceRegistry().getService(SqmMultiTableMutationStrategyProvider.class);
    if (!(provider instanceof MultiTableStrategies)) {
      throw new VaultConfigurationException(found.size() + " attributes are @Encrypted (" + found.get(0).name()
          + (found.size() > 1 ? ", ..." : "") + ") but Hibernate's SqmMultiTableMutationStrategyProvider service is "
          + (provider == null ? "missing" : provider.getClass().getName()) + " instead of FieldVault's, which checks"
          + " the update, delete and insert queries Hibernate runs over several tables (JOINED and TABLE_PER_CLASS"
          + " entities, secondary tables): remove the service that replaces it, and make sure vault-hibernate's"
          + " META-INF/services entries are on the class path (choose a strategy with the setting"
          + " hibernate.query.mutation_strategy instead; FieldVault wraps the one Hibernate picks)");
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
  static void refuseComparisonsByHibernate(List<Found> found) {
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
   * Refuses Hibernate filters ({@code @Filter}, {@code @FilterJoinTable}, with their {@code @FilterDef}'s default
   * condition) and collection orderings ({@code @OrderBy}, {@code @SQLOrder}) that name an encrypted column
   * (or, in an ordering, an encrypted attribute): Hibernate renders them into its own SQL, so a filter would
   * compare the column's ciphertext with the plaintext filter parameter (sending it to the database and the
   * TRACE bind log, and finding nothing) and an ordering would sort ciphertext. Matched by name against the
   * encrypted columns of the entity's hierarchy (a filter or ordering of a collection: of its element
   * entity; any encrypted column if that is unknown), which may also refuse a condition that names a
   * column of that name in another table: rename or qualify nothing, remove the filter or ordering.
   */
  static void refuseFiltersAndOrderings(Metadata metadata, List<Found> found) {
    for (PersistentClass pc : metadata.getEntityBindings()) {
      List<Found> scope = inHierarchy(pc, found);
      for (HibernateLines.Filter f : HibernateLines.filters(pc)) {
        refuseFilter(metadata, f, "of entity " + entityName(pc), scope);
      }
    }
    for (Collection c : metadata.getCollectionBindings()) {
      PersistentClass element = elementEntity(metadata, c);
      List<Found> scope = element == null ? found : inHierarchy(element, found);
      String role = c.getOwner() == null ? c.getRole()
          : entityName(c.getOwner()) + c.getRole().substring(c.getOwnerEntityName().length());
      for (HibernateLines.Filter f : HibernateLines.filters(c.getFilters())) {
        refuseFilter(metadata, f, "of collection " + role, scope);
      }
      for (HibernateLines.Filter f : HibernateLines.filters(c.getManyToManyFilters())) {
        refuseFilter(metadata, f, "(@FilterJoinTable) of collection " + role, scope);
      }
      for (String ordering : new String[] {c.getOrderBy(), c.getManyToManyOrdering()}) {
        Found f = named(ordering, scope, true);
        if (f != null) {
          throw new VaultConfigurationException("Collection " + role + " is ordered by @Encrypted attribute "
              + f.name() + " (@OrderBy or @SQLOrder '" + ordering.trim() + "'), which Hibernate renders as 'order"
              + " by' in the SQL that loads the collection: the database would sort ciphertext, and the elements"
              + " would come in an order that depends on the key, not on the values. Remove the ordering (or order"
              + " by a column that is not encrypted) and sort the elements in the application, for instance with"
              + " @SortComparator or a sorted copy");
        }
      }
    }
  }

  /**
   * Refuses SQL restrictions ({@code @SQLRestriction}, the deprecated {@code @Where}, {@code @SQLJoinTableRestriction}
   * and {@code @WhereJoinTable}) on an entity or a collection, and formulas ({@code @Formula}, {@code @JoinFormula},
   * {@code @DiscriminatorFormula}), whose SQL names an encrypted column: Hibernate renders that SQL into its own
   * statements, where the database evaluates it on ciphertext (a restriction compares the ciphertext with
   * whatever literal it holds and drops or keeps the wrong rows without an error; a formula computes its value
   * from the ciphertext). Matched by column name like the filters ({@link #named}), so a same-named plain column
   * of another table in the SQL is refused too.
   */
  static void refuseRestrictionsAndFormulas(Metadata metadata, List<Found> found) {
    for (PersistentClass pc : metadata.getEntityBindings()) {
      List<Found> scope = inHierarchy(pc, found);
      Found f = named(pc.getWhere(), scope, false);
      if (f != null) {
        throw restriction(f, "entity " + entityName(pc), "@SQLRestriction (or @Where)", pc.getWhere());
      }
      if (pc.getDiscriminator() != null) {
        refuseFormulas(pc.getDiscriminator(), "the discriminator of entity " + entityName(pc), scope);
      }
      for (Property p : pc.getProperties()) {
        refuseFormulas(p.getValue(), "attribute " + entityName(pc) + "." + p.getName(), scope);
      }
    }
    for (Collection c : metadata.getCollectionBindings()) {
      PersistentClass element = elementEntity(metadata, c);
      List<Found> scope = element == null ? found : inHierarchy(element, found);
      String role = c.getOwner() == null ? c.getRole()
          : entityName(c.getOwner()) + c.getRole().substring(c.getOwnerEntityName().length());
      boolean joinTable = c.getManyToManyWhere() != null || c.getElement() instanceof ToOne;
      Found f = named(c.getWhere(), scope, false);
      if (f != null) {
        throw restriction(f, "collection " + role, joinTable ? "@SQLJoinTableRestriction (or @WhereJoinTable)"
            : "@SQLRestriction (or @Where)", c.getWhere());
      }
      f = named(c.getManyToManyWhere(), scope, false);
      if (f != null) {
        throw restriction(f, "collection " + role, "@SQLRestriction (or @Where)", c.getManyToManyWhere());
      }
    }
  }

  private static VaultConfigurationException restriction(Found f, String where, String annotation, String sql) {
    return new VaultConfigurationException(annotation + " of " + where + " names the column of @Encrypted attribute "
        + f.name() + " in its SQL, which Hibernate adds to the SQL that loads it: the database would evaluate that"
        + " condition on ciphertext (a comparison with a literal never matches, an ordering or pattern means"
        + " nothing) and load the wrong rows without an error. Remove the restriction, or restrict on a column that"
        + " is not encrypted; to select rows by the attribute, use a query (DETERMINISTIC attribute: where e."
        + f.path + " = :value) or filter the loaded entities in the application");
  }

  /** Refuses a formula among a value's columns (also inside an embeddable, a to-one's join formula) that names an encrypted column. */
  private static void refuseFormulas(Value value, String what, List<Found> scope) {
    if (value instanceof Component) {
      for (Property sub : ((Component) value).getProperties()) {
        refuseFormulas(sub.getValue(), what + "." + sub.getName(), scope);
      }
      return;
    }
    if (value instanceof Collection) {
      return; // a collection's columns are its key's, refused by the restriction and element-collection rules
    }
    for (Selectable s : value.getSelectables()) {
      if (s instanceof org.hibernate.mapping.Formula) {
        String sql = ((org.hibernate.mapping.Formula) s).getFormula();
        Found f = named(sql, scope, false);
        if (f != null) {
          throw new VaultConfigurationException("The formula of " + what + " (@Formula, @JoinFormula or"
              + " @DiscriminatorFormula) names the column of @Encrypted attribute " + f.name() + " in its SQL, which"
              + " the database would compute on ciphertext: its value would be derived from the ciphertext (and"
              + " differ with the key) instead of the plaintext, without an error. Remove the formula and compute"
              + " the value in the application from the decrypted attribute (a @Transient getter, or @PostLoad)");
        }
      }
    }
  }

  private static void refuseFilter(Metadata metadata, HibernateLines.Filter filter, String where, List<Found> scope) {
    if (Tenants.TENANT_FILTER.equals(filter.name())) {
      return; // Hibernate's own filter of the @TenantId column, which is never encrypted (refused elsewhere)
    }
    String condition = filter.condition();
    if (condition == null || condition.isBlank()) {
      org.hibernate.engine.spi.FilterDefinition def = metadata.getFilterDefinition(filter.name());
      condition = def == null ? null : def.getDefaultFilterCondition();
    }
    Found f = named(condition, scope, false);
    if (f != null) {
      throw new VaultConfigurationException("Hibernate filter '" + filter.name() + "' " + where + " names the column"
          + " of @Encrypted attribute " + f.name() + " in its condition, which Hibernate renders into its own SQL:"
          + " the database would compare the ciphertext with the filter's parameter, which Hibernate binds"
          + " unencrypted (sending the value to the database and its TRACE bind log) and which matches nothing."
          + " Remove the filter, or filter on a column that is not encrypted; to select rows by the attribute, use"
          + " a query (DETERMINISTIC attribute: where e." + f.path + " = :value)");
    }
  }

  /** The encrypted attributes of the entity's hierarchy (its root class and every subclass of it). */
  private static List<Found> inHierarchy(PersistentClass pc, List<Found> found) {
    PersistentClass root = pc.getRootClass();
    return found.stream().filter(f -> f.entity.getRootClass() == root).toList();
  }

  /** The entity a collection holds (one-to-many or many-to-many), or null. */
  private static PersistentClass elementEntity(Metadata metadata, Collection c) {
    Value element = c.getElement();
    String name = element instanceof org.hibernate.mapping.OneToMany
        ? ((org.hibernate.mapping.OneToMany) element).getReferencedEntityName()
        : element instanceof ToOne ? ((ToOne) element).getReferencedEntityName() : null;
    return name == null ? null : metadata.getEntityBinding(name);
  }

  /**
   * The first of the attributes whose column an SQL fragment names (an identifier, also qualified:
   * {@code {alias}.email}, {@code x.email}), or, if {@code attributes}, whose attribute path it names
   * ({@code address.street}); null if none. Quoted strings are skipped, quoted identifiers unquoted.
   */
  static Found named(String fragment, List<Found> scope, boolean attributes) {
    if (fragment == null || fragment.isBlank() || scope.isEmpty()) {
      return null;
    }
    String text = fragment.replaceAll("'([^']|'')*'", " ").replace("\"", "").replace("`", "").replace("[", "")
        .replace("]", "").replace("{", " ").replace("}", " ");
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("[A-Za-z_$][A-Za-z0-9_$]*(\\s*\\.\\s*[A-Za-z_$][A-Za-z0-9_$]*)*").matcher(text);
    while (m.find()) {
      String token = m.group().replaceAll("\\s", "").toLowerCase(java.util.Locale.ROOT);
      String last = token.substring(token.lastIndexOf('.') + 1);
      for (Found f : scope) {
        if (attributes && (f.path.toLowerCase(java.util.Locale.ROOT).equals(token)
            || token.endsWith("." + f.path.toLowerCase(java.util.Locale.ROOT)))) {
          return f;
        }
        for (Selectable s : f.value.getSelectables()) {
          if (s instanceof Column && ((Column) s).getName().toLowerCase(java.util.Locale.ROOT).equals(last)) {
            return f;
          }
        }
      }
    }
    return null;
  }

  /**
   * Refuses {@code @Encrypted} values inside an {@code @ElementCollection} (as elements, in an
   * embeddable element, or as map keys). Hibernate deletes and updates single elements by matching
   * their column values, which a randomized ciphertext never matches; and a collection table has no
   * row id for row binding or rotation.
   */
  static void refuseElementCollections(Metadata metadata) {
    for (Collection c : metadata.getCollectionBindings()) {
      String attribute = c.getOwner() == null ? c.getRole()
          : entityName(c.getOwner()) + c.getRole().substring(c.getOwnerEntityName().length());
      String where = encryptedPart(c.getElement(), "");
      if (where == null && isMarked(c)) {
        where = ""; // @Encrypted on the collection attribute itself: its elements
      }
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

  /** Whether FieldVault's binder saw {@code @Encrypted} on the collection's own attribute. */
  private static boolean isMarked(Collection c) {
    PersistentClass owner = c.getOwner();
    String role = c.getRole();
    if (owner == null || role == null || !role.startsWith(c.getOwnerEntityName() + ".")) {
      return false;
    }
    try {
      return BootMarks.isEncrypted(owner.getRecursiveProperty(role.substring(c.getOwnerEntityName().length() + 1)));
    } catch (RuntimeException e) {
      return false; // not an attribute path of the owner
    }
  }

  /**
   * The column of the {@code @TenantId} attribute of the attribute's entity, or null, read from the boot
   * model (so a {@code <tenant-id>} mapped in {@code orm.xml} counts); fails when the type was built with
   * another answer.
   */
  static String tenantColumn(Found f, org.hibernate.dialect.Dialect dialect) {
    String tenantColumn = Tenants.tenantColumnName(f.entity);
    String column = null;
    if (tenantColumn != null) {
      for (Property p : f.entity.getPropertyClosure()) {
        for (Selectable s : p.getValue().getSelectables()) {
          if (s instanceof Column && ((Column) s).getName().equals(tenantColumn)) {
            column = ((Column) s).getQuotedName(dialect);
          }
        }
      }
      if (column == null) {
        throw new VaultConfigurationException("@Encrypted attribute " + f.name() + ": the @TenantId of "
            + entityName(f.entity) + " is mapped to '" + tenantColumn + "', which is not a column of a basic"
            + " attribute of the entity; map the tenant id as a basic attribute with a column");
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

  static void checkRowBindable(Found f, Encrypted ann) {
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
    // whether the id is generated by the database (IDENTITY) is known once Hibernate built the id
    // generators, after the integrators: see refuseIdsGeneratedOnInsert
  }

  /**
   * Row-bound values are sealed with the row's id before the insert, so the id must be known then: an
   * id the database generates on insert ({@code @GeneratedValue(strategy = IDENTITY)} in an annotation
   * or in {@code orm.xml}, or any other generator that runs on execution) fails the start-up. Read from
   * the id generator Hibernate built for the entity, so it sees every way of mapping one.
   */
  static void refuseIdsGeneratedOnInsert(SessionFactoryImplementor factory, List<RowBound> rowBound) {
    for (RowBound r : rowBound) {
      EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(r.hibernateEntityName());
      Generator generator = persister.getGenerator();
      if (generator != null && generator.generatedOnExecution()) {
        throw new VaultConfigurationException("@Encrypted attribute " + r.attribute() + " is row-bound but "
            + r.entity() + "." + persister.getIdentifierPropertyName() + " is generated by the database on insert"
            + " (IDENTITY), so the id is unknown until after the insert: use"
            + " @GeneratedValue(strategy = GenerationType.SEQUENCE), a UUID or an assigned id, or drop rowBound");
      }
    }
  }

  /** A row-bound attribute, for {@link #refuseIdsGeneratedOnInsert} (names only: the boot model is not kept). */
  record RowBound(String hibernateEntityName, String entity, String attribute) {
    static List<RowBound> of(List<Found> found) {
      return found.stream().filter(f -> f.type.annotation() != null && f.type.annotation().rowBound())
          .map(f -> new RowBound(f.entity.getEntityName(), entityName(f.entity), f.name())).toList();
    }
  }

  /**
   * Every property FieldVault's binder saw with {@code @Encrypted} must have FieldVault's type in the
   * boot model: an id, an embedded or associated value, or a value Hibernate resolved before the binder
   * ran would otherwise be stored in plaintext. Collections are refused by {@link #refuseElementCollections}.
   */
  static void refuseUnappliedEncrypted(Metadata metadata) {
    for (PersistentClass pc : metadata.getEntityBindings()) {
      Property id = pc.getIdentifierProperty();
      if ((id != null && BootMarks.isEncrypted(id)) || typeOf(pc.getIdentifier()) != null
          || encryptedPart(pc.getIdentifier(), "") != null) {
        throw new VaultConfigurationException("The identifier of entity " + entityName(pc) + " is @Encrypted:"
            + " FieldVault cannot encrypt an id (it must be found and joined by value); remove @Encrypted from it");
      }
      for (Property p : pc.getProperties()) {
        refuseUnapplied(pc, p, "");
      }
    }
  }

  private static void refuseUnapplied(PersistentClass pc, Property p, String prefix) {
    Value v = p.getValue();
    if (v instanceof Component) {
      for (Property sub : ((Component) v).getProperties()) {
        refuseUnapplied(pc, sub, prefix + p.getName() + ".");
      }
    }
    if (!BootMarks.isEncrypted(p) || v instanceof Collection || typeOf(v) != null) {
      return;
    }
    String kind = v instanceof Component ? "an embedded value (annotate the embeddable's attributes instead)"
        : v instanceof ToOne ? "an association (encrypt attributes of the associated entity instead)"
        : v instanceof BasicValue ? "a basic value whose type Hibernate fixed before FieldVault could set it"
        : "a " + v.getClass().getSimpleName();
    throw new VaultConfigurationException("@Encrypted attribute " + entityName(pc) + "." + prefix + p.getName()
        + " is " + kind + ": FieldVault encrypts basic attributes of entities and embeddables only, so its value"
        + " would be stored unencrypted; remove @Encrypted or map it as a basic attribute");
  }

  /**
   * The one place FieldVault looks at the entity classes themselves: to refuse an {@code @Encrypted} or
   * {@code @BlindIndex} that Hibernate did not hand to FieldVault's binder although the attribute is
   * mapped, which happens when an {@code orm.xml} declares the entity {@code metadata-complete} (Hibernate
   * then ignores the class's annotations) or when the annotation sits on a field of an attribute Hibernate
   * reads through its getter (or the reverse). Its values would otherwise be stored unencrypted, or its
   * index never filled.
   */
  static void refuseIgnoredAnnotations(Metadata metadata) {
    for (PersistentClass pc : metadata.getEntityBindings()) {
      Class<?> type = mappedClass(pc);
      if (type == null) {
        continue;
      }
      if (pc.getIdentifierProperty() != null) {
        refuseIgnored(pc, type, pc.getIdentifierProperty(), "");
      }
      for (Property p : pc.getProperties()) {
        refuseIgnored(pc, type, p, "");
      }
    }
  }

  private static void refuseIgnored(PersistentClass pc, Class<?> owner, Property p, String prefix) {
    String name = entityName(pc) + "." + prefix + p.getName();
    if (!BootMarks.isEncrypted(p) && annotated(owner, p.getName(), Encrypted.class)) {
      throw new VaultConfigurationException("@Encrypted attribute " + name + " is mapped, but Hibernate did not"
          + " apply its @Encrypted annotation, so its values would be stored unencrypted: an orm.xml that declares"
          + " the entity metadata-complete makes Hibernate ignore the class's annotations (remove"
          + " metadata-complete), and with property access Hibernate reads the getter's annotations, not the"
          + " field's (put @Encrypted where the other mapping annotations are)");
    }
    if (BootMarks.blindIndex(p) == null && annotated(owner, p.getName(), dev.fieldvault.hibernate.BlindIndex.class)) {
      throw new VaultConfigurationException("@BlindIndex attribute " + name + " is mapped, but Hibernate did not"
          + " apply its @BlindIndex annotation, so the index would never be filled: remove metadata-complete from"
          + " the entity's orm.xml, or put @BlindIndex where the other mapping annotations are (field or getter)");
    }
    if (p.getValue() instanceof Component) {
      Class<?> embeddable = componentClass((Component) p.getValue());
      if (embeddable != null) {
        for (Property sub : ((Component) p.getValue()).getProperties()) {
          refuseIgnored(pc, embeddable, sub, prefix + p.getName() + ".");
        }
      }
    }
  }

  private static Class<?> mappedClass(PersistentClass pc) {
    try {
      return pc.getMappedClass();
    } catch (RuntimeException e) {
      return null; // a dynamic (map) entity: no class, no annotations
    }
  }

  private static Class<?> componentClass(Component c) {
    try {
      return c.isDynamic() ? null : c.getComponentClass();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Whether the field of that name, or its getter, in the class or a superclass, carries the annotation. */
  private static boolean annotated(Class<?> type, String property, Class<? extends java.lang.annotation.Annotation> a) {
    String suffix = property.isEmpty() ? "" : Character.toUpperCase(property.charAt(0)) + property.substring(1);
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        for (java.lang.reflect.Field f : c.getDeclaredFields()) {
          if (f.getName().equals(property) && f.isAnnotationPresent(a)) {
            return true;
          }
        }
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
          if ((m.getName().equals("get" + suffix) || m.getName().equals("is" + suffix)) && m.getParameterCount() == 0
              && m.isAnnotationPresent(a)) {
            return true;
          }
        }
      } catch (LinkageError | SecurityException e) {
        // a member's type is not loadable here: Hibernate mapped the class without it, nothing to guard
      }
    }
    return false;
  }
}
