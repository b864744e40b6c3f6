package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.UnsupportedEncryptedUseException;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.hibernate.engine.spi.LoadQueryInfluencers;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.JdbcMappingContainer;
import org.hibernate.query.spi.QueryOptions;
import org.hibernate.query.spi.QueryParameterBindings;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.internal.DomainParameterXref;
import org.hibernate.query.sqm.sql.SqmTranslation;
import org.hibernate.query.sqm.sql.internal.StandardSqmTranslator;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.domain.SqmBasicValuedSimplePath;
import org.hibernate.query.sqm.tree.domain.SqmEmbeddedValuedSimplePath;
import org.hibernate.query.sqm.tree.domain.SqmPath;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmFunction;
import org.hibernate.query.sqm.tree.expression.SqmLiteral;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.insert.SqmInsertSelectStatement;
import org.hibernate.query.sqm.tree.insert.SqmInsertStatement;
import org.hibernate.query.sqm.tree.insert.SqmInsertValuesStatement;
import org.hibernate.query.sqm.tree.insert.SqmValues;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.sql.ast.tree.from.TableGroup;
import org.hibernate.sql.ast.tree.update.Assignable;
import org.hibernate.query.sqm.tree.predicate.SqmBetweenPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmLikePredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNullnessPredicate;
import org.hibernate.query.sqm.tree.select.SqmDynamicInstantiation;
import org.hibernate.query.sqm.tree.select.SqmDynamicInstantiationArgument;
import org.hibernate.query.sqm.tree.select.SqmJpaCompoundSelection;
import org.hibernate.query.sqm.tree.select.SqmQueryGroup;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.SetOperator;
import org.hibernate.sql.ast.tree.select.QueryGroup;
import org.hibernate.query.sqm.tree.select.SqmSelectClause;
import org.hibernate.query.sqm.tree.select.SqmSelectableNode;
import org.hibernate.query.sqm.tree.select.SqmSelection;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;
import org.hibernate.query.sqm.tree.update.SqmAssignment;
import org.hibernate.query.sqm.tree.update.SqmSetClause;
import org.hibernate.query.sqm.sql.internal.SqmParameterInterpretation;
import org.hibernate.sql.ast.Clause;
import org.hibernate.sql.ast.spi.SqlAstCreationContext;
import org.hibernate.sql.ast.tree.expression.JdbcParameter;
import org.hibernate.sql.ast.tree.expression.Literal;
import org.hibernate.sql.ast.tree.Statement;
import org.hibernate.sql.ast.tree.expression.ColumnReference;
import org.hibernate.sql.ast.tree.expression.Expression;
import org.hibernate.sql.ast.tree.expression.SqlSelectionExpression;
import org.hibernate.sql.ast.tree.insert.InsertSelectStatement;
import org.hibernate.sql.ast.tree.insert.InsertStatement;
import org.hibernate.sql.ast.tree.insert.Values;
import org.hibernate.sql.ast.tree.expression.SqlTuple;
import org.hibernate.query.sqm.tree.SqmDmlStatement;
import org.hibernate.sql.ast.tree.predicate.BetweenPredicate;
import org.hibernate.sql.ast.tree.predicate.ComparisonPredicate;
import org.hibernate.sql.ast.tree.predicate.InListPredicate;
import org.hibernate.sql.ast.tree.predicate.LikePredicate;
import org.hibernate.sql.ast.tree.predicate.NullnessPredicate;
import org.hibernate.sql.ast.tree.predicate.Predicate;
import org.hibernate.sql.ast.tree.select.QuerySpec;
import org.hibernate.sql.ast.tree.select.SelectClause;
import org.hibernate.sql.ast.tree.select.SortSpecification;
import org.hibernate.sql.ast.tree.update.Assignment;
import org.hibernate.type.CustomType;

/**
 * Hibernate's translation of a query (HQL or criteria, select or mutation) from its semantic model
 * (SQM) to SQL, with FieldVault's rules for {@code @Encrypted} attributes. Every reference to an
 * encrypted attribute is checked against where it stands:
 *
 * <ul>
 *   <li>compared with {@code =}, {@code <>}, {@code in} or {@code not in} with query parameters only:
 *       allowed on DETERMINISTIC attributes (the parameter is encrypted the same way); the attribute
 *       is put on the left ({@code :v = e.a} is translated as {@code e.a = :v}), and during a key
 *       rotation each compared parameter is searched under every readable key ({@link KeySlotParameter});
 *   <li>{@code is [not] null}; selected in the top-level select list (decrypted on read, except
 *       row-bound attributes, whose row id a scalar select does not have); assigned in an update or
 *       insert;
 *   <li>anything else (a comparison of a RANDOMIZED attribute, ordering comparisons, {@code between},
 *       {@code like}, {@code order by}, {@code group by}, functions, arithmetic, subquery selects,
 *       comparisons with literals or other attributes) would be evaluated by the database on
 *       ciphertext and give wrong rows without an error: it is refused with an
 *       {@link UnsupportedEncryptedUseException} naming the attribute.
 * </ul>
 *
 * <p>Before any of this, {@link SharedParameters} checks that a query parameter meeting an encrypted
 * attribute meets nothing else (Hibernate binds a parameter with one type for all its uses).
 *
 * <p>Created by {@link EncryptedQueryTranslatorFactory}. {@code StandardSqmTranslator} and the visit
 * methods overridden here have the same signatures on Hibernate 6.6 and 7.
 */
