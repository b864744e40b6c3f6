package dev.fieldvault.hibernate.internal;

import org.hibernate.engine.jdbc.connections.spi.JdbcConnectionAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.internal.MappingModelCreationProcess;
import org.hibernate.query.spi.DomainQueryExecutionContext;
import org.hibernate.query.sqm.internal.DomainParameterXref;
import org.hibernate.query.sqm.mutation.spi.MultiTableHandlerBuildResult;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableInsertStrategy;
import org.hibernate.query.sqm.tree.insert.SqmInsertStatement;

/**
 * Hibernate's multi-table insert strategy of a hierarchy, behind FieldVault's check
 * ({@link MultiTableStrategies#checked}); see {@link CheckedMutationStrategy}.
 */
final class CheckedInsertStrategy implements SqmMultiTableInsertStrategy {

  private final SqmMultiTableInsertStrategy delegate;

  CheckedInsertStrategy(SqmMultiTableInsertStrategy delegate) {
    this.delegate = delegate;
  }

  @Override
  public void prepare(MappingModelCreationProcess process, JdbcConnectionAccess connectionAccess) {
    delegate.prepare(process, connectionAccess);
  }

  /** Hibernate 7.1+ (absent from 6.6, which never calls it). */
  @Override
  public void prepare(MappingModelCreationProcess process) {
    delegate.prepare(process);
  }

  @Override
  public void release(SessionFactoryImplementor factory, JdbcConnectionAccess connectionAccess) {
    delegate.release(factory, connectionAccess);
  }

  /** Hibernate 7.1+ (absent from 6.6, which never calls it). */
  @Override
  public MultiTableHandlerBuildResult buildHandler(SqmInsertStatement<?> statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    return delegate.buildHandler(MultiTableStrategies.checked(statement, xref, context), xref, context);
  }

  /** Hibernate 6.6 (a default method on 7, calling {@link #buildHandler}). */
  @Override
  @SuppressWarnings("removal")
  public int executeInsert(SqmInsertStatement<?> statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    return delegate.executeInsert(MultiTableStrategies.checked(statement, xref, context), xref, context);
  }

  @Override
  public String toString() {
    return "FieldVault-checked " + delegate;
  }
}
