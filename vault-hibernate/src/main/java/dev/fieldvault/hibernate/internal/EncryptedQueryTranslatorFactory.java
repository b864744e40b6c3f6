package dev.fieldvault.hibernate.internal;

import org.hibernate.engine.spi.LoadQueryInfluencers;
import org.hibernate.query.spi.QueryOptions;
import org.hibernate.query.spi.QueryParameterBindings;
import org.hibernate.query.sqm.internal.DomainParameterXref;
import org.hibernate.query.sqm.sql.SqmTranslator;
import org.hibernate.query.sqm.sql.SqmTranslatorFactory;
import org.hibernate.query.sqm.tree.SqmDmlStatement;
import org.hibernate.query.sqm.tree.delete.SqmDeleteStatement;
import org.hibernate.query.sqm.tree.insert.SqmInsertStatement;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.update.SqmUpdateStatement;
import org.hibernate.sql.ast.spi.SqlAstCreationContext;
import org.hibernate.sql.ast.tree.MutationStatement;
import org.hibernate.sql.ast.tree.delete.DeleteStatement;
import org.hibernate.sql.ast.tree.insert.InsertStatement;
import org.hibernate.sql.ast.tree.select.SelectStatement;
import org.hibernate.sql.ast.tree.update.UpdateStatement;

/**
 * Installed by {@link VaultServiceContributor} as Hibernate's SQM translator factory
 * ({@code hibernate.query.sqm.translator}): every HQL and criteria query is translated by an
 * {@link EncryptedQueryTranslator}. The last three methods are Hibernate 6.6's (absent from 7).
 */
public final class EncryptedQueryTranslatorFactory implements SqmTranslatorFactory {

  /** Hibernate's setting that names the factory. */
  static final String SETTING = "hibernate.query.sqm.translator";

  @Override
  public SqmTranslator<SelectStatement> createSelectTranslator(SqmSelectStatement<?> statement, QueryOptions options,
      DomainParameterXref xref, QueryParameterBindings bindings, LoadQueryInfluencers influencers,
      SqlAstCreationContext context, boolean deduplicateSelectionItems) {
    return new EncryptedQueryTranslator<>(statement, options, xref, bindings, influencers, context,
        deduplicateSelectionItems);
  }

  @Override
  public SqmTranslator<? extends MutationStatement> createMutationTranslator(SqmDmlStatement<?> statement,
      QueryOptions options, DomainParameterXref xref, QueryParameterBindings bindings,
      LoadQueryInfluencers influencers, SqlAstCreationContext context) {
    return new EncryptedQueryTranslator<MutationStatement>(statement, options, xref, bindings, influencers, context,
        false);
  }

  /** Hibernate 6.6. */
  public SqmTranslator<DeleteStatement> createSimpleDeleteTranslator(SqmDeleteStatement<?> statement,
      QueryOptions options, DomainParameterXref xref, QueryParameterBindings bindings,
      LoadQueryInfluencers influencers, SqlAstCreationContext context) {
    return new EncryptedQueryTranslator<>(statement, options, xref, bindings, influencers, context, false);
  }

  /** Hibernate 6.6. */
  public SqmTranslator<InsertStatement> createInsertTranslator(SqmInsertStatement<?> statement,
      QueryOptions options, DomainParameterXref xref, QueryParameterBindings bindings,
      LoadQueryInfluencers influencers, SqlAstCreationContext context) {
    return new EncryptedQueryTranslator<>(statement, options, xref, bindings, influencers, context, false);
  }

  /** Hibernate 6.6. */
  public SqmTranslator<UpdateStatement> createSimpleUpdateTranslator(SqmUpdateStatement<?> statement,
      QueryOptions options, DomainParameterXref xref, QueryParameterBindings bindings,
      LoadQueryInfluencers influencers, SqlAstCreationContext context) {
    return new EncryptedQueryTranslator<>(statement, options, xref, bindings, influencers, context, false);
  }
}
