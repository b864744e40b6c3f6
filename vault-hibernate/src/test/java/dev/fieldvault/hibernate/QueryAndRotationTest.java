package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class QueryAndRotationTest {

  private static List<String> byEmail(Session s, String email) {
    return s.createQuery("select c from Customer c where c.email = :email", Customer.class)
        .setParameter("email", email).getResultList().stream().map(c -> c.name).sorted().collect(Collectors.toList());
  }

  private static List<String> byEmails(Session s, List<String> emails) {
    return s.createQuery("select c from Customer c where c.email in :emails", Customer.class)
        .setParameter("emails", emails).getResultList().stream().map(c -> c.name).sorted().collect(Collectors.toList());
  }

  private static List<String> criteriaEqual(Session s, String email) {
    CriteriaBuilder cb = s.getCriteriaBuilder();
    CriteriaQuery<Customer> q = cb.createQuery(Customer.class);
    Root<Customer> c = q.from(Customer.class);
    q.select(c).where(cb.equal(c.get("email"), email));
    return s.createQuery(q).getResultList().stream().map(x -> x.name).sorted().collect(Collectors.toList());
  }

  private static List<String> criteriaIn(Session s, List<String> emails) {
    CriteriaBuilder cb = s.getCriteriaBuilder();
    CriteriaQuery<Customer> q = cb.createQuery(Customer.class);
    Root<Customer> c = q.from(Customer.class);
    q.select(c).where(c.get("email").in(emails));
    return s.createQuery(q).getResultList().stream().map(x -> x.name).sorted().collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void deterministicEqualityAndIn_findTheRightRows_inJpqlAndCriteria(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("q"), Customer.class)) {
      Jpa.tx(sf, s -> {
        s.persist(new Customer("ann", "ann@example.com", "111-11-1111", "555-0101"));
        s.persist(new Customer("bob", "bob@example.com", "222-22-2222", "555-0102"));
        s.persist(new Customer("cid", "cid@example.com", "333-33-3333", "555-0103"));
        s.persist(new Customer("bob2", "bob@example.com", "444-44-4444", "555-0104"));
      });
      Jpa.tx(sf, s -> {
        assertThat(byEmail(s, "bob@example.com")).containsExactly("bob", "bob2");
        assertThat(byEmail(s, "nobody@example.com")).isEmpty();
        assertThat(byEmails(s, List.of("ann@example.com", "cid@example.com"))).containsExactly("ann", "cid");
        assertThat(criteriaEqual(s, "ann@example.com")).containsExactly("ann");
        assertThat(criteriaIn(s, List.of("bob@example.com", "cid@example.com"))).containsExactly("bob", "bob2", "cid");
        assertThat(s.createQuery("select c.email from Customer c where c.name = 'cid'", String.class)
            .getSingleResult()).isEqualTo("cid@example.com");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void afterADeterministicKeyIsPromoted_rowsUnderTheOldAndNewKeyAreBothFound(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    Keyring keyring = Keyring.generate("rot");
    try (SessionFactory sf = Jpa.build(db, keyring, Customer.class)) {
      Customer old = new Customer("old", "old@example.com", "1", "1");
      Customer twinOld = new Customer("twin-old", "twin@example.com", "2", "2");
      Jpa.tx(sf, s -> {
        s.persist(old);
        s.persist(twinOld);
      });

      VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(keyring.with(rotated));

      Customer fresh = new Customer("new", "new@example.com", "3", "3");
      Customer twinNew = new Customer("twin-new", "twin@example.com", "4", "4");
      Jpa.tx(sf, s -> {
        s.persist(fresh);
        s.persist(twinNew);
      });
      int oldKey = CiphertextHeader.parse((byte[]) Jpa.raw(db, "hib_customer", "email", twinOld.id)).keyId();
      int newKey = CiphertextHeader.parse((byte[]) Jpa.raw(db, "hib_customer", "email", twinNew.id)).keyId();
      assertThat(oldKey).isNotEqualTo(newKey);
      assertThat(newKey).isEqualTo(rotated.primary().keyId());

      Jpa.tx(sf, s -> {
        assertThat(byEmail(s, "old@example.com")).containsExactly("old");
        assertThat(byEmail(s, "new@example.com")).containsExactly("new");
        assertThat(byEmail(s, "twin@example.com")).containsExactly("twin-new", "twin-old");
        assertThat(byEmails(s, List.of("old@example.com", "new@example.com"))).containsExactly("new", "old");
        assertThat(criteriaEqual(s, "twin@example.com")).containsExactly("twin-new", "twin-old");
        assertThat(criteriaIn(s, List.of("old@example.com", "twin@example.com")))
            .containsExactly("old", "twin-new", "twin-old");
        // other parameters of the statement keep their places
        assertThat(s.createQuery("select c.name from Customer c where c.name <> :n and c.email = :e and c.name <> :m",
            String.class).setParameter("n", "x").setParameter("e", "twin@example.com").setParameter("m", "twin-new")
            .getResultList()).containsExactly("twin-old");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void duringARotation_theTranslatedSqlSearchesEveryKey_withoutWrappingTheConnection(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    Keyring keyring = Keyring.generate("ast");
    List<String> sql = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.Map<String, Object> settings = new java.util.HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    settings.put("hibernate.session_factory.statement_inspector",
        (org.hibernate.resource.jdbc.spi.StatementInspector) q -> {
          sql.add(q);
          return q;
        });
    try (SessionFactory sf = Jpa.build(db, settings, Customer.class)) {
      Jpa.tx(sf, s -> s.persist(new Customer("old", "old@example.com", "1", "1")));
      String byEmail = "select c from Customer c where c.email = :email";
      Jpa.tx(sf, s -> s.createQuery(byEmail, Customer.class).setParameter("email", "old@example.com").getResultList());
      assertThat(lastSelect(sql)).doesNotContainIgnoringCase(" in ");

      VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(keyring.with(rotated));
      Jpa.tx(sf, s -> {
        // the same query string again: its plan from before the rotation is not reused
        assertThat(s.createQuery(byEmail, Customer.class).setParameter("email", "old@example.com").getResultList())
            .extracting(c -> c.name).containsExactly("old");
        assertThat(lastSelect(sql)).containsPattern("(?i)email\\s+in\\s*\\(\\s*\\?\\s*,\\s*\\?\\s*\\)");
        assertThat(s.createQuery("select c from Customer c where c.email <> :email", Customer.class)
            .setParameter("email", "old@example.com").getResultList()).isEmpty();
        assertThat(lastSelect(sql)).containsPattern("(?i)email\\s+not\\s+in\\s*\\(\\s*\\?\\s*,\\s*\\?\\s*\\)");
        java.sql.Connection c = s.doReturningWork(connection -> connection);
        assertThat(java.lang.reflect.Proxy.isProxyClass(c.getClass())).as("FieldVault wraps no connection").isFalse();
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void criteriaInAnEmptyCollection_findsNoRow_andNotInAnEmptyCollectionEveryRow_alsoDuringARotation(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    Keyring keyring = Keyring.generate("empty");
    try (SessionFactory sf = Jpa.build(db, keyring, Customer.class)) {
      Jpa.tx(sf, s -> {
        s.persist(new Customer("ann", "ann@example.com", "1", "1"));
        s.persist(new Customer("bob", "bob@example.com", "2", "2"));
      });
      for (int keys = 1; keys <= 2; keys++) {
        if (keys == 2) {
          HibernateVault.of(sf).reload(keyring.with(keyring.deterministic().orElseThrow().rotate()));
        }
        Jpa.tx(sf, s -> {
          // found by the differential fuzz test: Criteria's in(emptyCollection) was refused as a comparison
          assertThat(criteriaIn(s, List.of())).isEmpty();
          CriteriaBuilder cb = s.getCriteriaBuilder();
          CriteriaQuery<Customer> q = cb.createQuery(Customer.class);
          Root<Customer> c = q.from(Customer.class);
          q.select(c).where(cb.not(c.get("email").in(List.of())));
          assertThat(s.createQuery(q).getResultList()).extracting(x -> x.name).containsExactlyInAnyOrder("ann", "bob");
        });
      }
    }
  }

  private static String lastSelect(List<String> sql) {
    for (int i = sql.size() - 1; i >= 0; i--) {
      if (sql.get(i).toLowerCase(java.util.Locale.ROOT).startsWith("select")) {
        return sql.get(i);
      }
    }
    throw new AssertionError("no select was run");
  }
}
