package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.EncryptedAttribute;
import dev.fieldvault.hibernate.UnsupportedEncryptedUseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hibernate.query.sqm.spi.BaseSemanticQueryWalker;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.domain.SqmBasicValuedSimplePath;
import org.hibernate.query.sqm.tree.domain.SqmEmbeddedValuedSimplePath;
import org.hibernate.query.sqm.tree.domain.SqmPath;
import org.hibernate.query.sqm.tree.expression.JpaCriteriaParameter;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmSelfRenderingExpression;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmNamedParameter;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.expression.SqmPositionalParameter;
import org.hibernate.query.sqm.tree.expression.ValueBindJpaCriteriaParameter;
import org.hibernate.query.sqm.tree.insert.SqmInsertValuesStatement;
import org.hibernate.query.sqm.tree.insert.SqmValues;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNullnessPredicate;
import org.hibernate.query.sqm.tree.select.SqmSelection;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;
import org.hibernate.query.sqm.tree.update.SqmAssignment;

/**
 * FieldVault's one rule for query parameters: a query parameter (named, positional or criteria) that
 * meets an {@code @Encrypted} attribute (compared with it, in its {@code in} list, or assigned to it)
 * meets nothing else in the statement: no column FieldVault does not encrypt, no encrypted attribute
 * of another context, mode, storage or type, and no other construct (a function, a select list, a
 * range). Hibernate gives a query parameter one type for all its uses, so its value would be bound
 * either as plaintext everywhere (a plaintext stored in, or compared with, the encrypted column) or
 * as the ciphertext of one attribute everywhere (a plain column compared with or set to ciphertext,
 * another attribute storing a ciphertext it cannot read). The same parameter used again with the same
 * attribute ({@code where e.email = :e or e.email = :e}) stays allowed.
 *
 * <p>Checked on the statement's semantic model (SQM) before it is translated, so before any value is
 * bound or logged, and before any other check could answer with a message about something else; run
 * by {@link EncryptedQueryTranslator} for every select, update, delete and insert query, including the
 * ones Hibernate's multi-table handlers run ({@link MultiTableStrategies}).
 */
final class SharedParameters extends BaseSemanticQueryWalker {

  /** What one use of a parameter meets: an attribute path, or (path null) anything else. */
  private record Use(SqmPath<?> path, EncryptedAttribute encrypted, boolean assigned) {}

  private final List<EncryptedAttribute> attributes;
  /** Every use of each query parameter, in the order of the statement. */
  private final Map<Object, List<Use>> uses = new LinkedHashMap<>();
  private final Map<Object, SqmParameter<?>> parameters = new LinkedHashMap<>();
  /** The path the parameter visited next meets (set just before a parameter is visited). */
  private SqmPath<?> partner;
  private boolean assigning;
  /** The target paths of the insert whose values are being visited. */
  private List<SqmPath<?>> insertTargets = List.of();

  private SharedParameters(List<EncryptedAttribute> attributes) {
    this.attributes = attributes;
  }

  /** Throws {@link UnsupportedEncryptedUseException} if a parameter meeting an encrypted attribute meets anything else. */
  static void check(SqmStatement<?> statement, VaultRuntime runtime) {
    if (runtime == null || runtime.declaredAttributes().isEmpty()) {
      return;
    }
    SharedParameters walker = new SharedParameters(runtime.declaredAttributes());
    try {
      statement.accept(walker);
    } catch (UnsupportedOperationException | ClassCastException e) {
      // fail closed: a statement FieldVault cannot walk might share a parameter unchecked
      throw new IllegalStateException("FieldVault cannot check the query parameters of this query: it holds a"
          + " query node that Hibernate lets no query walker visit. This Hibernate version or query form is not"
          + " supported by FieldVault (supported: 6.6, 7.2, 7.4); please report the query", e);
    }
    walker.verify();
  }

  // ---------------------------------------------------------------------------------------------
  // Where a parameter meets an attribute

  @Override
  public Object visitComparisonPredicate(SqmComparisonPredicate p) {
    meet(p.getLeftHandExpression(), p.getRightHandExpression(), false);
    return null;
  }

  @Override
  public Object visitInListPredicate(SqmInListPredicate<?> p) {
    SqmExpression<?> test = p.getTestExpression();
    test.accept(this);
    for (SqmExpression<?> e : p.getListExpressions()) {
      if (e instanceof SqmParameter && isPath(test)) {
        visitMeeting(e, (SqmPath<?>) test, false);
      } else {
        e.accept(this);
      }
    }
    return null;
  }

  @Override
  public Object visitAssignment(SqmAssignment<?> assignment) {
    meet(assignment.getTargetPath(), assignment.getValue(), true);
    return null;
  }

