package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.ParameterExpression;
import jakarta.persistence.criteria.Root;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries on {@code @Encrypted} attributes either give the right rows (equality in every form, also
 * during a deterministic key rotation) or are refused naming the attribute; row-bound values are never
 * handed out undecrypted.
 */
class EncryptedQueryRulesTest {

  @Entity(name = "Owner")
  @Table(name = "hib_owner")
  public static class Owner {
    @Id public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String telephone;
    @Encrypted(rowBound = true) @Column(length = 20) public String ssn;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 60)
    public String email;
    @Embedded public Address address;

    public Owner() {}

    Owner(long id, String name, String telephone) {
      this.id = id;
      this.name = name;
      this.telephone = telephone;
      this.ssn = "ssn-" + id;
      this.email = name + "@example.com";
      this.address = new Address(id + " Main St", "Springfield");
    }
  }

  private static long count(Session s, String where, Object... params) {
    var q = s.createQuery("select count(o) from Owner o where " + where, Long.class);
    for (int i = 0; i < params.length; i += 2) {
      q.setParameter((String) params[i], params[i + 1]);
    }
    return q.getSingleResult();
  }

  private static long criteria(Session s, Function<CriteriaBuilder, Function<Root<Owner>, jakarta.persistence.criteria.Predicate>> where) {
    CriteriaBuilder cb = s.getCriteriaBuilder();
    CriteriaQuery<Long> q = cb.createQuery(Long.class);
    Root<Owner> o = q.from(Owner.class);
    q.select(cb.count(o)).where(where.apply(cb).apply(o));
    return s.createQuery(q).getSingleResult();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void duringADeterministicKeyRotation_everyEqualityForm_findsRowsUnderTheOldAndTheNewKey(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_owner");
    Keyring keyring = Keyring.generate("owners");
    try (SessionFactory sf = Jpa.build(db, keyring, Owner.class)) {
      Jpa.tx(sf, s -> {
        s.persist(new Owner(1, "old-1", "555-0001"));
        s.persist(new Owner(2, "old-2", "555-0002"));
      });
      VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(keyring.with(rotated));
      Jpa.tx(sf, s -> {
        s.persist(new Owner(3, "new-1", "555-0001"));
        s.persist(new Owner(4, "new-3", "555-0003"));
      });
      assertThat(CiphertextHeader.parse((byte[]) Jpa.raw(db, "hib_owner", "telephone", 1L)).keyId())
          .isNotEqualTo(CiphertextHeader.parse((byte[]) Jpa.raw(db, "hib_owner", "telephone", 3L)).keyId());

      Jpa.tx(sf, s -> {
        assertThat(count(s, "o.telephone = :t", "t", "555-0001")).isEqualTo(2);
        assertThat(count(s, ":t = o.telephone", "t", "555-0001")).isEqualTo(2);
        assertThat(count(s, "not (:t = o.telephone)", "t", "555-0001")).isEqualTo(2);
        assertThat(count(s, "o.telephone <> :t", "t", "555-0001")).isEqualTo(2);
        assertThat(count(s, ":t <> o.telephone", "t", "555-0001")).isEqualTo(2);
        assertThat(count(s, ":t != o.telephone and o.name <> :n", "t", "555-0001", "n", "new-3")).isEqualTo(1);
        assertThat(count(s, "o.telephone in (:a, :b)", "a", "555-0001", "b", "555-0002")).isEqualTo(3);
        assertThat(count(s, "o.telephone in :l", "l", List.of("555-0002", "555-0003"))).isEqualTo(2);
        assertThat(count(s, "o.telephone not in (:a, :b)", "a", "555-0001", "b", "555-0002")).isEqualTo(1);
        assertThat(count(s, "o.telephone not in :l", "l", List.of("555-0001"))).isEqualTo(2);
        assertThat(count(s, "o.telephone in (:a)", "a", "555-0001")).isEqualTo(2);

        assertThat(criteria(s, cb -> o -> cb.equal(o.get("telephone"), "555-0001"))).isEqualTo(2);
        assertThat(criteria(s, cb -> o -> cb.notEqual(o.get("telephone"), "555-0001"))).isEqualTo(2);
        assertThat(criteria(s, cb -> o -> o.get("telephone").in("555-0001", "555-0002"))).isEqualTo(3);
        assertThat(criteria(s, cb -> o -> cb.not(o.get("telephone").in("555-0001", "555-0002")))).isEqualTo(1);
        CriteriaBuilder cb = s.getCriteriaBuilder();
        CriteriaQuery<Long> q = cb.createQuery(Long.class);
        Root<Owner> o = q.from(Owner.class);
        q.select(cb.count(o)).where(cb.equal(cb.literal("555-0001"), o.get("telephone")));
        refused(() -> s.createQuery(q).getSingleResult(), "Owner.telephone", "literal");
        // a parameter typed on its own: Hibernate 6.6 and 7.2 type it by the attribute (encrypted: the right rows),
        // 7.4 would bind it as plaintext (refused, never sent); never in the TRACE log
        for (boolean parameterLeft : new boolean[] {true, false}) {
          CriteriaQuery<Long> typed = cb.createQuery(Long.class);
          Root<Owner> r = typed.from(Owner.class);
          ParameterExpression<String> t = cb.parameter(String.class, "t");
          typed.select(cb.count(r)).where(parameterLeft ? cb.equal(t, r.get("telephone"))
              : cb.equal(r.get("telephone"), t));
          Object outcome;
          try (LogCapture capture = new LogCapture()) {
            try {
              outcome = s.createQuery(typed).setParameter("t", "555-0001").getSingleResult();
            } catch (UnsupportedEncryptedUseException e) {
              outcome = e.getMessage().contains("cb.parameter(String.class)") ? "refused" : e.getMessage();
            }
            assertThat(capture.all()).doesNotContain("555-0001");
          }
          String line = org.hibernate.Version.getVersionString();
          boolean typedByAttribute = line.startsWith("6.") || line.startsWith("7.2.");
          assertThat(outcome).as("%s, parameter on the %s", line, parameterLeft ? "left" : "right")
              .isEqualTo(typedByAttribute ? (Object) 2L : "refused");
        }
      });
    }
  }

  private static void refused(ThrowingCallable query, String attribute, String... mentions) {
    var error = assertThatThrownBy(query).isInstanceOf(UnsupportedEncryptedUseException.class)
        .hasMessageContaining(attribute);
    for (String m : mentions) {
      error.hasMessageContaining(m);
    }
    error.hasMessageNotContaining("555-").hasMessageNotContaining("Main St");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void predicatesThatCannotWorkOnCiphertext_areRefusedNamingTheAttributeAndWhatIsSupported(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_owner");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("owners"), Owner.class)) {
      Jpa.tx(sf, s -> {
        s.persist(new Owner(1, "a", "555-0001"));
        s.persist(new Owner(2, "b", "555-0009"));
      });
      Jpa.tx(sf, s -> {
        refused(() -> count(s, "o.address.street = :v", "v", "1 Main St"), "Owner.address.street", "RANDOMIZED",
            "@BlindIndex");
        refused(() -> count(s, "o.address.street in (:v)", "v", "1 Main St"), "Owner.address.street", "RANDOMIZED");
        refused(() -> count(s, "o.ssn = :v", "v", "ssn-1"), "Owner.ssn", "RANDOMIZED");
        refused(() -> count(s, "o.telephone > :v", "v", "555-0005"), "Owner.telephone", "'>'", "supports =");
        refused(() -> count(s, ":v < o.telephone", "v", "555-0005"), "Owner.telephone", "'<'");
        refused(() -> count(s, "o.telephone between :a and :b", "a", "555-0000", "b", "555-0005"),
            "Owner.telephone", "between");
        // (Hibernate itself refuses 'like' on a binary column; on a text column FieldVault refuses it)
        refused(() -> count(s, "o.email like :p", "p", "a%"), "Owner.email", "like");
        refused(() -> count(s, "upper(o.email) = :v", "v", "A@EXAMPLE.COM"), "Owner.email", "function");
        refused(() -> count(s, "length(o.email) > 3"), "Owner.email", "the function '");
        refused(() -> s.createQuery("select o.email, upper(o.email) from Owner o", Object[].class).getResultList(),
            "Owner.email", "function 'upper'");
        refused(() -> count(s, "o.telephone = '555-0001'"), "Owner.telephone", "literal");
        refused(() -> count(s, "o.telephone = o.name"), "Owner.telephone");
        refused(() -> count(s, "o.address = :a", "a", new Address("1 Main St", "Springfield")),
            "Owner.address.street", "embeddable");
        refused(() -> s.createQuery("select o.name from Owner o order by o.telephone", String.class).getResultList(),
            "Owner.telephone", "order by");
        refused(() -> s.createQuery("select o.telephone from Owner o order by 1", String.class).getResultList(),
            "Owner.telephone", "order by");
        refused(() -> s.createQuery("select o.telephone, count(o) from Owner o group by o.telephone", Object[].class)
            .getResultList(), "Owner.telephone", "group by");
        refused(() -> criteria(s, cb -> o -> cb.greaterThan(o.get("telephone"), "555-0005")), "Owner.telephone", "'>'");
        refused(() -> criteria(s, cb -> o -> cb.equal(o.get("address").get("street"), "1 Main St")),
            "Owner.address.street", "RANDOMIZED");
        CriteriaBuilder cb = s.getCriteriaBuilder();
        CriteriaQuery<Owner> q = cb.createQuery(Owner.class);
        Root<Owner> o = q.from(Owner.class);
        q.select(o).orderBy(cb.asc(o.get("telephone")));
        refused(() -> s.createQuery(q).getResultList(), "Owner.telephone", "order by");

        // what works on ciphertext keeps working
        assertThat(count(s, "o.telephone = :t", "t", "555-0009")).isEqualTo(1);
        assertThat(count(s, "o.telephone is not null and o.address.street is not null and o.ssn is not null"))
            .isEqualTo(2);
        assertThat(s.createQuery("select o.telephone from Owner o where o.name = :n", String.class)
            .setParameter("n", "b").getSingleResult()).isEqualTo("555-0009");
        assertThat(s.createQuery("select o.address.street from Owner o where o.id = 1", String.class)
            .getSingleResult()).isEqualTo("1 Main St");
        assertThat(s.createQuery("select o from Owner o order by o.name", Owner.class).getResultList())
            .extracting(x -> x.telephone).containsExactly("555-0001", "555-0009");
        s.createMutationQuery("update Owner o set o.telephone = :t where o.telephone = :old")
            .setParameter("t", "555-0002").setParameter("old", "555-0001").executeUpdate();
        assertThat(count(s, "o.telephone = :t", "t", "555-0002")).isEqualTo(1);
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aRowBoundAttributeReadWithoutItsRowId_failsSayingHowToReadIt_neverLeaksTheInternalSealedValue(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_owner");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("owners"), Owner.class)) {
      Jpa.tx(sf, s -> s.persist(new Owner(1, "a", "555-0001")));
      Jpa.tx(sf, s -> refused(() -> s.createQuery("select o.ssn from Owner o", Object.class).getResultList(),
          "Owner.ssn", "Select the entity", "Session"));
      Jpa.tx(sf, s -> refused(() -> s.createQuery("select o.name, o.ssn from Owner o", Object[].class).getResultList(),
          "Owner.ssn"));
      Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Owner o set o.ssn = :v where o.id = 1")
          .setParameter("v", "ssn-new").executeUpdate(), "Owner.ssn", "update or insert query"));
      // (a fresh StatelessSession for each: a session is not to be used after it threw)
      try (StatelessSession ss = sf.openStatelessSession()) {
        refused(() -> ss.get(Owner.class, 1L), "Owner.ssn", "StatelessSession", "session.find");
      }
      try (StatelessSession ss = sf.openStatelessSession()) {
        refused(() -> ss.createQuery("select o from Owner o", Owner.class).getResultList(), "Owner.ssn",
            "StatelessSession");
      }
      // a stateful session reads it
      String ssn = Jpa.call(sf, s -> s.find(Owner.class, 1L).ssn);
      assertThat(ssn).isEqualTo("ssn-1");
    }
  }
}
