package dev.fieldvault.hibernate.internal;

import java.util.Map;
import org.hibernate.boot.registry.StandardServiceInitiator;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.mapping.EntityMappingType;
import org.hibernate.metamodel.mapping.internal.MappingModelCreationProcess;
import org.hibernate.query.sqm.internal.DomainParameterXref;
import org.hibernate.query.sqm.mutation.internal.SqmMultiTableMutationStrategyProviderStandard;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableInsertStrategy;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategy;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategyProvider;
import org.hibernate.query.spi.DomainQueryExecutionContext;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.service.spi.ServiceRegistryImplementor;

/**
 * FieldVault's {@link SqmMultiTableMutationStrategyProvider} (Hibernate's service that picks, for each
 * entity hierarchy, how update, delete and insert queries spanning several tables are run): the
 * strategy Hibernate would pick ({@link SqmMultiTableMutationStrategyProviderStandard}: the setting
 * {@code hibernate.query.mutation_strategy} / {@code insert_strategy}, else the dialect's CTE or
 * temporary-table strategy), wrapped so that every such query is first checked by
 * {@link EncryptedQueryTranslator}'s rules and, during a key rotation, searches deterministic
 * attributes under every readable key ({@link SearchPredicates}).
 *
 * <p>Why: Hibernate translates these queries (JOINED and TABLE_PER_CLASS hierarchies, secondary tables,
 * inserts whose ids come from an optimized generator) in its own multi-table handlers, not with the SQM
 * translator FieldVault installs; without this, their writes of encrypted attributes were neither
 * checked nor refused before Hibernate bound (and logged) the values. Installed by
 * {@link VaultServiceContributor}; the integrator refuses to start if another provider replaced it.
 */
public final class MultiTableStrategies implements SqmMultiTableMutationStrategyProvider {

  /** Registers the provider in place of Hibernate's (a later initiator of a service role wins). */
  static final StandardServiceInitiator<SqmMultiTableMutationStrategyProvider> INITIATOR =
      new StandardServiceInitiator<>() {
        @Override
        public SqmMultiTableMutationStrategyProvider initiateService(Map<String, Object> settings,
            ServiceRegistryImplementor registry) {
          return new MultiTableStrategies();
        }

        @Override
        public Class<SqmMultiTableMutationStrategyProvider> getServiceInitiated() {
          return SqmMultiTableMutationStrategyProvider.class;
        }
      };

  private final SqmMultiTableMutationStrategyProvider standard = new SqmMultiTableMutationStrategyProviderStandard();

  @Override
  public SqmMultiTableMutationStrategy createMutationStrategy(EntityMappingType root,
      MappingModelCreationProcess process) {
    SqmMultiTableMutationStrategy s = standard.createMutationStrategy(root, process);
    return s == null || s instanceof CheckedMutationStrategy ? s : new CheckedMutationStrategy(s);
  }

  @Override
  public SqmMultiTableInsertStrategy createInsertStrategy(EntityMappingType root, MappingModelCreationProcess process) {
    SqmMultiTableInsertStrategy s = standard.createInsertStrategy(root, process);
    return s == null || s instanceof CheckedInsertStrategy ? s : new CheckedInsertStrategy(s);
  }

  /**
   * Checks a multi-table update, delete or insert query by FieldVault's rules (throwing
   * {@code UnsupportedEncryptedUseException} before anything is bound) and returns the statement to hand
   * to Hibernate's strategy: the statement itself, or during a rotation of a deterministic key, a copy
   * whose predicates search every readable key.
   */
  @SuppressWarnings("unchecked")
  static <S extends SqmStatement<?>> S checked(S statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    SharedSessionContractImplementor session = context.getSession();
    SessionFactoryImplementor factory = session.getFactory();
    VaultRuntime runtime = VaultRuntime.forFactory(factory);
    if (runtime == null) {
      return statement;
    }
    EncryptedQueryTranslator.check(statement, context.getQueryOptions(), xref, context.getQueryParameterBindings(),
        session.getLoadQueryInfluencers(), HibernateLines.sqlAstCreationContext(factory));
    return RotationSearch.searchSlots(runtime) > 1 ? SearchPredicates.copy(statement, runtime) : statement;
  }
}
