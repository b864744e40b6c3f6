package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12, the remaining query shapes: a query on an {@code @Encrypted} attribute returns the right rows or
 * fails before anything is bound — with FieldVault's typed error naming the attribute where FieldVault is in
 * the call path, else with Hibernate's own error (per line, as the README lists) — and never puts a searched
 * value into the database, the TRACE log or FieldVault's messages.
 */
class FailClosedQueryShapesTest {

  @Entity(name = "FcItem")
  @Table(name = "hib_fc_item")
  public static class Item {
    @Id public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 40) public String code;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) public Integer grade;

    public Item() {}

    Item(long id, String name, String email, String code, Integer grade) {
      this.id = id;
      this.name = name;
      this.email = email;
      this.code = code;
      this.grade = grade;
    }
  }

  @Entity(name = "FcOther")
  @Table(name = "hib_fc_other")
  public static class Other {
    @Id public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
  }

  private static final String LINE = org.hibernate.Version.getVersionString();
  private static final boolean ON_66 = LINE.startsWith("6.");

  private static SessionFactory start(TestDatabase db, Keyring keyring) throws Exception {
    db.dropTables("hib_fc_item", "hib_fc_other");
    SessionFactory sf = Jpa.build(db, keyring, Item.class, Other.class);
    Jpa.tx(sf, s -> {
      s.persist(new Item(1, "n1", "ann@example.com", "c-1", 1));
      s.persist(new Item(2, "n2", "bob@example.com", "c-2", 2));
      s.persist(new Item(3, "n3", null, null, null));
      Other o = new Other();
      o.id = 1L;
      o.name = "n1";
      o.email = "ann@example.com";
      s.persist(o);
    });
    return sf;
  }

  /** Runs a query expected to fail, returns its error; the secret is in neither the error chain nor Hibernate's log. */
  private static Throwable fails(SessionFactory sf, String secret, String hql, Object... params) {
    Throwable[] error = new Throwable[1];
    List<String> log = LogCapture.during(() -> error[0] = catchThrowable(() -> Jpa.call(sf, s -> run(s, hql, params))));
    assertThat(error[0]).as("%s on %s", hql, LINE).isNotNull();
    for (Throwable c = error[0]; c != null; c = c.getCause()) {
      if (!(c instanceof org.hibernate.query.QueryArgumentException)) { // Hibernate's own, documented (README)
        assertThat(String.valueOf(c.getMessage())).as("%s on %s", hql, LINE).doesNotContain(secret);
      }
    }
    assertThat(String.join("\n", log)).as("log of %s", hql).doesNotContain(secret);
    return error[0];
  }

  private static List<Object> run(Session s, String hql, Object... params) {
    var q = s.createQuery(hql, Object.class);
    for (int i = 0; i < params.length; i += 2) {
      q.setParameter((String) params[i], params[i + 1]);
    }
    return q.getResultList();
  }

  private static void typed(Throwable error, String attribute, String... mentions) {
    assertThat(error).isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining(attribute);
    for (String m : mentions) {
      assertThat(error).hasMessageContaining(m);
    }
    assertThat(error.getMessage()).contains("supports");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aWronglyTypedValueOrListElement_neverReachesTheDatabase_andIsRefusedTypedWhereFieldVaultSeesIt(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = start(db, Keyring.generate("fc"))) {
      for (List<?> list : List.of(List.of(4242017), List.of("ann@example.com", 4242017))) {
        Throwable e = fails(sf, "SECRET", "select i.id from FcItem i where i.email in :l", "l", list);
        if (ON_66) {
          // Hibernate 6.6 does not check a list's elements and hands the Integer to FieldVault's converter
          assertThat(e).isInstanceOf(UnsupportedEncryptedUseException.class)
              .hasMessageContaining("FcItem.email").hasMessageContaining("java.lang.Integer")
              .hasMessageNotContaining("4242017");
        } else {
          // Hibernate 7 refuses it in setParameter, before FieldVault sees the query (its message holds the value)
          assertThat(e).isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(UnsupportedEncryptedUseException.class);
        }
      }
      // a single value of the wrong type: Hibernate's own check in setParameter on every line
      assertThat(fails(sf, "SECRET", "select i.id from FcItem i where i.email = :e", "e", 4242017))
          .isInstanceOf(IllegalArgumentException.class);
      // a text-stored Integer attribute given a String element: refused, never decrypted as if it were stored
      Throwable e = fails(sf, "SECRET-G", "select i.id from FcItem i where i.grade in :l", "l", List.of("SECRET-G"));
      assertThat(e).isInstanceOf(ON_66 ? jakarta.persistence.PersistenceException.class : IllegalArgumentException.class);
      // the rows are as they were
      List<Object> found = Jpa.call(sf, s -> run(s, "select i.id from FcItem i where i.email in :l", "l",
          List.of("ann@example.com", "bob@example.com")));
      assertThat(found).containsExactlyInAnyOrder(1L, 2L);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aParameterSelectedByASubqueryComparedWithAnEncryptedAttribute_failsBeforeBinding(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = start(db, Keyring.generate("fc"))) {
      for (String where : List.of("i.email in (select :e from FcOther o)", "i.email = (select :e from FcOther o where o.id = 1)",
          "i.email = some (select :e from FcOther o)", "i.email = any (select o.email from FcOther o)",
          "i.email = all (select o.email from FcOther o)", "i.email in (select o.email from FcOther o)")) {
        Throwable e = fails(sf, "SECRET-SUB", "select i.id from FcItem i where " + where, where.contains(":e")
            ? new Object[] {"e", "SECRET-SUB"} : new Object[0]);
        if (ON_66 && where.contains("select :e")) {
          // Hibernate 6.6's HQL parser fails on a parameter as a subquery's only select item (before FieldVault)
          assertThat(e).as(where).isNotInstanceOf(UnsupportedEncryptedUseException.class)
              .hasMessageContaining("Error interpreting query");
        } else {
          typed(e, "FcItem.email");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void functionsAndPatternsOnAnEncryptedAttribute_failWithoutAValue_typedOnTextStorageOnEveryLine(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = start(db, Keyring.generate("fc"))) {
      List<String> shapes = List.of("upper(%s) = :v", "lower(%s) = :v", "length(%s) = 3", "concat(%s, :v) = 'x'",
          "%s || 'x' = :v", "substring(%s, 1, 2) = :v", "trim(%s) = :v", "%s like :v", "locate(:v, %s) > 0",
          "left(%s, 2) = :v", "replace(%s, 'a', 'b') = :v", "cast(%s as String) = :v");
      for (String shape : shapes) {
        for (String attribute : List.of("code", "email")) {
          String hql = "select i.id from FcItem i where " + shape.formatted("i." + attribute);
          Throwable e = fails(sf, "SECRET-FN", hql, hql.contains(":v") ? new Object[] {"v", "SECRET-FN"} : new Object[0]);
          if (attribute.equals("code")) {
            typed(e, "FcItem.code"); // a text column: FieldVault's refusal on every line
          } else if (!(e instanceof UnsupportedEncryptedUseException)) {
            // a binary column: Hibernate's own type check comes first for string functions (README: per line)
            assertThat(e).as(hql).isInstanceOf(IllegalArgumentException.class);
          } else {
            typed(e, "FcItem.email");
          }
        }
      }
      for (String hql : List.of("select upper(i.code) from FcItem i", "select max(i.code) from FcItem i",
          "select i.id from FcItem i where i.grade + 1 = 2",
          "select sum(i.grade) from FcItem i", "select length(i.code) from FcItem i")) {
        typed(fails(sf, "SECRET-FN", hql), "FcItem.");
      }
      // unary minus: Hibernate's own SemanticException ('not a numeric type') on every line and storage
      assertThat(fails(sf, "SECRET-FN", "select i.id from FcItem i where -i.grade = 1"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void siblingShapes_areRefusedTypedOnEveryLine(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = start(db, Keyring.generate("fc"))) {
      Object[] v = {"v", "SECRET-SIB"};
      Object[][] cases = {
          {"select coalesce(i.email, :v) from FcItem i", v},
          {"select i.id from FcItem i where coalesce(i.email, :v) = :v", v},
          {"select nullif(i.email, :v) from FcItem i", v},
          {"select i.id from FcItem i where (i.email, i.id) = (:v, 1)", v},
          {"select i.id from FcItem i where (i.email, i.id) in ((:v, 1))", v},
          {"select case i.email when :v then 1 else 0 end from FcItem i", v},
          {"select i.id from FcItem i where i.email is distinct from :v", v},
          {"select i.id from FcItem i where i.email is not distinct from :v", v},
          {"select i.id from FcItem i where i.email in (i.name, :v)", v},
          {"select i.id from FcItem i where exists (select 1 from FcOther o where o.email = i.email)", null},
          {"select i.id from FcItem i join FcOther o on o.email = i.email", null},
          {"select i.id from FcItem i, FcOther o where i.email = o.email", null},
          {"select i.id from FcItem i where i.name in (select o.email from FcOther o)", null},
          {"select i.id, row_number() over (order by i.email) from FcItem i", null},
          {"select i.id, row_number() over (partition by i.email) from FcItem i", null},
          {"select i.name, count(i) from FcItem i group by rollup(i.name, i.email)", null},
          {"select count(distinct i.email) from FcItem i", null},
          {"select count(i.email) from FcItem i", null},
          {"select i.id from FcItem i where i.id in (select o.id from FcOther o order by o.email)", null},
      };
      for (Object[] c : cases) {
        Object[] params = c[1] == null ? new Object[0] : (Object[]) c[1];
        Throwable e = fails(sf, "SECRET-SIB", (String) c[0], params);
        assertThat(e).as((String) c[0]).isInstanceOf(UnsupportedEncryptedUseException.class);
        assertThat(((UnsupportedEncryptedUseException) e).attributePath()).as((String) c[0]).isEqualTo("email");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anEqualityInsideCaseWhen_givesThePlainAnswer_alsoDuringARotation(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    Keyring keyring = Keyring.generate("fc");
    try (SessionFactory sf = start(db, keyring)) {
      HibernateVault.of(sf).reload(keyring.with(keyring.deterministic().orElseThrow().rotate()));
      Jpa.tx(sf, s -> s.persist(new Item(4, "n4", "ann@example.com", "c-4", 4))); // under the new key
      Jpa.tx(sf, s -> {
        assertThat(run(s, "select i.id, case when i.email = :v then 1 else 0 end from FcItem i order by i.id", "v",
            "ann@example.com")).extracting(r -> ((Object[]) r)[0] + ":" + ((Object[]) r)[1])
            .containsExactly("1:1", "2:0", "3:0", "4:1");
        assertThat(run(s, "select i.id from FcItem i where (case when i.email <> :v then 1 else 0 end) = 1"
            + " order by i.id", "v", "ann@example.com")).containsExactly(2L);
        assertThat(run(s, "select i.id from FcItem i where (case when i.email in (:a, :b) then 'y' else 'n' end) = 'y'"
            + " order by i.id", "a", "bob@example.com", "b", "ann@example.com")).containsExactly(1L, 2L, 4L);
      });
    }
  }
}
