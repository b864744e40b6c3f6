package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.UnsupportedEncryptedUseException;
import dev.fieldvault.keys.EncryptionMode;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.sql.internal.SqmParameterInterpretation;
import org.hibernate.sql.ast.SqlAstNodeRenderingMode;
import org.hibernate.sql.ast.SqlAstTranslator;
import org.hibernate.sql.ast.SqlAstWalker;
import org.hibernate.sql.ast.tree.expression.Expression;
import org.hibernate.sql.ast.tree.expression.JdbcParameter;
import org.hibernate.sql.ast.tree.predicate.ComparisonPredicate;
import org.hibernate.sql.ast.tree.predicate.InListPredicate;
import org.hibernate.sql.ast.tree.predicate.Predicate;

/**
 * Searches of a deterministic attribute during a key rotation, on the translated SQL AST. An equality
 * on a deterministic attribute while its keyset has more than one readable key gets one placeholder
 * per readable key for each compared parameter ({@code col = ?} is rendered as {@code col in (?, ?)},
 * {@code col <> ?} as {@code col not in (?, ?)}, each element of an {@code in} list likewise), so rows
 * written under an older key are still found. The extra placeholders are {@link KeySlotParameter}s;
 * no SQL text is ever rewritten. While the attribute's policy migrates plaintext ({@code MIGRATE}),
 * one more placeholder takes the value's legacy plaintext form, so rows not migrated yet are found
 * too. Outside a rotation (one readable key) and a migration the predicate is unchanged.
 *
 * <p>Used by {@link EncryptedQueryTranslator} for the queries Hibernate translates with it, and by
 * {@link SearchPredicates} for the predicates of bulk mutations that Hibernate's multi-table handlers
 * translate themselves. {@link VaultRuntime#reload} clears Hibernate's query plan cache, so a plan
 * translated before a rotation is translated again.
 *
 * <p>Every comparison and {@code in} list of an encrypted column with query parameters, widened or not,
 * is rendered with plain placeholders ({@code col = ?}, {@code col in (?, ?)}), wherever it stands. Hibernate
 * renders a parameter in a select list (a predicate selected as a value, an aggregate's {@code filter (where
 * ...)}, which MariaDB and MySQL get as {@code case when ... then ... end} inside the aggregate) as a cast
 * to the column's type, {@code cast(? as binary(n))} on MariaDB, and MariaDB pads such a cast with zero bytes
 * up to n: the ciphertext would never equal a stored one. A placeholder compared with a column needs no
 * cast on any database (its type is the column's), so none is rendered.
 */
final class RotationSearch {

  private RotationSearch() {}

  /**
   * A translated comparison or {@code in} predicate, with an encrypted deterministic attribute's column
   * put on the left and, during a rotation, widened to every readable key; any other predicate as is.
   *
   * @param runtime the session factory's FieldVault runtime (null: none, nothing to widen)
   */
  static Predicate widen(Predicate p, VaultRuntime runtime) {
    if (p instanceof SearchComparison || p instanceof SearchInList) {
      return p; // already widened (a predicate can pass both the translator and a SearchPredicates node)
    }
    if (p instanceof ComparisonPredicate) {
      return widen((ComparisonPredicate) p, runtime);
    }
    if (p instanceof InListPredicate) {
      return widened((InListPredicate) p, runtime);
    }
    return p;
  }

  /** {@link #widen(Predicate, VaultRuntime)} of a comparison, still a comparison (rendered as its widened list). */
  static ComparisonPredicate widen(ComparisonPredicate cp, VaultRuntime runtime) {
    return cp instanceof SearchComparison ? cp : widened(canonical(cp), runtime);
  }

  /**
   * A comparison of a deterministic attribute with its parameter on the left, turned round so the
   * attribute's column comes first ({@code col = ?} / {@code col <> ?}).
   */
  static ComparisonPredicate canonical(ComparisonPredicate cp) {
    if (!isEncryptedColumn(cp.getRightHandExpression()) || isEncryptedColumn(cp.getLeftHandExpression())) {
      return cp;
    }
    ComparisonOperator op = cp.getOperator();
    if (op != ComparisonOperator.EQUAL && op != ComparisonOperator.NOT_EQUAL) {
      throw new IllegalStateException("FieldVault: an encrypted attribute reached a '" + op.sqlText() + "' comparison");
    }
    // with the comparison's type: a predicate selected as a value ((:v = e.a)) is rendered by its type
    return new ComparisonPredicate(cp.getRightHandExpression(), op, cp.getLeftHandExpression(), cp.getExpressionType());
  }

  private static ComparisonPredicate widened(ComparisonPredicate cp, VaultRuntime runtime) {
    ComparisonOperator op = cp.getOperator();
    if (!isEncryptedColumn(cp.getLeftHandExpression()) || isEncryptedColumn(cp.getRightHandExpression())) {
      return cp;
    }
    AttributeBinding b = deterministicColumn(cp.getLeftHandExpression());
    if (b == null || (op != ComparisonOperator.EQUAL && op != ComparisonOperator.NOT_EQUAL)) {
      return new SearchComparison(cp, null);
    }
    int slots = searchSlots(runtime);
    if (slots <= 1 && !b.migrating()) {
      return new SearchComparison(cp, null);
    }
    List<Expression> list = new ArrayList<>();
    addSlots(list, cp.getRightHandExpression(), b, slots);
    return new SearchComparison(cp, new SearchInList(cp.getLeftHandExpression(), list,
        op == ComparisonOperator.NOT_EQUAL, cp.getExpressionType()));
  }

