package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.SharedQueryParameterTest.ShSingle;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code set e.attr = null} clears an encrypted attribute (a null has no plaintext to protect); with
 * {@code hibernate.criteria.value_handling_mode=inline} a criteria query's values become literals, and
 * the refusal says so and names the setting; on a binary encrypted attribute Hibernate itself refuses
 * {@code like} and string functions when the query is created, before anything is bound.
 */
class NullAndInlinedCriteriaWriteTest {

  private static SessionFactory build(TestDatabase db, String valueHandling) throws Exception {
    db.dropTables("hib_sh_single");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, Keyring.generate("nulls"));
    settings.put("hibernate.criteria.value_handling_mode", valueHandling);
    return Jpa.build(db, settings, ShSingle.class);
  }

  private static ShSingle row(long id, String code, String note) {
    ShSingle e = new ShSingle();
    e.id = id;
    e.name = "n" + id;
    e.code = code;
    e.note = note;
    return e;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aNullAssignment_clearsTheEncryptedAttribute_inHqlAndCriteria(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db, "bind")) {
      Jpa.tx(sf, s -> {
        s.persist(row(1, "code-1", "note-1"));
        s.persist(row(2, "code-2", "note-2"));
      });
      int cleared = Jpa.call(sf, s -> s.createMutationQuery("update ShSingle m set m.code = null, m.note = null"
          + " where m.code = :c").setParameter("c", "code-1").executeUpdate());
      assertThat(cleared).isEqualTo(1);
      int criteria = Jpa.call(sf, s -> {
        var cb = s.getCriteriaBuilder();
        var update = cb.createCriteriaUpdate(ShSingle.class);
        var m = update.from(ShSingle.class);
        update.set(m.<String>get("note"), cb.nullLiteral(String.class)).where(cb.equal(m.get("code"), "code-2"));
        return s.createMutationQuery(update).executeUpdate();
      });
      assertThat(criteria).isEqualTo(1);
      ShSingle a = Jpa.call(sf, s -> s.find(ShSingle.class, 1L));
      ShSingle b = Jpa.call(sf, s -> s.find(ShSingle.class, 2L));
      assertThat(a.code).isNull();
      assertThat(a.note).isNull();
      assertThat(b.code).isEqualTo("code-2");
      assertThat(b.note).isNull();
      assertThat(Jpa.raw(db, "hib_sh_single", "code", 1L)).isNull();
      assertThat(Jpa.raw(db, "hib_sh_single", "note", 2L)).isNull();
      long nulls = Jpa.call(sf, s -> s.createQuery("select count(m) from ShSingle m where m.code is null",
          Long.class).getSingleResult());
      assertThat(nulls).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void criteriaValuesInlinedByTheSetting_areRefusedWithAMessageNamingIt_beforeAnythingIsBound(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db, "inline")) {
      Jpa.tx(sf, s -> s.persist(row(1, "code-1", "note-1")));
      try (LogCapture capture = new LogCapture()) {
        Jpa.tx(sf, s -> {
          var cb = s.getCriteriaBuilder();
          var q = cb.createQuery(Long.class);
          var m = q.from(ShSingle.class);
          q.select(m.get("id")).where(cb.equal(m.get("code"), "INLINE-SEARCH"));
          assertThatThrownBy(() -> s.createQuery(q).getResultList())
              .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("ShSingle.code")
              .hasMessageContaining("hibernate.criteria.value_handling_mode=inline")
              .hasMessageNotContaining("INLINE-SEARCH");
        });
        Jpa.tx(sf, s -> {
          var cb = s.getCriteriaBuilder();
          var q = cb.createQuery(Long.class);
          var m = q.from(ShSingle.class);
          q.select(m.get("id")).where(m.get("code").in("INLINE-IN-1", "INLINE-IN-2"));
          assertThatThrownBy(() -> s.createQuery(q).getResultList())
              .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("ShSingle.code")
              .hasMessageContaining("hibernate.criteria.value_handling_mode=inline")
              .hasMessageNotContaining("INLINE-IN");
        });
        Jpa.tx(sf, s -> {
          var cb = s.getCriteriaBuilder();
          var update = cb.createCriteriaUpdate(ShSingle.class);
          var m = update.from(ShSingle.class);
          update.set(m.<String>get("note"), "INLINE-WRITE");
          assertThatThrownBy(() -> s.createMutationQuery(update).executeUpdate())
              .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("ShSingle.note")
              .hasMessageContaining("hibernate.criteria.value_handling_mode=inline")
              .hasMessageNotContaining("INLINE-WRITE");
        });
        assertThat(capture.all()).doesNotContain("INLINE-");
      }
      assertThat(Jpa.call(sf, s -> s.find(ShSingle.class, 1L)).note).isEqualTo("note-1");
      // an HQL named parameter is encrypted whatever the setting
      long found = Jpa.call(sf, s -> s.createQuery("select count(m) from ShSingle m where m.code = :c", Long.class)
          .setParameter("c", "code-1").getSingleResult());
      assertThat(found).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void likeAndStringFunctionsOnABinaryEncryptedAttribute_areRefusedByHibernateWhenTheQueryIsCreated(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db, "bind")) {
      Jpa.tx(sf, s -> s.persist(row(1, "code-1", "note-1")));
      try (LogCapture capture = new LogCapture()) {
        for (String where : new String[] {"m.code like :v", "upper(m.code) = :v", "length(m.code) > 3"}) {
          Jpa.tx(sf, s -> assertThatThrownBy(() -> {
            var q = s.createQuery("select m.id from ShSingle m where " + where, Long.class);
            if (where.contains(":v")) {
              q.setParameter("v", "FUNCTION-MARK");
            }
            q.getResultList();
          }).as(where).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("FUNCTION-MARK"));
        }
        assertThat(capture.all()).doesNotContain("FUNCTION-MARK").doesNotContainIgnoringCase("select");
      }
    }
  }
}