final class EncryptedQueryTranslator<T extends Statement> extends StandardSqmTranslator<T> {

  /** How an encrypted attribute's path is used where it is being translated. */
  private enum Use { COMPARED, NULL_TEST, SELECTED, ASSIGNED }

  /** Why a criteria query may hold literals where its author wrote values. */
  private static final String INLINE_CRITERIA = " (a criteria query's values are rendered as literals when"
      + " hibernate.criteria.value_handling_mode=inline: set it to bind, Hibernate's default, so that FieldVault"
      + " encrypts them as parameters, or write the query in HQL with a named parameter)";

  private static final String EXPRESSION = "a function, arithmetic, group by, a subquery's select list, or a"
      + " comparison with a literal, another attribute or a subquery";

  /** The paths being translated in an allowed use (by identity: Hibernate reuses path nodes). */
  private final Map<SqmExpression<?>, Use> permitted = new IdentityHashMap<>();
  /** What the enclosing construct does with its operands, for messages. */
  private String construct = EXPRESSION;
  private int queryDepth;
  /**
   * What makes the database compare the rows of the top-level select being translated ({@code select distinct},
   * a {@code union}, {@code intersect} or {@code except}), for messages; null when nothing does.
   */
  private String rowComparison;
  /** Only checking the statement for {@link #check}; see the insert methods. */
  private final boolean checkOnly;

  EncryptedQueryTranslator(SqmStatement<?> statement, QueryOptions queryOptions, DomainParameterXref xref,
      QueryParameterBindings bindings, LoadQueryInfluencers influencers, SqlAstCreationContext context,
      boolean deduplicateSelectionItems) {
    this(statement, queryOptions, xref, bindings, influencers, context, deduplicateSelectionItems, false);
  }

  private EncryptedQueryTranslator(SqmStatement<?> statement, QueryOptions queryOptions, DomainParameterXref xref,
      QueryParameterBindings bindings, LoadQueryInfluencers influencers, SqlAstCreationContext context,
      boolean deduplicateSelectionItems, boolean checkOnly) {
    super(statement, queryOptions, xref, bindings, influencers, context, deduplicateSelectionItems);
    this.checkOnly = checkOnly;
  }

  /**
   * Checks an update, delete or insert query by FieldVault's rules without producing its SQL: for the
   * statements Hibernate translates itself, in its multi-table handlers (JOINED and TABLE_PER_CLASS
   * entities, secondary tables, inserts whose ids come from an optimized generator). Runs the same
   * translation as for a single-table entity, so the same rules apply, and throws the same
   * {@link UnsupportedEncryptedUseException}; nothing is bound. An insert is checked up to its values (or
   * select) and its conflict clause: the single-table form of its SQL, which Hibernate would refuse for a
   * multi-table entity, is never built. Expansions of multi-valued parameters made on the way are
   * cleared again (the handler makes its own).
   */
  static void check(SqmStatement<?> statement, QueryOptions queryOptions, DomainParameterXref xref,
      QueryParameterBindings bindings, LoadQueryInfluencers influencers, SqlAstCreationContext context) {
    EncryptedQueryTranslator<Statement> translator = new EncryptedQueryTranslator<>(statement, queryOptions, xref,
        bindings, influencers, context, false, true);
    try {
      translator.translate();
    } catch (InsertChecked done) {
      // an insert's checks are complete
    } catch (ClassCastException e) {
      // Hibernate's translator cannot translate a treat(...) of a multi-table update or delete in the form of a
      // single-table one (its multi-table handler translates it differently), so the rules cannot be checked
      if (!Treats.in(statement)) {
        throw e;
      }
      List<EncryptedAttribute> attributes = translator.targetAttributes();
      if (!attributes.isEmpty()) {
        EncryptedAttribute a = attributes.get(0);
        throw new UnsupportedEncryptedUseException(a, "An update or delete query of " + a.entityName() + ", an"
            + " entity stored in several tables with @Encrypted attributes, uses treat(...), which FieldVault cannot"
            + " check before Hibernate binds the query's values: name the subclass entity itself instead (update"
            + " Subclass s set ... where s.attribute = :value, delete from Subclass s where ...)");
      }
    } finally {
      xref.clearExpansions();
    }
  }

  /**
   * First {@link SharedParameters}' rule (a parameter meeting an encrypted attribute meets nothing else),
   * on the statement as written, before anything is translated or bound; then the translation.
   */
  @Override
  public SqmTranslation<T> translate() {
    SharedParameters.check(getStatement(), runtime());
    return super.translate();
  }

  /** Finds a {@code treat(...)} in a statement. */
  private static final class Treats extends org.hibernate.query.sqm.spi.BaseSemanticQueryWalker {
    private boolean found;

    static boolean in(SqmStatement<?> statement) {
      Treats walker = new Treats();
      try {
        statement.accept(walker);
      } catch (RuntimeException e) {
        return false; // a node no walker may visit: not known to hold a treat
      }
      return walker.found;
    }

    @Override
    public Object visitTreatedPath(org.hibernate.query.sqm.tree.domain.SqmTreatedPath<?, ?> path) {
      found = true;
      return super.visitTreatedPath(path);
    }

    @Override
    public Object visitBasicValuedPath(SqmBasicValuedSimplePath<?> path) {
      lhs(path);
      return super.visitBasicValuedPath(path);
    }

