package dev.fieldvault.hibernate;

import dev.fieldvault.hibernate.entities.FuzzRecord;
import dev.fieldvault.hibernate.entities.PlainFuzzRecord;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.Expression;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Writes random query predicates for HibernateDifferentialFuzzTest: equality forms over the
 * deterministic attributes of {@link FuzzRecord} ({@code a = :p}, {@code :p = a}, {@code <>},
 * {@code in (:a, :b)}, {@code in :list}, {@code not in}, {@code is [not] null}) and over its blind
 * index, combined with {@code and}, {@code or}, {@code not} and nested parentheses, with and without
 * predicates on plain attributes. A JPQL predicate stands in a where clause or, in the forms Hibernate renders
 * in a select list ({@link Form}), selected as a value, in aggregate and window filter clauses and in a
 * subquery's select list. One predicate tree renders as JPQL or Criteria on the encrypted entity
 * and on its plain twin {@link PlainFuzzRecord}; on the encrypted side a comparison of the blind-indexed
 * attribute becomes {@code noteIndex [not] in :indexes} (the value's index under every readable key),
 * on the plain side the comparison itself. Everything depends on the {@link Random} only.
 */
final class HqlFuzzGenerator {

  /** Rows in each table. */
  static final int ROWS = 40;

  /** The attributes of the twin entities. */
  enum Attr {
    /** Deterministic String. */
    CODE("code"),
    /** Deterministic String with non-ASCII values and the empty string. */
    CITY("city"),
    /** Deterministic Integer. */
    GRADE("grade"),
    /** Randomized String with a blind index (EXACT): searched through {@code noteIndex}. */
    NOTE("note"),
    /** Plain int, never null. */
    N("n"),
    /** Plain String. */
    T("t");

    final String name;

    Attr(String name) {
      this.name = name;
    }

    boolean encrypted() {
      return this != N && this != T;
    }

    /** A value of the attribute's small domain, so that equality finds rows. */
    Object value(Random r) {
      switch (this) {
        case CODE:
          return "c" + r.nextInt(6);
        case CITY:
          return new String[] {"Zürich", "São Paulo", "東京", "Oslo", ""}[r.nextInt(5)];
        case GRADE:
        case N:
          return r.nextInt(this == GRADE ? 5 : 10);
        case NOTE:
          return new String[] {"alpha", "Beta", "gamma", "delta"}[r.nextInt(4)];
        default:
          return new String[] {"x", "y", "z"}[r.nextInt(3)];
      }
    }

    /** A value of a row: sometimes null (never for {@code n}). */
    Object rowValue(Random r) {
      return this != N && r.nextInt(7) == 0 ? null : value(r);
    }
  }

  /** Comparison forms of a leaf. */
  enum Op {
    EQ, NE, IN_LIST, IN_PARAM, NOT_IN_LIST, NOT_IN_PARAM, IS_NULL, IS_NOT_NULL, LT, BETWEEN
  }

  /** A predicate tree. */
  interface Pred {}

  /** One comparison: {@code values} holds one value (EQ, NE, LT), two (BETWEEN), any (lists) or none. */
  record Leaf(Attr attr, Op op, boolean parameterFirst, List<Object> values) implements Pred {}

  record Not(Pred p) implements Pred {}

  record And(Pred l, Pred r) implements Pred {}

  record Or(Pred l, Pred r) implements Pred {}

  /**
   * JPQL only: {@code (case when p then 1 else 0 end) = 1}, an equality inside a searched case (issue #12); the
   * same on both sides, so SQL's three-valued logic (unknown gives 0) is compared like for like.
   */
  record CaseWhen(Pred p) implements Pred {}

  /**
   * Where a JPQL case's predicate stands (issue #12: Hibernate renders a parameter in a select list as a cast to
   * the column's type, which MariaDB pads for a binary column). Criteria cases are always {@link #WHERE}.
   */
  enum Form {
    /** {@code select r.id ... where P order by r.id}. */
    WHERE,
    /** {@code select r.id, (P) ... order by r.id}: the predicate selected as a value (true, false or null). */
    SELECTED,
    /**
     * {@code select r.n, count(r) filter (where P), sum(r.id) filter (where P) ... group by r.n order by r.n}:
     * aggregate filter clauses (MariaDB: {@code count(case when P then ... end)}).
     */
    FILTER,
    /** {@code select r.id, count(r) filter (where P) over (order by r.id) ... order by r.id}: a running count. */
    WINDOW,
    /**
     * {@code select o.id, (select count(r) filter (where P) from ... r where r.id <= o.id) ... order by o.id}:
     * a filter clause in a subquery selected as a value.
     */
    SUBQUERY
  }

  /**
   * A generated case: its predicate, whether it is run as Criteria, extra parentheses (JPQL), and where the
   * predicate stands.
   */
  record Case(Pred where, boolean criteria, boolean extraParens, Form form) {}

  private final Random r;

  HqlFuzzGenerator(Random r) {
    this.r = r;
  }

  Case next() {
    boolean criteria = r.nextInt(3) == 0;
    Pred where = pred(1 + r.nextInt(4), criteria);
    boolean extraParens = r.nextBoolean();
    // drawn last, so a seed's predicates are those of the runs before the forms existed
    Form form = criteria ? Form.WHERE : new Form[] {Form.WHERE, Form.WHERE, Form.SELECTED, Form.FILTER,
        Form.WINDOW, Form.SUBQUERY}[r.nextInt(6)];
    return new Case(where, criteria, extraParens, form);
  }

  /** A JPQL case whose predicate stands in {@code form}. */
  Case next(Form form) {
    return new Case(pred(1 + r.nextInt(4), false), false, r.nextBoolean(), form);
  }

  private Pred pred(int depth, boolean criteria) {
    if (depth <= 1 || r.nextInt(10) < 3) {
      return leaf(criteria);
    }
    int k = r.nextInt(10);
    if (k < 2) {
      return new Not(pred(depth - 1, criteria));
    }
    if (!criteria && k == 2 && r.nextBoolean()) {
      return new CaseWhen(pred(depth - 1, criteria));
    }
    Pred left = pred(depth - 1, criteria);
    Pred right = pred(depth - 1, criteria);
    return k < 6 ? new And(left, right) : new Or(left, right);
  }

  private Leaf leaf(boolean criteria) {
    if (r.nextInt(10) < 3) {
      return plainLeaf();
    }
    Attr a = new Attr[] {Attr.CODE, Attr.CITY, Attr.GRADE, Attr.NOTE}[r.nextInt(4)];
    Op op = new Op[] {Op.EQ, Op.EQ, Op.NE, Op.IN_LIST, Op.IN_PARAM, Op.NOT_IN_LIST, Op.NOT_IN_PARAM, Op.IS_NULL,
        Op.IS_NOT_NULL}[r.nextInt(9)];
    // null compares as unknown on both sides; as a Criteria value it would be a literal (refused): JPQL only,
    // and never for the blind index (no index of null to search)
    boolean nulls = !criteria && a != Attr.NOTE;
    List<Object> values = new ArrayList<>();
    switch (op) {
      case EQ:
      case NE:
        values.add(nulls && r.nextInt(20) == 0 ? null : a.value(r));
        break;
      case IS_NULL:
      case IS_NOT_NULL:
        break;
      default:
        int size = a != Attr.NOTE && (op == Op.IN_PARAM || op == Op.NOT_IN_PARAM) && r.nextInt(25) == 0 ? 0
            : 1 + r.nextInt(3);
        for (int i = 0; i < size; i++) {
          values.add(nulls && r.nextInt(25) == 0 ? null : a.value(r));
        }
    }
    boolean parameterFirst = !criteria && a != Attr.NOTE && (op == Op.EQ || op == Op.NE) && r.nextBoolean();
    return new Leaf(a, op, parameterFirst, values);
  }

  private Leaf plainLeaf() {
    switch (r.nextInt(5)) {
      case 0:
        return new Leaf(Attr.N, Op.LT, false, List.of(Attr.N.value(r)));
      case 1:
        return new Leaf(Attr.N, Op.EQ, r.nextBoolean(), List.of(Attr.N.value(r)));
      case 2:
        int a = (Integer) Attr.N.value(r);
        return new Leaf(Attr.N, Op.BETWEEN, false, List.of(a, a + r.nextInt(4)));
      case 3:
        return new Leaf(Attr.T, Op.EQ, false, List.of(Attr.T.value(r)));
      default:
        return new Leaf(Attr.T, r.nextBoolean() ? Op.IS_NULL : Op.IS_NOT_NULL, false, List.of());
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Rendering

  /**
   * Which entity a case runs on; {@code indexes} gives the blind indexes of a value of the encrypted
   * entity's blind-indexed attribute (under every readable key).
   */
  record Side(Class<?> entity, Function<Object, List<byte[]>> indexes) {
    boolean encrypted() {
      return entity == FuzzRecord.class;
    }
  }

  static Side encrypted(Function<Object, List<byte[]>> indexes) {
    return new Side(FuzzRecord.class, indexes);
  }

  static Side plain() {
    return new Side(PlainFuzzRecord.class, null);
  }

  /** A JPQL query and its parameters. */
  record Jpql(String query, Map<String, Object> parameters) {}

  static Jpql jpql(Case c, Side side) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    String entity = side.entity().getSimpleName();
    String where = render(c.where(), side, parameters, c.extraParens());
    switch (c.form()) {
      case SELECTED:
        return new Jpql("select r.id, (" + where + ") from " + entity + " r order by r.id", parameters);
      case FILTER: {
        String again = render(c.where(), side, parameters, c.extraParens());
        return new Jpql("select r.n, count(r) filter (where " + where + "), sum(r.id) filter (where " + again
            + ") from " + entity + " r group by r.n order by r.n", parameters);
      }
      case WINDOW:
        return new Jpql("select r.id, count(r) filter (where " + where + ") over (order by r.id) from " + entity
            + " r order by r.id", parameters);
      case SUBQUERY:
        return new Jpql("select o.id, (select count(r) filter (where " + where + ") from " + entity
            + " r where r.id <= o.id) from " + entity + " o order by o.id", parameters);
      default:
        return new Jpql("select r.id from " + entity + " r where " + where + " order by r.id", parameters);
    }
  }

  private static String render(Pred p, Side side, Map<String, Object> parameters, boolean extraParens) {
    if (p instanceof CaseWhen c) {
      return "(case when " + render(c.p(), side, parameters, extraParens) + " then 1 else 0 end) = 1";
    }
    if (p instanceof Not not) {
      return "not (" + render(not.p(), side, parameters, extraParens) + ")";
    }
    if (p instanceof And and) {
      return wrap(render(and.l(), side, parameters, extraParens), extraParens) + " and "
          + wrap(render(and.r(), side, parameters, extraParens), extraParens);
    }
    if (p instanceof Or or) {
      return "(" + wrap(render(or.l(), side, parameters, extraParens), extraParens) + " or "
          + wrap(render(or.r(), side, parameters, extraParens), extraParens) + ")";
    }
    Leaf leaf = (Leaf) p;
    if (leaf.attr() == Attr.NOTE && side.encrypted() && leaf.op() != Op.IS_NULL && leaf.op() != Op.IS_NOT_NULL) {
      String name = parameter(parameters, indexes(leaf, side));
      boolean negated = leaf.op() == Op.NE || leaf.op() == Op.NOT_IN_LIST || leaf.op() == Op.NOT_IN_PARAM;
      return "r.noteIndex " + (negated ? "not in" : "in") + " :" + name;
    }
    String path = "r." + leaf.attr().name;
    switch (leaf.op()) {
      case EQ:
      case NE: {
        String op = leaf.op() == Op.EQ ? " = " : " <> ";
        String name = ":" + parameter(parameters, leaf.values().get(0));
        return leaf.parameterFirst() ? name + op + path : path + op + name;
      }
      case LT:
        return path + " < :" + parameter(parameters, leaf.values().get(0));
      case BETWEEN:
        return path + " between :" + parameter(parameters, leaf.values().get(0)) + " and :"
            + parameter(parameters, leaf.values().get(1));
      case IS_NULL:
        return path + " is null";
      case IS_NOT_NULL:
        return path + " is not null";
      case IN_LIST:
      case NOT_IN_LIST: {
        List<String> names = new ArrayList<>();
        for (Object v : leaf.values()) {
          names.add(":" + parameter(parameters, v));
        }
        return path + (leaf.op() == Op.IN_LIST ? " in (" : " not in (") + String.join(", ", names) + ")";
      }
      default: // IN_PARAM, NOT_IN_PARAM
        return path + (leaf.op() == Op.IN_PARAM ? " in :" : " not in :") + parameter(parameters, new ArrayList<>(leaf.values()));
    }
  }

  private static String wrap(String s, boolean extraParens) {
    return extraParens ? "(" + s + ")" : s;
  }

  private static String parameter(Map<String, Object> parameters, Object value) {
    String name = "p" + parameters.size();
    parameters.put(name, value);
    return name;
  }

  /** The blind indexes of every value of a leaf on the blind-indexed attribute, under every readable key. */
  private static List<byte[]> indexes(Leaf leaf, Side side) {
    List<byte[]> out = new ArrayList<>();
    for (Object v : leaf.values()) {
      out.addAll(side.indexes().apply(v));
    }
    return out;
  }

  /** The Criteria form of a case's predicate (path first; values become parameters typed by the attribute). */
  static Predicate criteria(Case c, Side side, CriteriaBuilder cb, Root<?> root) {
    return criteria(c.where(), side, cb, root);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Predicate criteria(Pred p, Side side, CriteriaBuilder cb, Root<?> root) {
    if (p instanceof Not not) {
      return cb.not(criteria(not.p(), side, cb, root));
    }
    if (p instanceof And and) {
      return cb.and(criteria(and.l(), side, cb, root), criteria(and.r(), side, cb, root));
    }
    if (p instanceof Or or) {
      return cb.or(criteria(or.l(), side, cb, root), criteria(or.r(), side, cb, root));
    }
    Leaf leaf = (Leaf) p;
    if (leaf.attr() == Attr.NOTE && leaf.op() != Op.IS_NULL && leaf.op() != Op.IS_NOT_NULL) {
      // both sides as an in-list (the plain one of the values): Hibernate 6.6 to 7.4 renders
      // cb.not(cb.not(cb.equal(a, v))) as a <> v (negating an already negated comparison keeps it negated),
      // a Hibernate error that would differ from the encrypted side's in-list for reasons of Hibernate's
      Predicate in = side.encrypted() ? root.get("noteIndex").in(indexes(leaf, side)) : root.get("note").in(leaf.values());
      boolean negated = leaf.op() == Op.NE || leaf.op() == Op.NOT_IN_LIST || leaf.op() == Op.NOT_IN_PARAM;
      return negated ? cb.not(in) : in;
    }
    Path path = root.get(leaf.attr().name);
    switch (leaf.op()) {
      case EQ:
        return cb.equal(path, leaf.values().get(0));
      case NE:
        return cb.notEqual(path, leaf.values().get(0));
      case LT:
        return cb.lessThan((Expression<Integer>) path, (Integer) leaf.values().get(0));
      case BETWEEN:
        return cb.between((Expression<Integer>) path, (Integer) leaf.values().get(0), (Integer) leaf.values().get(1));
      case IS_NULL:
        return cb.isNull(path);
      case IS_NOT_NULL:
        return cb.isNotNull(path);
      case IN_LIST:
      case IN_PARAM:
        return path.in(leaf.values());
      default: // NOT_IN_LIST, NOT_IN_PARAM
        return cb.not(path.in(leaf.values()));
    }
  }
}
