package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.VaultConfigurationException;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Map;
import org.hibernate.boot.Metadata;
import org.hibernate.engine.OptimisticLockStyle;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategyProvider;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Collection;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.IndexedCollection;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Selectable;
import org.slf4j.Logger;
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

  /**
   * The column of the {@code @TenantId} attribute of the attribute's entity, or null; fails when the
   * type did not see the same (its entity class was not loadable, or the attribute is in an embeddable
   * whose type Hibernate shares with another entity).
   */
  static String tenantColumn(Found f) {
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
    GeneratedValue gv = generatedValue(f.entity.getMappedClass(), idProperty.getName());
    if (gv != null && gv.strategy() == GenerationType.IDENTITY) {
      throw new VaultConfigurationException("@Encrypted attribute " + f.name() + " is row-bound but "
          + entityName(f.entity) + "." + idProperty.getName() + " is generated by IDENTITY, so the id is"
          + " unknown until after the insert: use @GeneratedValue(strategy = GenerationType.SEQUENCE), a UUID"
          + " or an assigned id, or drop rowBound");
    }
  }

  static GeneratedValue generatedValue(Class<?> type, String property) {
    AnnotatedElement m = member(type, property, GeneratedValue.class);
    return m == null ? null : m.getAnnotation(GeneratedValue.class);
  }
}