  private static Predicate widened(InListPredicate in, VaultRuntime runtime) {
    if (!isEncryptedColumn(in.getTestExpression())) {
      return in;
    }
    AttributeBinding b = deterministicColumn(in.getTestExpression());
    int slots = b == null ? 1 : searchSlots(runtime);
    if (slots <= 1 && (b == null || !b.migrating())) {
      return new SearchInList(in.getTestExpression(), in.getListExpressions(), in.isNegated(), in.getExpressionType());
    }
    List<Expression> list = new ArrayList<>();
    for (Expression e : in.getListExpressions()) {
      addSlots(list, e, b, slots);
    }
    return new SearchInList(in.getTestExpression(), list, in.isNegated(), in.getExpressionType());
  }

  /** Whether an SQL expression is an encrypted attribute's column (a parameter compared with one has its type too). */
  static boolean isEncryptedColumn(Expression e) {
    return (e instanceof org.hibernate.query.sqm.sql.internal.BasicValuedPathInterpretation
        || e instanceof org.hibernate.sql.ast.tree.expression.ColumnReference)
        && EncryptedQueryTranslator.binding(e) != null;
  }

  private static AttributeBinding deterministicColumn(Expression e) {
    AttributeBinding b = isEncryptedColumn(e) ? EncryptedQueryTranslator.binding(e) : null;
    return b != null && b.model.mode() == EncryptionMode.DETERMINISTIC ? b : null;
  }

  /** How many placeholders a searched deterministic value gets: the readable deterministic keys, now. */
  static int searchSlots(VaultRuntime runtime) {
    return runtime == null ? 1 : runtime.readableDeterministicKeys();
  }

  private static void addSlots(List<Expression> out, Expression value, AttributeBinding b, int slots) {
    JdbcParameter parameter = value instanceof JdbcParameter ? (JdbcParameter) value
        : value instanceof SqmParameterInterpretation
            && ((SqmParameterInterpretation) value).getResolvedExpression() instanceof JdbcParameter
            ? (JdbcParameter) ((SqmParameterInterpretation) value).getResolvedExpression() : null;
    if (value instanceof KeySlotParameter) {
      throw new IllegalStateException("FieldVault: a search was widened twice");
    }
    if (parameter == null) {
      // fail closed: a value FieldVault cannot repeat under the older keys would miss their rows
      throw new UnsupportedEncryptedUseException(b.model, "The query compares @Encrypted attribute "
          + b.model.entityName() + "." + b.model.attributePath() + " with a value FieldVault cannot search under"
          + " every readable key during the key rotation or plaintext migration in progress: compare it with a query parameter (= :value,"
          + " in :values)");
    }
    out.add(value);
    for (int k = 1; k < slots; k++) {
      out.add(new KeySlotParameter(parameter, b, k, slots));
    }
    if (b.migrating()) {
      // every text form a legacy plaintext equal to the value may have (the database's own spellings too)
      for (int f = 0; f < b.legacyFormCount(); f++) {
        out.add(new LegacyPlaintextArm(KeySlotParameter.legacyPlaintext(parameter, b, f), b));
      }
    }
  }

  /**
   * An {@code in} list of an encrypted column, with its placeholders for every readable key (if widened),
   * rendered by Hibernate's SQL translator with plain placeholders (see the class comment); any other
   * walker visits it as the {@code in} list it is.
   */
  static final class SearchInList extends InListPredicate {
    SearchInList(Expression test, List<Expression> list, boolean negated,
        org.hibernate.metamodel.mapping.JdbcMappingContainer type) {
      super(test, list, negated, type);
    }

    @Override
    public void accept(SqlAstWalker walker) {
      if (walker instanceof SqlAstTranslator) {
        renderPlain((SqlAstTranslator<?>) walker, new InListPredicate(getTestExpression(), getListExpressions(),
            isNegated(), getExpressionType()));
      } else {
        super.accept(walker);
      }
    }
  }

  /**
   * A comparison of an encrypted column with a query parameter: rendered (by every SQL AST walker) as its
   * widened {@code in} list if it has one, else by Hibernate's SQL translator with a plain placeholder (see
   * the class comment); a subclass because Hibernate's translator returns comparisons as
   * {@code ComparisonPredicate}.
   */
  static final class SearchComparison extends ComparisonPredicate {
    /** The widened form, or null (one readable key and no plaintext migration). */
    private final InListPredicate widened;

    SearchComparison(ComparisonPredicate original, InListPredicate widened) {
      super(original.getLeftHandExpression(), original.getOperator(), original.getRightHandExpression(),
          original.getExpressionType());
      this.widened = widened;
    }

    @Override
    public void accept(SqlAstWalker walker) {
      if (widened != null) {
        widened.accept(walker);
      } else if (walker instanceof SqlAstTranslator) {
        renderPlain((SqlAstTranslator<?>) walker, new ComparisonPredicate(getLeftHandExpression(), getOperator(),
            getRightHandExpression(), getExpressionType()));
      } else {
        super.accept(walker);
      }
    }
  }

  /**
   * Renders a predicate of an encrypted column with its parameters as plain placeholders, never as
   * {@code cast(? as ...)} (Hibernate keeps its own mode where it inlines or wraps every parameter).
   */
  private static void renderPlain(SqlAstTranslator<?> translator, Predicate predicate) {
    translator.render(predicate, SqlAstNodeRenderingMode.DEFAULT);
  }
}
