package dev.fieldvault.hibernate.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
    return checking(SqmMultiTableMutationStrategy.class, standard.createMutationStrategy(root, process));
  }

  @Override
  public SqmMultiTableInsertStrategy createInsertStrategy(EntityMappingType root, MappingModelCreationProcess process) {
    return checking(SqmMultiTableInsertStrategy.class, standard.createInsertStrategy(root, process));
  }

  /**
   * The strategy behind FieldVault's check: a proxy of the strategy interface that passes every call
   * given a query statement (6.6's {@code executeUpdate} / {@code executeDelete} / {@code executeInsert}
   * at every execution, 7.1+'s {@code buildHandler} once per query plan) through {@link #checked} and
   * forwards every call to the strategy. A proxy rather than a class implementing the interface: the
   * interfaces differ between Hibernate lines (7.1+ adds {@code buildHandler}, returning a type absent
   * from 6.6, and {@code prepare(MappingModelCreationProcess)}), and this module compiles against each
   * line.
   */
  private static <S> S checking(Class<S> strategyInterface, S strategy) {
    if (strategy == null || Proxy.isProxyClass(strategy.getClass())
        && Proxy.getInvocationHandler(strategy) instanceof Checking) {
      return strategy;
    }
    return strategyInterface.cast(Proxy.newProxyInstance(strategyInterface.getClassLoader(),
        new Class<?>[] {strategyInterface}, new Checking(strategy)));
  }

  /** Checks the statement of each call that has one, then calls the strategy. */
  private static final class Checking implements InvocationHandler {
    private final Object strategy;

    Checking(Object strategy) {
      this.strategy = strategy;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          default:
            return "FieldVault-checked " + strategy;
        }
      }
      Object[] call = args == null ? null : withCheckedStatement(method, args);
      try {
        return method.invoke(strategy, call);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /** The arguments, with the query statement replaced by the one {@link #checked} returns. */
    private static Object[] withCheckedStatement(Method method, Object[] args) {
      int statement = -1;
      DomainParameterXref xref = null;
      DomainQueryExecutionContext context = null;
      for (int i = 0; i < args.length; i++) {
        if (args[i] instanceof SqmStatement) {
          statement = i;
        } else if (args[i] instanceof DomainParameterXref) {
          xref = (DomainParameterXref) args[i];
        } else if (args[i] instanceof DomainQueryExecutionContext) {
          context = (DomainQueryExecutionContext) args[i];
        }
      }
      if (statement < 0) {
        return args;
      }
      if (xref == null || context == null) {
        // fail closed: a call FieldVault does not know would run the query unchecked
        throw new IllegalStateException("FieldVault cannot check the query passed to Hibernate's multi-table"
            + " strategy method " + method.getName() + ": this Hibernate version is not supported by FieldVault"
            + " (supported: 6.6, 7.2, 7.4)");
      }
      Object[] out = args.clone();
      out[statement] = checked((SqmStatement<?>) args[statement], xref, context);
      return out;
    }
  }

  /**
   * Checks a multi-table update, delete or insert query by FieldVault's rules (throwing
   * {@code UnsupportedEncryptedUseException} before anything is bound) and returns the statement to hand
   * to Hibernate's strategy: the statement itself, or during a rotation of a deterministic key or a
   * plaintext migration, a copy whose predicates search every readable key (and the plaintext form).
   */
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
    return RotationSearch.searchSlots(runtime) > 1 || runtime.migratesDeterministicPlaintext()
        ? SearchPredicates.copy(statement, runtime) : statement;
  }
}
