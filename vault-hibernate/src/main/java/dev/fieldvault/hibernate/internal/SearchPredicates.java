package dev.fieldvault.hibernate.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.NodeBuilder;
import org.hibernate.query.sqm.SemanticQueryWalker;
import org.hibernate.query.sqm.tree.SqmCopyContext;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.sql.ast.tree.predicate.Predicate;

/**
 * The searches of a deterministic attribute during a key rotation in the bulk mutations that Hibernate
 * translates itself. Hibernate's multi-table handlers (JOINED and TABLE_PER_CLASS entities, secondary
 * tables) translate an update's or delete's {@code where} clause with their own translator, not with
 * {@link EncryptedQueryTranslator}: {@code where e.email = :e} would look for the value under the
 * primary key only, and miss the rows still under an older key.
 *
 * <p>{@link #copy} hands them a copy of the statement in which every comparison and {@code in} list is
 * one of the nodes below: the same predicate, whose translation (by whichever translator visits it) is
 * then widened by {@link RotationSearch} to every readable key. The copy keeps the statement's query
 * parameters themselves, so their bindings apply unchanged. Only used while a deterministic keyset has
 * more than one readable key; otherwise Hibernate gets the statement as it is.
 */
final class SearchPredicates {

  private SearchPredicates() {}

  /** A copy of the statement whose comparisons and {@code in} lists search every readable key. */
  @SuppressWarnings("unchecked")
  static <S extends SqmStatement<?>> S copy(S statement, VaultRuntime runtime) {
    return (S) statement.copy(new Context(runtime));
  }

  /** Copies a statement as Hibernate does, keeping its parameters and replacing its predicates. */
  private static final class Context implements SqmCopyContext {
    private final Map<Object, Object> copies = new IdentityHashMap<>();
    private final VaultRuntime runtime;

    Context(VaultRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getCopy(T original) {
      return original instanceof SqmParameter ? original : (T) copies.get(original);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> T registerCopy(T original, T copy) {
      Object registered = copy;
      if (copy != null && copy.getClass() == SqmComparisonPredicate.class) {
        registered = new Comparison((SqmComparisonPredicate) copy, runtime);
      } else if (copy != null && copy.getClass() == SqmInListPredicate.class) {
        registered = new InList((SqmInListPredicate) copy, runtime);
      }
      if (copies.put(original, registered) != null) {
        throw new IllegalStateException("FieldVault: Hibernate copied a query node twice");
      }
      return (T) registered;
    }
  }

  /** A comparison whose translation searches every readable key. */
  static final class Comparison extends SqmComparisonPredicate {
    private final VaultRuntime runtime;

    /** The copy of a comparison ({@code not (a = b)} becomes {@code a <> b}, which SQL evaluates alike). */
    Comparison(SqmComparisonPredicate p, VaultRuntime runtime) {
      this(p.getLeftHandExpression(), p.isNegated() ? p.getSqmOperator().negated() : p.getSqmOperator(),
          p.getRightHandExpression(), p.nodeBuilder(), runtime);
    }

    private Comparison(SqmExpression<?> left, ComparisonOperator operator, SqmExpression<?> right,
        NodeBuilder nodeBuilder, VaultRuntime runtime) {
      super(left, operator, right, nodeBuilder);
      this.runtime = runtime;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T accept(SemanticQueryWalker<T> walker) {
      T translated = super.accept(walker);
      return translated instanceof Predicate ? (T) RotationSearch.widen((Predicate) translated, runtime) : translated;
    }

    @Override
    public SqmComparisonPredicate copy(SqmCopyContext context) {
      SqmComparisonPredicate existing = context.getCopy(this);
      if (existing != null) {
        return existing;
      }
      Comparison copy = context.registerCopy(this, new Comparison(getLeftHandExpression().copy(context),
          getSqmOperator(), getRightHandExpression().copy(context), nodeBuilder(), runtime));
      copyTo(copy, context);
      return copy;
    }
  }

  /** An {@code in} list whose translation searches every readable key. */
  static final class InList<T> extends SqmInListPredicate<T> {
    private final VaultRuntime runtime;

    InList(SqmInListPredicate<T> p, VaultRuntime runtime) {
      this(p.getTestExpression(), p.getListExpressions(), p.isNegated(), p.nodeBuilder(), runtime);
    }

    private InList(SqmExpression<T> test, List<? extends SqmExpression<T>> list, boolean negated,
        NodeBuilder nodeBuilder, VaultRuntime runtime) {
      super(test, list, negated, nodeBuilder);
      this.runtime = runtime;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <X> X accept(SemanticQueryWalker<X> walker) {
      X translated = super.accept(walker);
      return translated instanceof Predicate ? (X) RotationSearch.widen((Predicate) translated, runtime) : translated;
    }

    @Override
    public SqmInListPredicate<T> copy(SqmCopyContext context) {
      SqmInListPredicate<T> existing = context.getCopy(this);
      if (existing != null) {
        return existing;
      }
      List<SqmExpression<T>> list = new ArrayList<>();
      for (SqmExpression<T> e : getListExpressions()) {
        list.add(e.copy(context));
      }
      InList<T> copy = context.registerCopy(this, new InList<>(getTestExpression().copy(context), list,
          isNegated(), nodeBuilder(), runtime));
      copyTo(copy, context);
      return copy;
    }
  }
}