  @Override
  public Object visitInsertValuesStatement(SqmInsertValuesStatement<?> insert) {
    List<SqmPath<?>> saved = insertTargets;
    insertTargets = new ArrayList<>(insert.getInsertionTargetPaths());
    try {
      return super.visitInsertValuesStatement(insert);
    } finally {
      insertTargets = saved;
    }
  }

  @Override
  public Object visitValues(SqmValues values) {
    List<SqmExpression<?>> expressions = values.getExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      SqmExpression<?> e = expressions.get(i);
      SqmPath<?> target = i < insertTargets.size() ? insertTargets.get(i) : null;
      if (e instanceof SqmParameter && isPath(target)) {
        visitMeeting(e, target, true);
      } else {
        e.accept(this);
      }
    }
    return null;
  }

  /**
   * {@code :p is [not] null} gives the parameter no type and only asks whether it is bound to null, which
   * its ciphertext answers as its plaintext would: the optional filter {@code (:e is null or e.email = :e)}
   * stays allowed.
   */
  @Override
  public Object visitIsNullPredicate(SqmNullnessPredicate p) {
    return p.getExpression() instanceof SqmParameter ? null : super.visitIsNullPredicate(p);
  }

  private void meet(SqmExpression<?> left, SqmExpression<?> right, boolean assignment) {
    if (right instanceof SqmParameter && isPath(left)) {
      left.accept(this);
      visitMeeting(right, (SqmPath<?>) left, assignment);
    } else if (left instanceof SqmParameter && isPath(right)) {
      visitMeeting(left, (SqmPath<?>) right, assignment);
      right.accept(this);
    } else {
      left.accept(this);
      right.accept(this);
    }
  }

  private void visitMeeting(SqmExpression<?> parameter, SqmPath<?> path, boolean assignment) {
    SqmPath<?> savedPartner = partner;
    boolean savedAssigning = assigning;
    partner = path;
    assigning = assignment;
    try {
      parameter.accept(this);
    } finally {
      partner = savedPartner;
      assigning = savedAssigning;
    }
  }

  private static boolean isPath(Object node) {
    return node instanceof SqmBasicValuedSimplePath || node instanceof SqmEmbeddedValuedSimplePath;
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes Hibernate does not let a walker visit (they hold no query parameter): a select item referred to
  // by position ('order by 1', 'group by 1'), and the expressions its multi-table handlers build

  @Override
  public Object visitSortSpecification(SqmSortSpecification sort) {
    return sort.getSortExpression() instanceof SqmAliasedNodeRef ? null : super.visitSortSpecification(sort);
  }

  @Override
  public Object visitGroupByClause(List<SqmExpression<?>> groupBy) {
    for (SqmExpression<?> e : groupBy) {
      if (!(e instanceof SqmAliasedNodeRef)) {
        e.accept(this);
      }
    }
    return null;
  }

  @Override
  public Object visitSelection(SqmSelection<?> selection) {
    return selection.getSelectableNode() instanceof SqmSelfRenderingExpression ? null : super.visitSelection(selection);
  }

  // ---------------------------------------------------------------------------------------------
  // The parameters (a criteria parameter wrapped by Hibernate is visited as itself)

  @Override
  public Object visitNamedParameterExpression(SqmNamedParameter<?> p) {
    return used(p);
  }

  @Override
  public Object visitPositionalParameterExpression(SqmPositionalParameter<?> p) {
    return used(p);
  }

  @Override
  public Object visitJpaCriteriaParameter(JpaCriteriaParameter<?> p) {
    return used(p);
  }

  private Object used(SqmParameter<?> p) {
    SqmPath<?> path = partner;
    partner = null; // only the parameter itself meets the path
    Object key = key(p);
    parameters.putIfAbsent(key, p);
    uses.computeIfAbsent(key, k -> new ArrayList<>()).add(new Use(path, path == null ? null : encrypted(path),
        assigning));
    return null;
  }

  /** The query parameter an occurrence stands for: by name, by position, else the criteria parameter itself. */
  private static Object key(SqmParameter<?> p) {
    if (p.getName() != null) {
      return "named:" + p.getName();
    }
    if (p.getPosition() != null) {
      return "positional:" + p.getPosition();
    }
    return new Identity(p);
  }

  private record Identity(Object node) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity && ((Identity) o).node == node;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(node);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Which attribute a path is

  /**
   * The encrypted attribute a path refers to (for an embeddable, the first encrypted attribute in it),
   * else null. Found by the entity class of the path's owner and the attribute path, so the same on
   * every Hibernate line; an attribute of a superclass (or, in HQL, of a subclass) of the owner counts.
   */
  private EncryptedAttribute encrypted(SqmPath<?> path) {
    StringBuilder name = new StringBuilder(path.getNavigablePath().getLocalName());
    SqmPath<?> owner = path.getLhs();
    while (owner instanceof SqmEmbeddedValuedSimplePath) {
      name.insert(0, owner.getNavigablePath().getLocalName() + ".");
      owner = owner.getLhs();
    }
    Class<?> entity = owner == null ? null : owner.getJavaType();
    String attribute = name.toString();
    boolean embeddable = path instanceof SqmEmbeddedValuedSimplePath;
    EncryptedAttribute subclassMatch = null;
    for (EncryptedAttribute a : attributes) {
      boolean named = embeddable ? a.attributePath().startsWith(attribute + ".") : a.attributePath().equals(attribute);
      if (!named) {
        continue;
      }
      Class<?> declaring = a.entityClass();
      if (entity == null || declaring == null || declaring.isAssignableFrom(entity)) {
        return a;
      }
      if (subclassMatch == null && entity.isAssignableFrom(declaring)) {
        subclassMatch = a;
      }
    }
    return subclassMatch;
  }

  /**
   * Whether a value encrypted for one attribute is the right value for the other: the same attribute,
   * or attributes sharing a pinned context with the same mode, storage and type (and neither bound to a
   * row or tenant).
   */
  private static boolean sameEncryption(EncryptedAttribute a, EncryptedAttribute b) {
    if (a == b || a.entityName().equals(b.entityName()) && a.attributePath().equals(b.attributePath())) {
      return true;
    }
    return Objects.equals(a.context(), b.context()) && a.mode() == b.mode() && a.storage() == b.storage()
        && a.javaType() == b.javaType() && !a.rowBound() && !b.rowBound() && a.tenantColumn() == null
        && b.tenantColumn() == null;
  }

  // ---------------------------------------------------------------------------------------------

  private void verify() {
    for (Map.Entry<Object, List<Use>> e : uses.entrySet()) {
      List<Use> all = e.getValue();
      Use encrypted = null;
      for (Use u : all) {
        if (u.encrypted() != null) {
          encrypted = u;
          break;
        }
      }
      if (encrypted == null) {
        continue;
      }
      for (Use u : all) {
        if (u.encrypted() == null || !sameEncryption(encrypted.encrypted(), u.encrypted())) {
          throw shared(parameters.get(e.getKey()), encrypted, u);
        }
      }
    }
  }

  private static UnsupportedEncryptedUseException shared(SqmParameter<?> p, Use encrypted, Use other) {
    EncryptedAttribute a = encrypted.encrypted();
    String otherUse;
    if (other.path() == null) {
      otherUse = "elsewhere in the query (not compared with or assigned to an attribute: in a function, an expression,"
          + " a range, a select list or a subquery)";
    } else if (other.encrypted() == null) {
      otherUse = (other.assigned() ? "assigned to " : "compared with ") + "'" + pathName(other.path()) + "', which"
          + " FieldVault does not encrypt";
    } else {
      otherUse = (other.assigned() ? "assigned to " : "compared with ") + "@Encrypted attribute "
          + other.encrypted().entityName() + "." + other.encrypted().attributePath() + ", which is encrypted"
          + " differently (context " + other.encrypted().context() + ", " + other.encrypted().mode() + ")";
    }
    return new UnsupportedEncryptedUseException(a, "The query uses " + describe(p) + " with @Encrypted attribute "
        + a.entityName() + "." + a.attributePath() + " (" + (encrypted.assigned() ? "assigned" : "compared") + ")"
        + " and also " + otherUse + ". Hibernate binds a query parameter with one type for all its uses, so"
        + " the value would reach the database either unencrypted or encrypted for the wrong place. Use a"
        + " separate parameter for each attribute (e.g. ':email' and ':tag') and bind the value to each; the same"
        + " parameter may be used again only with the same encrypted attribute");
  }

  private static String describe(SqmParameter<?> p) {
    if (p instanceof ValueBindJpaCriteriaParameter) {
      return "one criteria value";
    }
    if (p instanceof JpaCriteriaParameter) {
      return p.getName() == null ? "one criteria parameter" : "the criteria parameter '" + p.getName() + "'";
    }
    if (p.getName() != null) {
      return "the parameter :" + p.getName();
    }
    return p.getPosition() != null ? "the parameter ?" + p.getPosition() : "one parameter";
  }

  /** {@code Entity.attribute} of a path, for messages (never a value). */
  private static String pathName(SqmPath<?> path) {
    StringBuilder name = new StringBuilder(path.getNavigablePath().getLocalName());
    SqmPath<?> owner = path.getLhs();
    while (owner instanceof SqmEmbeddedValuedSimplePath) {
      name.insert(0, owner.getNavigablePath().getLocalName() + ".");
      owner = owner.getLhs();
    }
    Class<?> entity = owner == null ? null : owner.getJavaType();
    return (entity == null ? "" : entity.getSimpleName() + ".") + name;
  }
}
