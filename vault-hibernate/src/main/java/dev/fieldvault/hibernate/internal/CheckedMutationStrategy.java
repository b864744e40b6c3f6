package dev.fieldvault.hibernate.internal;

import org.hibernate.engine.jdbc.connections.spi.JdbcConnectionAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.internal.MappingModelCreationProcess;
import org.hibernate.query.spi.DomainQueryExecutionContext;
import org.hibernate.query.sqm.internal.DomainParameterXref;
import org.hibernate.query.sqm.mutation.spi.MultiTableHandlerBuildResult;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategy;
import org.hibernate.query.sqm.tree.SqmDeleteOrUpdateStatement;
import org.hibernate.query.sqm.tree.delete.SqmDeleteStatement;
import org.hibernate.query.sqm.tree.update.SqmUpdateStatement;

/**
 * Hibernate's multi-table update/delete strategy of a hierarchy, behind FieldVault's check
 * ({@link MultiTableStrategies#checked}). Hibernate 7.1+ calls {@link #buildHandler} (once per query
 * plan); 6.6 calls {@link #executeUpdate} / {@link #executeDelete} (at every execution). Each passes the
 * statement through the check first, then delegates.
 */
final class CheckedMutationStrategy implements SqmMultiTableMutationStrategy {

  private final SqmMultiTableMutationStrategy delegate;

  CheckedMutationStrategy(SqmMultiTableMutationStrategy delegate) {
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
  public MultiTableHandlerBuildResult buildHandler(SqmDeleteOrUpdateStatement<?> statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    return delegate.buildHandler(MultiTableStrategies.checked(statement, xref, context), xref, context);
  }

  /** Hibernate 6.6 (a default method on 7, calling {@link #buildHandler}). */
  @Override
  @SuppressWarnings("removal")
  public int executeUpdate(SqmUpdateStatement<?> statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    return delegate.executeUpdate(MultiTableStrategies.checked(statement, xref, context), xref, context);
  }

  /** Hibernate 6.6 (a default method on 7, calling {@link #buildHandler}). */
  @Override
  @SuppressWarnings("removal")
  public int executeDelete(SqmDeleteStatement<?> statement, DomainParameterXref xref,
      DomainQueryExecutionContext context) {
    return delegate.executeDelete(MultiTableStrategies.checked(statement, xref, context), xref, context);
  }

  @Override
  public String toString() {
    return "FieldVault-checked " + delegate;
  }
}