    @Override
    public Object visitEmbeddableValuedPath(SqmEmbeddedValuedSimplePath<?> path) {
      lhs(path);
      return super.visitEmbeddableValuedPath(path);
    }

    private void lhs(SqmPath<?> path) {
      for (SqmPath<?> p = path; p != null; p = p.getLhs()) {
        found |= p instanceof org.hibernate.query.sqm.tree.domain.SqmTreatedPath;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Where an encrypted attribute is allowed

  @Override
  public Expression visitBasicValuedPath(SqmBasicValuedSimplePath<?> path) {
    Expression e = super.visitBasicValuedPath(path);
    AttributeBinding b = binding(e);
    if (b != null) {
      Use use = permitted.get(path);
      check(b, use);
      if (use == Use.SELECTED && constructorArguments.containsKey(path)) {
        throw new UnsupportedEncryptedUseException(b.model, "The query passes @Encrypted attribute " + name(b.model)
            + " to a constructor expression (select new ...(...)), which Hibernate cannot match with a"
            + " constructor for an encrypted attribute: select the attribute as a scalar or in a tuple (select e."
            + b.model.attributePath() + ", ... from " + b.model.entityName() + " e) and build the object in the"
            + " application, or select the entity");
      }
    }
    return e;
  }

  /** The select items passed to a constructor expression ({@code select new Dto(...)}) of the select being translated. */
  private final Map<SqmExpression<?>, Boolean> constructorArguments = new IdentityHashMap<>();

  @Override
  public Expression visitEmbeddableValuedPath(SqmEmbeddedValuedSimplePath<?> path) {
    Expression e = super.visitEmbeddableValuedPath(path);
    Use use = permitted.get(path);
    if (use != Use.SELECTED && use != Use.ASSIGNED) {
      for (AttributeBinding b : bindings(e)) {
        throw refused(b.model, "a comparison or expression on its embeddable '" + path.getNavigablePath().getLocalName()
            + "' as a whole");
      }
    }
    if (use == Use.SELECTED && rowComparison != null) {
      for (AttributeBinding b : bindings(e)) {
        throw refusedRowComparison(b.model, rowComparison);
      }
    }
    return e;
  }

  /**
   * {@code select distinct} and the set operations that compare rows ({@code union}, {@code intersect},
   * {@code except}) make the database compare the selected values: for an encrypted attribute, its
   * ciphertexts, which differ for equal randomized values and for deterministic values under different keys.
   */
  private static UnsupportedEncryptedUseException refusedRowComparison(EncryptedAttribute a, String what) {
    return new UnsupportedEncryptedUseException(a, "The query selects @Encrypted attribute " + name(a) + " ("
        + a.mode() + ") with " + what + ", which makes the database compare the selected ciphertexts: equal values"
        + " under different ciphertexts (" + (a.mode() == EncryptionMode.DETERMINISTIC ? "under an older key during"
        + " a key rotation" : "every RANDOMIZED value") + ") would count as different, giving duplicates or missing"
        + " rows without an error. Select without it and remove duplicates or combine the results in the"
        + " application (a Set of the decrypted values), or select the entities (select distinct e from "
        + a.entityName() + " e ..., union all)");
  }

  private void check(AttributeBinding b, Use use) {
    EncryptedAttribute a = b.model;
    if (use == null) {
      throw refused(a, construct);
    }
    if (use == Use.SELECTED && rowComparison != null) {
      throw refusedRowComparison(a, rowComparison);
    }
    if (use == Use.COMPARED && a.mode() != EncryptionMode.DETERMINISTIC) {
      throw refused(a, "an equality comparison or 'in' list");
    }
    if (use == Use.ASSIGNED && a.rowBound()) {
      // refused here, before Hibernate's bind logging could see the plaintext parameter
      throw new UnsupportedEncryptedUseException(a, "Row-bound attribute " + name(a) + " cannot be written by an"
          + " update or insert query: its ciphertext is bound to its row's id, which FieldVault applies only when a"
          + " Session flushes the entity. Load the entity with a Session and set the attribute");
    }
    if (use == Use.SELECTED && (a.rowBound() || a.tenantColumn() != null)) {
      throw new UnsupportedEncryptedUseException(a, (a.rowBound() ? "Row-bound" : "Tenant-bound") + " attribute "
          + name(a) + " cannot be selected as a scalar: its ciphertext is bound to its row's id"
          + (a.rowBound() ? "" : " or tenant") + ", which FieldVault applies only when a Session loads the entity"
          + " (and a query cache would keep a decrypted scalar in plaintext). Select the entity instead (select e"
          + " from " + a.entityName() + " e ...) with a Session and read the attribute from it");
    }
  }

  /** FieldVault's runtime of the session factory, or null. */
  private VaultRuntime runtime() {
    return VaultRuntime.forFactory(getCreationContext().getSessionFactory());
  }

  private static UnsupportedEncryptedUseException refused(EncryptedAttribute a, String construct) {
    String supported = a.mode() == EncryptionMode.DETERMINISTIC
        ? "on a DETERMINISTIC attribute FieldVault supports =, <>, in and not in with query parameters, is [not]"
            + " null, and selecting it"
        : "on a RANDOMIZED attribute FieldVault supports is [not] null and selecting it; to search it, give it a"
            + " @BlindIndex companion and compare that with HibernateVault.blindIndexes(...), or make it"
            + " DETERMINISTIC";
    return new UnsupportedEncryptedUseException(a, "The query uses @Encrypted attribute " + name(a) + " ("
        + a.mode() + ") in " + construct + ", which the database would evaluate on ciphertext and answer with"
        + " wrong rows: " + supported + ". Range, prefix, pattern and ordering queries on encrypted attributes"
        + " are not possible; sort or filter such values in the application");
  }

  private static String name(EncryptedAttribute a) {
    return a.entityName() + "." + a.attributePath();
  }

  /** Runs a translation step with some paths permitted in a use, and a construct named for messages. */
  private <R> R with(List<? extends SqmExpression<?>> paths, Use use, String what, Supplier<R> step) {
    Map<SqmExpression<?>, Use> saved = new IdentityHashMap<>();
    for (SqmExpression<?> p : paths) {
      if (!saved.containsKey(p)) {
        saved.put(p, permitted.get(p));
      }
      permitted.put(p, use);
    }
    String savedConstruct = construct;
    if (what != null) {
      construct = what;
    }
    try {
      return step.get();
    } finally {
      construct = savedConstruct;
      for (Map.Entry<SqmExpression<?>, Use> e : saved.entrySet()) {
        if (e.getValue() == null) {
          permitted.remove(e.getKey());
        } else {
          permitted.put(e.getKey(), e.getValue());
        }
      }
    }
  }

  /** Runs a translation step in which no encrypted attribute is allowed (a function's arguments, group by). */
  private <R> R forbidding(String what, Supplier<R> step) {
    Map<SqmExpression<?>, Use> saved = new IdentityHashMap<>(permitted);
    permitted.clear();
    String savedConstruct = construct;
    construct = what;
    try {
      return step.get();
    } finally {
      construct = savedConstruct;
      permitted.clear();
      permitted.putAll(saved);
    }
  }

  @Override
  public Expression visitFunction(SqmFunction<?> function) {
    return forbidding("the function '" + function.getFunctionName() + "'", () -> super.visitFunction(function));
  }

  /**
   * A group-by item is refused when it is an encrypted attribute however it is written: as a path (refused
   * while translated, nothing being permitted here), and as a select item Hibernate resolves it to without
   * translating it again (an alias, {@code group by 1}, or in criteria the same path selected and grouped),
   * checked on the SQL it translated to.
   */
  @Override
  public List<Expression> visitGroupByClause(List<SqmExpression<?>> groupBy) {
    List<Expression> out = forbidding("'group by'", () -> super.visitGroupByClause(groupBy));
    for (Expression e : out) {
      AttributeBinding b = encryptedValue(e);
      if (b != null) {
        throw refused(b.model, "'group by'");
      }
    }
    return out;
  }

  /**
   * The binding of an encrypted column that an SQL expression is, directly, as a reference to a select
   * item, or as a part of an embeddable's columns; else null. (An entity's columns, which Hibernate may
   * list for an entity in a group by, are grouped with its id, so its encrypted columns never change a group.)
   */
  private static AttributeBinding encryptedValue(Expression e) {
    Expression x = unwrap(e);
    if (x instanceof SqlTuple) {
      for (Expression part : ((SqlTuple) x).getExpressions()) {
        AttributeBinding b = encryptedValue(part);
        if (b != null) {
          return b;
        }
      }
      return null;
    }
    return x instanceof ColumnReference ? binding(x) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Predicates

  @Override
  public ComparisonPredicate visitComparisonPredicate(SqmComparisonPredicate p) {
    SqmExpression<?> left = p.getLeftHandExpression();
    SqmExpression<?> right = p.getRightHandExpression();
    ComparisonOperator op = p.getSqmOperator();
    boolean equality = op == ComparisonOperator.EQUAL || op == ComparisonOperator.NOT_EQUAL;
    List<SqmExpression<?>> allowed = new ArrayList<>();
    if (equality && right instanceof SqmParameter && isPath(left)) {
      allowed.add(left);
    } else if (equality && left instanceof SqmParameter && isPath(right)) {
      allowed.add(right);
    }
    String what = equality ? null : "a '" + op.sqlText() + "' comparison";
    if (equality && (left instanceof SqmLiteral || right instanceof SqmLiteral)) {
      what = "a comparison with a literal" + INLINE_CRITERIA;
    }
    ComparisonPredicate cp = with(allowed, Use.COMPARED, what, () -> super.visitComparisonPredicate(p));
    if (!allowed.isEmpty()) {
      encryptedLike(cp.getLeftHandExpression(), cp.getRightHandExpression());
      encryptedLike(cp.getRightHandExpression(), cp.getLeftHandExpression());
    }
    return RotationSearch.widen(cp, runtime());
  }

  /**
   * A parameter compared with an encrypted column must have the column's type, so that Hibernate binds
   * its ciphertext; a parameter typed on its own ({@code cb.parameter(String.class)}) would be bound as
   * plaintext, sending the searched value to the database and matching nothing.
   */
  private static void encryptedLike(Expression column, Expression value) {
    AttributeBinding b = isEncryptedColumn(column) ? binding(column) : null;
    if (b != null && binding(value) != b) {
      throw new UnsupportedEncryptedUseException(b.model, "The query compares @Encrypted attribute " + name(b.model)
          + " with a parameter that has a type of its own (such as cb.parameter(String.class)), which Hibernate"
          + " would bind unencrypted: let Hibernate take the parameter's type from the attribute (a named parameter"
          + " in HQL, or the value itself in criteria: cb.equal(root.get(...), value))");
    }
  }

  @Override
  public Predicate visitInListPredicate(SqmInListPredicate<?> p) {
    List<SqmExpression<?>> allowed = new ArrayList<>();
    // an empty list (Criteria's in(emptyCollection)) compares no value: Hibernate renders it false (true if negated)
    boolean parameters = true;
    for (SqmExpression<?> e : p.getListExpressions()) {
      parameters &= e instanceof SqmParameter;
    }
    if (parameters && isPath(p.getTestExpression())) {
      allowed.add(p.getTestExpression());
    }
    boolean literals = false;
    for (SqmExpression<?> e : p.getListExpressions()) {
      literals |= e instanceof SqmLiteral;
    }
    Predicate result = with(allowed, Use.COMPARED, literals ? "an 'in' list of literals" + INLINE_CRITERIA
        : "an 'in' list", () -> super.visitInListPredicate(p));
    if (!allowed.isEmpty() && result instanceof InListPredicate) {
      for (Expression e : ((InListPredicate) result).getListExpressions()) {
        encryptedLike(((InListPredicate) result).getTestExpression(), e);
      }
    } else if (!allowed.isEmpty() && result instanceof ComparisonPredicate) {
      encryptedLike(((ComparisonPredicate) result).getLeftHandExpression(),
          ((ComparisonPredicate) result).getRightHandExpression());
    }
    return RotationSearch.widen(result, runtime());
  }

  @Override
  public NullnessPredicate visitIsNullPredicate(SqmNullnessPredicate p) {
    return with(List.of(p.getExpression()), Use.NULL_TEST, null, () -> super.visitIsNullPredicate(p));
  }

  @Override
  public BetweenPredicate visitBetweenPredicate(SqmBetweenPredicate p) {
    return with(List.of(), null, "a 'between' range", () -> super.visitBetweenPredicate(p));
  }

  @Override
  public LikePredicate visitLikePredicate(SqmLikePredicate p) {
    return with(List.of(), null, "a 'like' pattern", () -> super.visitLikePredicate(p));
  }

  @Override
  public SortSpecification visitSortSpecification(SqmSortSpecification s) {
    SortSpecification out = with(List.of(), null, "'order by'", () -> super.visitSortSpecification(s));
    AttributeBinding b = binding(out.getSortExpression());
    if (b != null) {
      throw refused(b.model, "'order by'");
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Select lists, assignments

  @Override
  public QuerySpec visitQuerySpec(SqmQuerySpec<?> spec) {
    queryDepth++;
    try {
      return super.visitQuerySpec(spec);
    } finally {
      queryDepth--;
    }
  }

  /**
   * The parts of a set operation that compares rows ({@code union}, {@code intersect}, {@code except}, with
   * or without {@code all}; not {@code union all}, which only appends them) may not select an encrypted
   * attribute.
   */
  @Override
  public QueryGroup visitQueryGroup(SqmQueryGroup<?> group) {
    SetOperator op = group.getSetOperator();
    if (group.getQueryParts().size() < 2 || op == null || op == SetOperator.UNION_ALL) {
      return super.visitQueryGroup(group);
    }
    String saved = rowComparison;
    rowComparison = "'" + op.sqlString().trim() + "'";
    try {
      return super.visitQueryGroup(group);
    } finally {
      rowComparison = saved;
    }
  }

  @Override
  public SelectClause visitSelectClause(SqmSelectClause clause) {
    List<SqmExpression<?>> selected = new ArrayList<>();
    if (queryDepth <= 1) {
      for (SqmSelection<?> s : clause.getSelections()) {
        collectSelected(s.getSelectableNode(), selected);
      }
    }
    String saved = rowComparison;
    if (clause.isDistinct()) {
      rowComparison = "'select distinct'";
    }
    List<SqmExpression<?>> constructed = new ArrayList<>();
    if (queryDepth <= 1) {
      for (SqmSelection<?> s : clause.getSelections()) {
        collectConstructed(s.getSelectableNode(), false, constructed);
      }
    }
    for (SqmExpression<?> e : constructed) {
      constructorArguments.put(e, Boolean.TRUE);
    }
    try {
      return with(selected, Use.SELECTED, "a subquery's select list or a function in the select list",
          () -> super.visitSelectClause(clause));
    } finally {
      rowComparison = saved;
      for (SqmExpression<?> e : constructed) {
        constructorArguments.remove(e);
      }
    }
  }

  private static void collectSelected(SqmSelectableNode<?> node, List<SqmExpression<?>> out) {
    if (node instanceof SqmDynamicInstantiation) {
      for (SqmDynamicInstantiationArgument<?> a : ((SqmDynamicInstantiation<?>) node).getArguments()) {
        collectSelected(a.getSelectableNode(), out);
      }
    } else if (node instanceof SqmJpaCompoundSelection) {
      for (SqmSelectableNode<?> n : ((SqmJpaCompoundSelection<?>) node).getSelectionItems()) {
        collectSelected(n, out);
      }
    } else if (isPath(node)) {
      out.add((SqmExpression<?>) node);
    }
  }

  /** The paths passed to a constructor expression of a class ({@code new Dto(...)}, not {@code new list/map}). */
  private static void collectConstructed(SqmSelectableNode<?> node, boolean inConstructor, List<SqmExpression<?>> out) {
    if (node instanceof SqmDynamicInstantiation) {
      SqmDynamicInstantiation<?> d = (SqmDynamicInstantiation<?>) node;
      boolean constructor = d.getInstantiationTarget().getNature()
          == org.hibernate.query.sqm.DynamicInstantiationNature.CLASS;
      for (SqmDynamicInstantiationArgument<?> a : d.getArguments()) {
        collectConstructed(a.getSelectableNode(), constructor, out);
      }
    } else if (node instanceof SqmJpaCompoundSelection) {
      for (SqmSelectableNode<?> n : ((SqmJpaCompoundSelection<?>) node).getSelectionItems()) {
        collectConstructed(n, inConstructor, out);
      }
    } else if (inConstructor && node instanceof SqmBasicValuedSimplePath) {
      out.add((SqmExpression<?>) node);
    }
  }

  @Override
  public List<Assignment> visitSetClause(SqmSetClause clause) {
    List<SqmExpression<?>> targets = new ArrayList<>();
    for (SqmAssignment<?> a : clause.getAssignments()) {
      targets.add(a.getTargetPath());
    }
    refuseEmbeddablesFromExpressions(clause);
    List<EncryptedAttribute> entity = targetAttributes();
    refuseIdChange(clause, entity);
    List<Assignment> assignments = with(targets, Use.ASSIGNED, null, () -> super.visitSetClause(clause));
    for (Assignment a : assignments) {
      List<ColumnReference> columns = a.getAssignable().getColumnReferences();
      for (int i = 0; i < columns.size(); i++) {
        checkWrite(columns.get(i), a.getAssignedValue(), columns.size(), i, entity, true);
      }
    }
    return assignments;
  }

  /**
   * An embeddable with encrypted attributes assigned anything but a query parameter ({@code set e.address
   * = (select ...)}) is refused before Hibernate translates the assignment (which ends in a
   * NullPointerException for a subquery); {@link #checkWrite} would refuse it anyway.
   */
  private void refuseEmbeddablesFromExpressions(SqmSetClause clause) {
    for (SqmAssignment<?> assignment : clause.getAssignments()) {
      SqmPath<?> target = assignment.getTargetPath();
      if (!(target instanceof SqmEmbeddedValuedSimplePath) || assignment.getValue() instanceof SqmParameter) {
        continue;
      }
      getCurrentClauseStack().push(Clause.SET);
      Expression path;
      try {
        path = with(List.of(target), Use.ASSIGNED, null, () -> (Expression) target.accept(this));
      } finally {
        getCurrentClauseStack().pop();
      }
      for (AttributeBinding b : bindings(path)) {
        throw notFromParameter(b.model);
      }
    }
  }

  @Override
  public InsertStatement visitInsertValuesStatement(SqmInsertValuesStatement<?> insert) {
    InsertStatement out = with(new ArrayList<SqmPath<?>>(insert.getInsertionTargetPaths()), Use.ASSIGNED, null,
        () -> super.visitInsertValuesStatement(insert));
    checkInsert(out);
    return out;
  }

  @Override
  public InsertStatement visitInsertSelectStatement(SqmInsertSelectStatement<?> insert) {
    queryDepth++; // the select list is copied into the table, never decrypted: not a top-level select
    try {
      if (checkOnly) {
        List<ColumnReference> columns;
        try {
          with(new ArrayList<SqmPath<?>>(insert.getInsertionTargetPaths()), Use.ASSIGNED, null,
              () -> super.visitInsertSelectStatement(insert));
          throw new IllegalStateException("FieldVault: Hibernate translated an insert without its target paths");
        } catch (TargetsVisited visited) {
          columns = visited.columns;
        }
        // as Hibernate does next (its insert's processing state is closed again)
        visitQueryPart(insert.getSelectQueryPart());
        checkInsert(columns, null, targetAttributes());
        visitConflictClause(insert.getConflictClause());
        throw new InsertChecked();
      }
      InsertStatement out = with(new ArrayList<SqmPath<?>>(insert.getInsertionTargetPaths()), Use.ASSIGNED, null,
          () -> super.visitInsertSelectStatement(insert));
      checkInsert(out);
      return out;
    } finally {
      queryDepth--;
    }
  }

  /**
   * Hibernate translates an insert's target paths here (with the paths permitted as assignment targets),
   * then refuses a target spread over more than one table, then its values or select. When only checking
   * ({@link #check}), the values (and the conflict clause) are checked here, in the insert's processing
   * state as Hibernate translates them, and the translation stops: a multi-table insert is never
   * translated further by this translator.
   */
  @Override
  public AdditionalInsertValues visitInsertionTargetPaths(
      BiConsumer<Assignable, List<ColumnReference>> targetColumns, SqmInsertStatement<?> statement,
      EntityPersister entity, TableGroup rootTableGroup) {
    if (!checkOnly) {
      return super.visitInsertionTargetPaths(targetColumns, statement, entity, rootTableGroup);
    }
    List<ColumnReference> columns = new ArrayList<>();
    super.visitInsertionTargetPaths((assignable, references) -> {
      columns.addAll(references);
      targetColumns.accept(assignable, references);
    }, statement, entity, rootTableGroup);
    if (!(statement instanceof SqmInsertValuesStatement)) {
      throw new TargetsVisited(columns);
    }
    List<List<Expression>> rows = new ArrayList<>();
    for (SqmValues values : ((SqmInsertValuesStatement<?>) statement).getValuesList()) {
      rows.add(visitValues(values).getExpressions());
    }
    checkInsert(columns, rows, targetAttributes());
    visitConflictClause(statement.getConflictClause());
    throw new InsertChecked();
  }

  /** Stops the translation of a multi-table insert once its target columns are known (check only). */
  private static final class TargetsVisited extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<ColumnReference> columns;

    TargetsVisited(List<ColumnReference> columns) {
      super(null, null, false, false);
      this.columns = columns;
    }
  }

  /** Stops the translation of a multi-table insert once it is checked (check only). */
  private static final class InsertChecked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsertChecked() {
      super(null, null, false, false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What an update or insert query may write (checked on the translated SQL AST, before any value is bound)

  /**
   * Each value an insert query writes into an encrypted column (or a blind index companion) must pass
   * {@link #checkWrite}; an {@code insert ... select} cannot write one at all (its select list is not
   * encrypted by FieldVault).
   */
  private void checkInsert(InsertStatement insert) {
    InsertSelectStatement statement = insert instanceof InsertSelectStatement ? (InsertSelectStatement) insert : null;
    List<List<Expression>> rows = null;
    if (statement != null && statement.getSourceSelectStatement() == null) {
      rows = new ArrayList<>();
      for (Values row : statement.getValuesList()) {
        rows.add(row.getExpressions());
      }
    }
    checkInsert(insert.getTargetColumns(), rows, targetAttributes());
  }

  /**
   * @param rows the values written, row by row (null: an insert ... select, whose values FieldVault
   *     cannot check)
   */
  private static void checkInsert(List<ColumnReference> columns, List<List<Expression>> rows,
      List<EncryptedAttribute> entity) {
    for (int i = 0; i < columns.size(); i++) {
      ColumnReference column = columns.get(i);
      if (rows == null) {
        checkWrite(column, null, 1, 0, entity, false);
        continue;
      }
      for (List<Expression> values : rows) {
        checkWrite(column, values.size() == columns.size() ? values.get(i) : null, 1, 0, entity, false);
      }
    }
  }

  /**
   * Refuses, before anything is bound, a mutation query's write of a column that FieldVault cannot keep
   * right: an encrypted column written from anything but a plain query parameter typed by the attribute
   * (a function, expression, literal, other attribute or subquery would be stored unencrypted), an
   * encrypted column with a {@code @BlindIndex} (the query cannot fill the index), a blind index
   * column itself, and (in an update) the id of an entity with row-bound attributes, whose ciphertexts
   * are bound to it.
   *
   * @param value the value written (null: none FieldVault can check, such as an insert's select list)
   * @param width how many columns the value covers (an embeddable); {@code index} is this column's
   */
  private static void checkWrite(ColumnReference column, Expression value, int width, int index,
      List<EncryptedAttribute> entity, boolean update) {
    AttributeBinding b = binding(column);
    if (b != null) {
      EncryptedAttribute a = b.model;
      if (a.blindIndexAttribute() != null) {
        throw new UnsupportedEncryptedUseException(a, "@Encrypted attribute " + name(a) + " has a @BlindIndex ("
            + a.entityName() + "." + a.blindIndexAttribute() + "), which an update or insert query cannot keep in"
            + " step with the value: the index would go stale and searches would return the wrong rows. Load the"
            + " entity with a Session (or a StatelessSession) and set the attribute; FieldVault fills the index"
            + " when it is written");
      }
      if (!isNullLiteral(value, width, index) && parameterBinding(value, width, index) != b) {
        throw notFromParameter(a);
      }
      return;
    }
    String name = normalized(column.getColumnExpression());
    for (EncryptedAttribute a : entity) {
      if (a.blindIndexColumn() != null && normalized(a.blindIndexColumn()).equals(name)) {
        throw new UnsupportedEncryptedUseException(a, "An update or insert query writes the blind index "
            + a.entityName() + "." + a.blindIndexAttribute() + " of @Encrypted attribute " + name(a) + ", which"
            + " FieldVault computes from the attribute's value when the entity is written: a value written by a"
            + " query would not match it and searches would return the wrong rows. Set the attribute on the"
            + " entity instead");
      }
      if (update && a.rowBound()) {
        for (String id : a.idColumns()) {
          if (normalized(id).equals(name)) {
            throw new UnsupportedEncryptedUseException(a, "An update query changes the id of " + a.entityName()
                + ", whose row-bound attribute " + name(a) + " is encrypted for the row's id: the stored"
                + " values would no longer decrypt. Changing the id of such an entity is not supported; copy"
                + " the entity to a new one with a Session (persist a new entity, remove the old)");
          }
        }
      }
    }
  }

  /**
   * Refuses an update query that assigns the target entity's id (or a part of it) when the entity has a
   * row-bound attribute, whose values are bound to the id. Decided on the query's paths, so it holds for
   * every table the entity spans, whatever each table's key column is named (a JOINED subclass's
   * {@code @PrimaryKeyJoinColumn}, a secondary table's join column).
   */
  private static void refuseIdChange(SqmSetClause clause, List<EncryptedAttribute> entity) {
    EncryptedAttribute bound = null;
    for (EncryptedAttribute a : entity) {
      if (a.rowBound()) {
        bound = a;
        break;
      }
    }
    if (bound == null) {
      return;
    }
    for (SqmAssignment<?> assignment : clause.getAssignments()) {
      // the JPA view of the path: stable across Hibernate lines
      jakarta.persistence.criteria.Path<?> p = assignment.getTargetPath();
      while (p.getParentPath() != null && !(p.getParentPath() instanceof jakarta.persistence.criteria.Root)) {
        p = p.getParentPath();
      }
      if (p.getModel() instanceof jakarta.persistence.metamodel.SingularAttribute<?, ?> attribute && attribute.isId()) {
        throw new UnsupportedEncryptedUseException(bound, "An update query changes the id of " + bound.entityName()
            + ", whose row-bound attribute " + name(bound) + " is encrypted for the row's id: the stored"
            + " values would no longer decrypt. Changing the id of such an entity is not supported; copy"
            + " the entity to a new one with a Session (persist a new entity, remove the old)");
      }
    }
  }

  private static UnsupportedEncryptedUseException notFromParameter(EncryptedAttribute a) {
    return new UnsupportedEncryptedUseException(a, "An update or insert query writes @Encrypted attribute "
        + name(a) + " from something other than a query parameter FieldVault encrypts for it (a function,"
        + " expression, literal, another attribute, a subquery, an insert ... select, or a parameter whose"
        + " type does not come from the attribute), which would store it unencrypted: write it as"
        + " 'set e." + a.attributePath() + " = :value' (or '= null') in an update query, or set it on the entity"
        + " and let the Session write it" + INLINE_CRITERIA);
  }

  /** Whether the index-th of {@code width} columns is written a literal null ({@code set e.email = null}). */
  private static boolean isNullLiteral(Expression value, int width, int index) {
    Expression v = value;
    if (v instanceof SqlTuple && width > 1 && ((SqlTuple) v).getExpressions().size() == width) {
      v = ((SqlTuple) v).getExpressions().get(index);
    }
    return v instanceof Literal && ((Literal) v).getLiteralValue() == null;
  }

  /** The binding of the index-th of {@code width} columns of a query parameter's type, else null. */
  private static AttributeBinding parameterBinding(Expression value, int width, int index) {
    Expression v = value;
    if (v instanceof SqlTuple && width > 1 && ((SqlTuple) v).getExpressions().size() == width) {
      v = ((SqlTuple) v).getExpressions().get(index);
      width = 1;
      index = 0;
    }
    if (!(v instanceof JdbcParameter || v instanceof SqmParameterInterpretation)) {
      return null;
    }
    JdbcMappingContainer t = v.getExpressionType();
    if (t == null || t.getJdbcTypeCount() != width) {
      return null;
    }
    JdbcMapping m = t.getJdbcMapping(index);
    return m instanceof CustomType && ((CustomType<?>) m).getUserType() instanceof EncryptedType
        ? ((EncryptedType) ((CustomType<?>) m).getUserType()).binding() : null;
  }

  /**
   * The encrypted attributes of the entity an update or insert query writes, and of its super- and
   * subclasses (more than needed rather than fewer: only used to refuse).
   */
  private List<EncryptedAttribute> targetAttributes() {
    VaultRuntime runtime = VaultRuntime.forFactory(getCreationContext().getSessionFactory());
    if (runtime == null || !(getStatement() instanceof SqmDmlStatement)) {
      return List.of();
    }
    Class<?> target = ((SqmDmlStatement<?>) getStatement()).getTarget().getJavaType();
    List<EncryptedAttribute> out = new ArrayList<>();
    for (EncryptedAttribute a : runtime.declaredAttributes()) {
      Class<?> c = a.entityClass();
      if (target == null || c == null || c.isAssignableFrom(target) || target.isAssignableFrom(c)) {
        out.add(a);
      }
    }
    return out;
  }

  /** A column name as mapped or rendered, without quotes and in lower case. */
  private static String normalized(String column) {
    return column == null ? "" : column.replace("\"", "").replace("`", "").replace("[", "").replace("]", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean isPath(Object node) {
    return node instanceof SqmBasicValuedSimplePath || node instanceof SqmEmbeddedValuedSimplePath;
  }

  private static boolean isEncryptedColumn(Expression e) {
    return RotationSearch.isEncryptedColumn(e);
  }

  /** The binding of an SQL expression of exactly one encrypted attribute's column, else null. */
  static AttributeBinding binding(Expression e) {
    List<AttributeBinding> all = bindings(e);
    return all.size() == 1 && typeCount(e) == 1 ? all.get(0) : null;
  }

  private static int typeCount(Expression e) {
    Expression x = unwrap(e);
    JdbcMappingContainer t = x == null ? null : x.getExpressionType();
    return t == null ? 0 : t.getJdbcTypeCount();
  }

  private static Expression unwrap(Expression e) {
    if (e instanceof SqlSelectionExpression) {
      return ((SqlSelectionExpression) e).getSelection().getExpression();
    }
    return e;
  }

  /** The bindings of the encrypted columns among an SQL expression's columns. */
  static List<AttributeBinding> bindings(Expression e) {
    Expression x = unwrap(e);
    JdbcMappingContainer t = x == null ? null : x.getExpressionType();
    if (t == null) {
      return List.of();
    }
    List<AttributeBinding> out = new ArrayList<>();
    for (int i = 0; i < t.getJdbcTypeCount(); i++) {
      JdbcMapping m = t.getJdbcMapping(i);
      if (m instanceof CustomType && ((CustomType<?>) m).getUserType() instanceof EncryptedType) {
        out.add(((EncryptedType) ((CustomType<?>) m).getUserType()).binding());
      }
    }
    return out;
  }
}
