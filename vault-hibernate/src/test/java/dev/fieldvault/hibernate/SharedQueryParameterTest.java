package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;
import jakarta.persistence.criteria.CriteriaBuilder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One query parameter that meets an {@code @Encrypted} attribute (compared with it, in its {@code in}
 * list, assigned to it) meets nothing else: a plain column, another encrypted attribute of another
 * context, or any other construct is refused with an {@link UnsupportedEncryptedUseException} telling
 * the user to use a separate parameter per attribute, before anything is bound or logged (nothing in
 * Hibernate's TRACE SQL and bind log, every row unchanged), in HQL (named and positional) and criteria,
 * in select, update, delete and insert, on a single table and on the multi-table entities Hibernate's
 * own handlers run (JOINED, TABLE_PER_CLASS). The same parameter used again with the same attribute
 * finds the right rows.
 */
class SharedQueryParameterTest {

  // code: deterministic; email: deterministic, another context; note: randomized; tag and name: plain

  @Entity(name = "ShSingle")
  @Table(name = "hib_sh_single")
  public static class ShSingle {
    @Id public Long id;
    public String name;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String code;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Encrypted @Column(length = 40) public String note;
  }

  @Entity(name = "ShJRoot")
  @Table(name = "hib_sh_jroot")
  @Inheritance(strategy = InheritanceType.JOINED)
  public static class ShJRoot {
    @Id public Long id;
    public String name;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String code;
  }

  @Entity(name = "ShJoined")
  @Table(name = "hib_sh_joined")
  public static class ShJoined extends ShJRoot {
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Encrypted @Column(length = 40) public String note;
  }

  @Entity(name = "ShTRoot")
  @Table(name = "hib_sh_troot")
  @Inheritance(strategy = InheritanceType.TABLE_PER_CLASS)
  public static class ShTRoot {
    @Id public Long id;
    public String name;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String code;
  }

  @Entity(name = "ShPerClass")
  @Table(name = "hib_sh_perclass")
  public static class ShPerClass extends ShTRoot {
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Encrypted @Column(length = 40) public String note;
  }

  /** An entity with every attribute (entity), its root for the root's attributes, and its tables. */
  private record Shape(String label, String root, String entity, Class<?> entityClass, String... tables) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static final List<Shape> SHAPES = List.of(
      new Shape("single table", "ShSingle", "ShSingle", ShSingle.class, "hib_sh_single"),
      new Shape("JOINED", "ShJRoot", "ShJoined", ShJoined.class, "hib_sh_joined", "hib_sh_jroot"),
      new Shape("TABLE_PER_CLASS", "ShTRoot", "ShPerClass", ShPerClass.class, "hib_sh_perclass", "hib_sh_troot"));

  private static final Class<?>[] ENTITIES = {ShSingle.class, ShJRoot.class, ShJoined.class, ShTRoot.class,
      ShPerClass.class};

  private static final String[] TABLES = {"hib_sh_single", "hib_sh_joined", "hib_sh_jroot", "hib_sh_perclass",
      "hib_sh_troot"};

  static Stream<Arguments> databasesAndShapes() {
    return TestDatabases.all().flatMap(kind -> SHAPES.stream().map(shape -> Arguments.of(kind, shape)));
  }

  private static SessionFactory build(TestDatabase db) throws Exception {
    return build(db, "dialect default");
  }

  /** With the dialect's multi-table strategy (CTE on PostgreSQL, temporary tables on H2 and MariaDB) or the one named. */
  private static SessionFactory build(TestDatabase db, String strategy) throws Exception {
    db.dropTables(TABLES);
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, Keyring.generate("shared"));
    if (!strategy.startsWith("dialect")) {
      settings.put("hibernate.query.mutation_strategy", strategy);
    }
    return Jpa.build(db, settings, ENTITIES);
  }

  private static Object row(Shape shape, long id, String name, String tag, String code, String email, String note) {
    try {
      Object e = shape.entityClass().getConstructor().newInstance();
      set(e, "id", id);
      set(e, "name", name);
      set(e, "tag", tag);
      set(e, "code", code);
      set(e, "email", email);
      set(e, "note", note);
      return e;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void set(Object entity, String field, Object value) throws ReflectiveOperationException {
    entity.getClass().getField(field).set(entity, value);
  }

  private static Object get(Object entity, String field) {
    try {
      return entity.getClass().getField(field).get(entity);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<Object> type(Shape shape) {
    return (Class<Object>) shape.entityClass();
  }

  /** Every value of every column of the shape's tables, read past FieldVault (bytes as ISO-8859-1), row by row. */
  private static String rawTables(TestDatabase db, Shape shape) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String table : shape.tables()) {
        try (ResultSet rs = st.executeQuery("select * from " + table + " order by id")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              sb.append(v instanceof byte[] ? new String((byte[]) v, StandardCharsets.ISO_8859_1) : v).append('|');
            }
            sb.append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * Runs a query that must be refused by the shared-parameter rule: an {@link UnsupportedEncryptedUseException}
   * naming the attribute and telling to use a separate parameter, the marker (the bound value) nowhere in the
   * message, Hibernate's TRACE SQL and bind log or the tables, and every row unchanged.
   */
  private static void refused(SessionFactory sf, TestDatabase db, Shape shape, String marker, String attribute,
      Consumer<Session> query) throws Exception {
    String before = rawTables(db, shape);
    try (LogCapture capture = new LogCapture()) {
      Jpa.tx(sf, s -> assertThatThrownBy(() -> query.accept(s)).as("%s: %s", shape, attribute)
          .isInstanceOf(UnsupportedEncryptedUseException.class)
          .hasMessageContaining(attribute).hasMessageContaining("separate parameter")
          .hasMessageNotContaining(marker));
      assertThat(capture.all()).as("%s: TRACE log while refusing %s", shape, attribute).doesNotContain(marker);
    }
    String after = rawTables(db, shape);
    assertThat(after).as("%s: tables", shape).doesNotContain(marker).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("databasesAndShapes")
  void aParameterSharedBetweenAnEncryptedAttributeAndAnythingElse_isRefusedBeforeAnythingIsBound(
      TestDatabases.Kind kind, Shape shape) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db)) {
      String x = shape.entity();
      String root = shape.root();
      Jpa.tx(sf, s -> {
        s.persist(row(shape, 1, "ann", "PLAIN-1", "code-1", "ann@example.com", "note-1"));
        s.persist(row(shape, 2, "bob", "code-2x", "code-2", "bob@example.com", "note-2"));
      });

      // 1. one parameter assigned to an encrypted attribute and a plain column (HQL named, positional, criteria)
      refused(sf, db, shape, "SHARED-SET-1", root + ".code",
          s -> s.createMutationQuery("update " + x + " m set m.code = :v, m.tag = :v where m.id = 1")
              .setParameter("v", "SHARED-SET-1").executeUpdate());
      refused(sf, db, shape, "SHARED-SET-2", root + ".code",
          s -> s.createMutationQuery("update " + x + " m set m.tag = ?1, m.code = ?1").setParameter(1, "SHARED-SET-2")
              .executeUpdate());
      refused(sf, db, shape, "SHARED-SET-3", root + ".code", s -> {
        CriteriaBuilder cb = s.getCriteriaBuilder();
        var update = cb.createCriteriaUpdate(type(shape));
        var m = update.from(type(shape));
        var p = cb.parameter(String.class, "p");
        update.set(m.<String>get("code"), p);
        update.set(m.<String>get("tag"), p);
        s.createMutationQuery(update).setParameter("p", "SHARED-SET-3").executeUpdate();
      });
      // 2. one parameter assigned to two encrypted attributes of different contexts
      refused(sf, db, shape, "SHARED-TWO-1", root + ".code",
          s -> s.createMutationQuery("update " + x + " m set m.code = :v, m.email = :v")
              .setParameter("v", "SHARED-TWO-1").executeUpdate());
      refused(sf, db, shape, "SHARED-TWO-2", x + ".note",
          s -> s.createMutationQuery("update " + x + " m set m.note = :v, m.code = :v")
              .setParameter("v", "SHARED-TWO-2").executeUpdate());
      refused(sf, db, shape, "SHARED-TWO-3", root + ".code", s -> {
        CriteriaBuilder cb = s.getCriteriaBuilder();
        var update = cb.createCriteriaUpdate(type(shape));
        var m = update.from(type(shape));
        var p = cb.parameter(String.class);
        update.set(m.<String>get("code"), p);
        update.set(m.<String>get("email"), p);
        s.createMutationQuery(update).setParameter(p, "SHARED-TWO-3").executeUpdate();
      });
      // 3. compared with a plain column and an encrypted attribute, either order; set one, compare with the other
      refused(sf, db, shape, "SHARED-Q-1", root + ".code",
          s -> s.createQuery("select m.name from " + x + " m where m.tag = :e or m.code = :e", String.class)
              .setParameter("e", "SHARED-Q-1").getResultList());
      refused(sf, db, shape, "SHARED-Q-2", root + ".code",
          s -> s.createQuery("select m.name from " + x + " m where m.code = :e or m.tag = :e", String.class)
              .setParameter("e", "SHARED-Q-2").getResultList());
      refused(sf, db, shape, "SHARED-Q-3", root + ".code",
          s -> s.createQuery("select m.name from " + x + " m where m.tag in (:e) and m.code in (:f, :e)", String.class)
              .setParameter("e", "SHARED-Q-3").setParameter("f", "x").getResultList());
      refused(sf, db, shape, "SHARED-Q-4", root + ".code",
          s -> s.createMutationQuery("update " + x + " m set m.code = :v where m.tag = :v")
              .setParameter("v", "SHARED-Q-4").executeUpdate());
      refused(sf, db, shape, "SHARED-Q-5", root + ".code",
          s -> s.createMutationQuery("update " + x + " m set m.tag = :v where m.code = :v")
              .setParameter("v", "SHARED-Q-5").executeUpdate());
      refused(sf, db, shape, "SHARED-Q-6", root + ".code",
          s -> s.createMutationQuery("delete from " + x + " m where m.tag = :v or m.code = :v")
              .setParameter("v", "SHARED-Q-6").executeUpdate());
      refused(sf, db, shape, "SHARED-Q-7", root + ".code", s -> {
        CriteriaBuilder cb = s.getCriteriaBuilder();
        var q = cb.createQuery(String.class);
        var m = q.from(type(shape));
        var p = cb.parameter(String.class, "p");
        q.select(m.get("name")).where(cb.or(cb.equal(m.get("tag"), p), cb.equal(m.get("code"), p)));
        s.createQuery(q).setParameter("p", "SHARED-Q-7").getResultList();
      });
      // anything else: in a function, as a selected value
      refused(sf, db, shape, "SHARED-Q-8", root + ".code",
          s -> s.createQuery("select m.name from " + x + " m where m.code = :v or m.name = concat(:v, '')",
              String.class).setParameter("v", "SHARED-Q-8").getResultList());
      refused(sf, db, shape, "SHARED-Q-9", root + ".code",
          s -> s.createQuery("select m.name, :v from " + x + " m where m.code = :v", Object[].class)
              .setParameter("v", "SHARED-Q-9").getResultList());
      // an insert: encrypted and plain values from one parameter
      refused(sf, db, shape, "SHARED-INS", root + ".code",
          s -> s.createMutationQuery("insert into " + x + " (id, name, tag, code) values (9, 'n', :v, :v)")
              .setParameter("v", "SHARED-INS").executeUpdate());

      // allowed: the optional filter ':e is null or attr = :e' (the parameter bound encrypted in both places)
      for (String value : new String[] {"code-2", null}) {
        try (LogCapture capture = new LogCapture()) {
          List<String> names = Jpa.call(sf, s -> s.createQuery("select m.name from " + x + " m where (:e is null or"
              + " m.code = :e) order by m.name", String.class).setParameter("e", value).getResultList());
          assertThat(names).as("%s: %s", shape, value).containsExactlyElementsOf(value == null ? List.of("ann", "bob")
              : List.of("bob"));
          assertThat(capture.all()).as("%s", shape).contains("select").doesNotContain("code-2");
        }
      }
      // allowed: the same parameter used again with the same attribute, and separate parameters
      List<String> found = Jpa.call(sf, s -> s.createQuery("select m.name from " + x + " m where m.code = :e or"
          + " m.code = :e or :e = m.code or m.code in (:e) order by m.name", String.class)
          .setParameter("e", "code-2").getResultList());
      assertThat(found).as("%s", shape).containsExactly("bob");
      int updated = Jpa.call(sf, s -> s.createMutationQuery("update " + x + " m set m.code = :c, m.tag = :t"
          + " where m.code = :c or m.tag = :w").setParameter("c", "code-1").setParameter("t", "tag-new")
          .setParameter("w", "code-2x").executeUpdate());
      assertThat(updated).as("%s", shape).isEqualTo(2);
      int moved = Jpa.call(sf, s -> s.createMutationQuery("update " + x + " m set m.code = :c where m.code = :c")
          .setParameter("c", "code-1").executeUpdate());
      assertThat(moved).as("%s", shape).isEqualTo(2);
      for (long id : new long[] {1, 2}) {
        Object e = Jpa.call(sf, s -> s.find(shape.entityClass(), id));
        assertThat(get(e, "code")).as("%s", shape).isEqualTo("code-1");
        assertThat(get(e, "tag")).as("%s", shape).isEqualTo("tag-new");
        assertThat(get(e, "email")).as("%s", shape).isEqualTo(id == 1 ? "ann@example.com" : "bob@example.com");
        assertThat(get(e, "note")).as("%s", shape).isEqualTo("note-" + id);
      }
      assertThat(rawTables(db, shape)).as("%s", shape).contains("tag-new")
          .doesNotContain("code-1", "code-2", "ann@", "bob@", "note-");
    }
  }
  /** The README's example: a separate parameter per attribute, bound to the same value. */
  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void separateParametersForEachAttribute_writeTheSameValueEncryptedAndPlain(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db)) {
      Shape shape = SHAPES.get(0);
      Jpa.tx(sf, s -> s.persist(row(shape, 1, "ann", "t1", "code-1", "ann@example.com", "note-1")));
      String value = "VALUE-BOTH";
      long id = 1;
      int count = Jpa.call(sf, session -> {
        // tag::separate-parameters[]
        int updated = session.createMutationQuery("update ShSingle m set m.code = :code, m.tag = :tag where m.id = :id")
            .setParameter("code", value).setParameter("tag", value).setParameter("id", id)
            .executeUpdate();
        // end::separate-parameters[]
        return updated;
      });
      assertThat(count).isEqualTo(1);
      ShSingle e = Jpa.call(sf, s -> s.find(ShSingle.class, 1L));
      assertThat(e.code).isEqualTo("VALUE-BOTH");
      assertThat(e.tag).isEqualTo("VALUE-BOTH");
      assertThat(Jpa.raw(db, "hib_sh_single", "tag", 1L)).isEqualTo("VALUE-BOTH");
      assertThat(new String((byte[]) Jpa.raw(db, "hib_sh_single", "code", 1L), StandardCharsets.ISO_8859_1))
          .doesNotContain("VALUE-BOTH");
    }
  }

  static Stream<Arguments> databasesAndHierarchies() {
    return TestDatabases.all().flatMap(kind -> SHAPES.stream().filter(shape -> !shape.root().equals(shape.entity()))
        .flatMap(shape -> Stream.of("dialect default",
            "org.hibernate.query.sqm.mutation.internal.inline.InlineMutationStrategy")
            .map(strategy -> Arguments.of(kind, shape, strategy))));
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("databasesAndHierarchies")
  void treatInABulkUpdateOrDeleteOfAHierarchy_isRefusedTyped_beforeAnythingIsBound_andTheSubclassFormWorks(
      TestDatabases.Kind kind, Shape shape, String strategy) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db, strategy)) {
      String x = shape.entity();
      String root = shape.root();
      Jpa.tx(sf, s -> {
        s.persist(row(shape, 1, "ann", "t1", "code-1", "ann@example.com", "note-1"));
        s.persist(row(shape, 2, "bob", "t2", "code-2", "bob@example.com", "note-2"));
      });
      List<String> treats = List.of(
          "update " + root + " r set r.name = 'hit' where treat(r as " + x + ").email = :e",
          "update " + root + " r set r.code = :c where treat(r as " + x + ").email in (:e)",
          "update " + root + " r set r.name = 'x' where treat(r as " + x + ").note = :n",
          "delete from " + root + " r where treat(r as " + x + ").email = :e",
          "delete from " + root + " r where treat(r as " + x + ").name = :e");
      for (String hql : treats) {
        String before = rawTables(db, shape);
        try (LogCapture capture = new LogCapture()) {
          Jpa.tx(sf, s -> assertThatThrownBy(() -> {
            var q = s.createMutationQuery(hql);
            for (String p : List.of("e", "c", "n")) {
              if (hql.contains(":" + p)) {
                q.setParameter(p, "TREAT-MARK-" + p);
              }
            }
            q.executeUpdate();
          }).as("%s: %s", shape, hql).isInstanceOf(UnsupportedEncryptedUseException.class)
              .hasMessageContaining("treat(").hasMessageNotContaining("TREAT-MARK"));
          assertThat(capture.all()).as("%s: %s", shape, hql).doesNotContain("TREAT-MARK");
        }
        assertThat(rawTables(db, shape)).as("%s: %s", shape, hql).isEqualTo(before);
      }
      // what the message advises: the subclass entity itself
      int renamed = Jpa.call(sf, s -> s.createMutationQuery("update " + x + " r set r.name = 'hit' where r.email = :e")
          .setParameter("e", "bob@example.com").executeUpdate());
      assertThat(renamed).as("%s", shape).isEqualTo(1);
      int deleted = Jpa.call(sf, s -> s.createMutationQuery("delete from " + x + " r where r.email = :e")
          .setParameter("e", "ann@example.com").executeUpdate());
      assertThat(deleted).as("%s", shape).isEqualTo(1);
      List<Object[]> left = Jpa.call(sf, s -> s.createQuery("select r.id, r.name, r.code from " + root + " r",
          Object[].class).getResultList());
      assertThat(left).as("%s", shape).hasSize(1);
      assertThat(left.get(0)).as("%s", shape).containsExactly(2L, "hit", "code-2");
    }
  }
}
