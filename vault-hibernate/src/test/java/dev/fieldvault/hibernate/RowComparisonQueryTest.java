package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Address;
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
import jakarta.persistence.Tuple;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.util.List;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries that make the database compare or group the selected values themselves — {@code group by} of a
 * select item (by alias, by position, the same criteria path), {@code select distinct}, {@code union},
 * {@code intersect}, {@code except} — are refused when an {@code @Encrypted} attribute is among those values:
 * equal values under different ciphertexts (randomized, or deterministic during a key rotation) would form
 * separate groups or duplicates. Refused before any SQL is rendered or executed. A constructor expression of
 * encrypted attributes is decrypted.
 */
class RowComparisonQueryTest {

  @Entity(name = "RcItem")
  @Table(name = "hib_rc_item")
  public static class RcItem {
    @Id public Long id;
    public String tag;
    @Encrypted @Column(length = 40) public String secret;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Embedded public Address address;

    public RcItem() {}

    RcItem(long id, String tag, String secret, String email) {
      this.id = id;
      this.tag = tag;
      this.secret = secret;
      this.email = email;
      this.address = new Address("street-" + (id == 2 ? 1 : id), "Springfield");
    }
  }

  /** A constructor expression's target. */
  public record EmailDto(String email) {}

  /** A constructor expression's target with two encrypted arguments and a plain one. */
  public static final class ItemDto {
    final Long id;
    final String secret;
    final String email;

    public ItemDto(Long id, String secret, String email) {
      this.id = id;
      this.secret = secret;
      this.email = email;
    }
  }

  private static final String DTO = RowComparisonQueryTest.class.getName() + "$";

  /**
   * Rows 1 and 2 hold the same randomized secret; rows 1 and 5 the same deterministic email, row 5 written
   * after a deterministic key rotation (so under another key); no refused form can find those equal.
   */
  private static SessionFactory rotatedItems(TestDatabase db) throws Exception {
    db.dropTables("hib_rc_item");
    Keyring keyring = Keyring.generate("rc");
    SessionFactory sf = Jpa.build(db, keyring, RcItem.class);
    Jpa.tx(sf, s -> {
      s.persist(new RcItem(1, "t1", "SECRET-S1", "ADDR-A"));
      s.persist(new RcItem(2, "t1", "SECRET-S1", "ADDR-B"));
      s.persist(new RcItem(3, "t2", "SECRET-S3", "ADDR-C"));
      s.persist(new RcItem(4, "t2", null, null));
    });
    VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
    HibernateVault.of(sf).reload(keyring.with(rotated));
    Jpa.tx(sf, s -> s.persist(new RcItem(5, "t3", "SECRET-S5", "ADDR-A")));
    return sf;
  }

  /**
   * The query is refused naming the attribute and the construct, with no plaintext in the message; no SQL
   * of it was rendered or run (Hibernate's SQL log shows no select of the table).
   */
  private static void refused(Session s, Function<Session, ?> query, String attribute, String construct) {
    try (LogCapture capture = new LogCapture()) {
      assertThatThrownBy(() -> query.apply(s)).isInstanceOf(UnsupportedEncryptedUseException.class)
          .hasMessageContaining(attribute).hasMessageContaining(construct)
          .hasMessageNotContaining("SECRET-").hasMessageNotContaining("ADDR-").hasMessageNotContaining("street-");
      assertThat(capture.all()).doesNotContain("hib_rc_item").doesNotContain("SECRET-").doesNotContain("ADDR-");
    }
  }

  private static List<Object[]> rows(Session s, String hql) {
    return s.createQuery(hql, Object[].class).getResultList();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void groupByASelectItemThatIsAnEncryptedAttribute_isRefusedByAliasPositionAndCriteria(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = rotatedItems(db)) {
      Jpa.tx(sf, s -> {
        refused(s, x -> rows(x, "select p.secret as s, count(*) from RcItem p where p.secret is not null group by s"),
            "RcItem.secret", "group by");
        refused(s, x -> rows(x, "select p.email as e, count(*) from RcItem p where p.email is not null group by e"),
            "RcItem.email", "group by");
        refused(s, x -> rows(x, "select p.email, count(*) from RcItem p group by 1"), "RcItem.email", "group by");
        refused(s, x -> rows(x, "select p.tag, p.email, count(*) from RcItem p group by 1, 2"), "RcItem.email",
            "group by");
        refused(s, x -> rows(x, "select p.email as e, count(*) from RcItem p group by e having count(*) > 0"),
            "RcItem.email", "group by");
        refused(s, x -> rows(x, "select p.address.street as st, count(*) from RcItem p group by st"),
            "RcItem.address.street", "group by");
        refused(s, x -> rows(x, "select p.address, count(*) from RcItem p group by 1"), "RcItem.address.street",
            "group by");
        refused(s, x -> rows(x, "select q.email as e, count(*) from RcItem p join RcItem q on q.id = p.id"
            + " group by e"), "RcItem.email", "group by");
        for (String attribute : new String[] {"secret", "email"}) {
          refused(s, x -> {
            CriteriaBuilder cb = x.getCriteriaBuilder();
            CriteriaQuery<Tuple> q = cb.createTupleQuery();
            Root<RcItem> r = q.from(RcItem.class);
            q.multiselect(r.get(attribute), cb.count(r)).where(cb.isNotNull(r.get(attribute)))
                .groupBy(r.get(attribute));
            return x.createQuery(q).getResultList();
          }, "RcItem." + attribute, "group by");
          refused(s, x -> {
            CriteriaBuilder cb = x.getCriteriaBuilder();
            CriteriaQuery<Long> q = cb.createQuery(Long.class);
            Root<RcItem> r = q.from(RcItem.class);
            q.select(cb.count(r)).groupBy(r.get(attribute));
            return x.createQuery(q).getResultList();
          }, "RcItem." + attribute, "group by");
        }
        refused(s, x -> rows(x, "select p.secret, count(*) from RcItem p group by p.secret"), "RcItem.secret",
            "group by");

        // grouping by plain columns (also with an encrypted attribute in a null test) keeps working
        assertThat(rows(s, "select p.tag as t, count(*) from RcItem p where p.email is not null group by t order by t"))
            .extracting(r -> r[0] + "=" + r[1]).containsExactly("t1=2", "t2=1", "t3=1");
        assertThat(rows(s, "select p.tag, count(*) from RcItem p group by 1 order by 1"))
            .extracting(r -> r[0] + "=" + r[1]).containsExactly("t1=2", "t2=2", "t3=1");
        // grouping by the entity (its id among the grouped columns) keeps working, its values decrypted
        assertThat(rows(s, "select p, count(*) from RcItem p where p.tag = 't1' group by p"))
            .extracting(r -> ((RcItem) r[0]).secret + "=" + r[1]).containsExactly("SECRET-S1=1", "SECRET-S1=1");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void selectDistinctOfAnEncryptedAttribute_isRefused_distinctEntitiesWork(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = rotatedItems(db)) {
      Jpa.tx(sf, s -> {
        refused(s, x -> x.createQuery("select distinct p.secret from RcItem p where p.secret is not null",
            String.class).getResultList(), "RcItem.secret", "select distinct");
        refused(s, x -> x.createQuery("select distinct p.email from RcItem p where p.email is not null",
            String.class).getResultList(), "RcItem.email", "select distinct");
        refused(s, x -> rows(x, "select distinct p.tag, p.secret from RcItem p"), "RcItem.secret", "select distinct");
        refused(s, x -> rows(x, "select distinct p.address from RcItem p"), "RcItem.address.street",
            "select distinct");
        refused(s, x -> x.createQuery("select distinct new " + DTO + "EmailDto(p.email) from RcItem p",
            EmailDto.class).getResultList(), "RcItem.email", "select distinct");
        refused(s, x -> {
          CriteriaBuilder cb = x.getCriteriaBuilder();
          CriteriaQuery<String> q = cb.createQuery(String.class);
          Root<RcItem> r = q.from(RcItem.class);
          q.select(r.get("secret")).distinct(true);
          return x.createQuery(q).getResultList();
        }, "RcItem.secret", "select distinct");
        refused(s, x -> {
          CriteriaBuilder cb = x.getCriteriaBuilder();
          CriteriaQuery<Tuple> q = cb.createTupleQuery();
          Root<RcItem> r = q.from(RcItem.class);
          q.multiselect(r.get("tag"), r.get("email")).distinct(true);
          return x.createQuery(q).getResultList();
        }, "RcItem.email", "select distinct");

        // distinct over plain columns, and distinct entities (their id is among the compared columns, so an
        // encrypted column never merges or splits two rows), keep working
        assertThat(s.createQuery("select distinct p.tag from RcItem p order by p.tag", String.class).getResultList())
            .containsExactly("t1", "t2", "t3");
        assertThat(s.createQuery("select distinct p from RcItem p join RcItem q on q.tag = p.tag"
            + " where p.email = :e", RcItem.class).setParameter("e", "ADDR-A").getResultList())
            .extracting(p -> p.id + ":" + p.email + ":" + p.secret)
            .containsExactlyInAnyOrder("1:ADDR-A:SECRET-S1", "5:ADDR-A:SECRET-S5");
        CriteriaBuilder cb = s.getCriteriaBuilder();
        CriteriaQuery<RcItem> q = cb.createQuery(RcItem.class);
        Root<RcItem> r = q.from(RcItem.class);
        q.select(r).distinct(true).where(cb.equal(r.get("tag"), "t1"));
        assertThat(s.createQuery(q).getResultList()).extracting(p -> p.secret)
            .containsExactlyInAnyOrder("SECRET-S1", "SECRET-S1");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void setOperationsComparingEncryptedSelectItems_areRefused_unionAllWorks(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = rotatedItems(db)) {
      Jpa.tx(sf, s -> {
        refused(s, x -> x.createQuery("select p.secret from RcItem p where p.id = 2 intersect select p2.secret"
            + " from RcItem p2 where p2.id = 1", String.class).getResultList(), "RcItem.secret", "'intersect'");
        refused(s, x -> x.createQuery("select p.email from RcItem p where p.email is not null except select"
            + " p2.email from RcItem p2 where p2.id = 1", String.class).getResultList(), "RcItem.email", "'except'");
        refused(s, x -> x.createQuery("select p.email from RcItem p where p.email is not null union select p2.email"
            + " from RcItem p2 where p2.email is not null", String.class).getResultList(), "RcItem.email", "'union'");
        refused(s, x -> rows(x, "select p.tag, p.secret from RcItem p union select p2.tag, p2.secret from RcItem p2"),
            "RcItem.secret", "'union'");
        refused(s, x -> x.createQuery("select p.email from RcItem p intersect all select p2.email from RcItem p2",
            String.class).getResultList(), "RcItem.email", "'intersect all'");
        refused(s, x -> x.createQuery("select p.email from RcItem p except all select p2.email from RcItem p2",
            String.class).getResultList(), "RcItem.email", "'except all'");

        // union all only appends the parts: decrypted, the values the rows hold
        assertThat(s.createQuery("select p.email from RcItem p where p.id = 1 union all select p2.email from RcItem p2"
            + " where p2.email = :e", String.class).setParameter("e", "ADDR-A").getResultList())
            .containsExactlyInAnyOrder("ADDR-A", "ADDR-A", "ADDR-A");
        // set operations over plain columns keep working
        assertThat(s.createQuery("select p.tag from RcItem p where p.email = :e union select p2.tag from RcItem p2"
            + " where p2.id = 1", String.class).setParameter("e", "ADDR-A").getResultList())
            .containsExactlyInAnyOrder("t1", "t3");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aConstructorExpressionOfAnEncryptedAttribute_isRefusedSayingToSelectItAsAScalar(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = rotatedItems(db)) {
      Jpa.tx(sf, s -> {
        refused(s, x -> x.createQuery("select new " + DTO + "EmailDto(p.email) from RcItem p where p.id in (1, 5)",
            EmailDto.class).getResultList(), "RcItem.email", "constructor expression");
        refused(s, x -> x.createQuery("select new " + DTO + "ItemDto(p.id, p.secret, p.email) from RcItem p"
            + " where p.email = :e", ItemDto.class).setParameter("e", "ADDR-A").getResultList(), "RcItem.secret",
            "constructor expression");
        refused(s, x -> {
          CriteriaBuilder cb = x.getCriteriaBuilder();
          CriteriaQuery<EmailDto> q = cb.createQuery(EmailDto.class);
          Root<RcItem> r = q.from(RcItem.class);
          q.select(cb.construct(EmailDto.class, r.get("email"))).where(cb.equal(r.get("id"), 2L));
          return x.createQuery(q).getResultList();
        }, "RcItem.email", "constructor expression");

        // what the message proposes: the attribute as a scalar or in a tuple, decrypted
        assertThat(rows(s, "select p.id, p.secret, p.email from RcItem p where p.email is not null and p.tag <> 't2'"
            + " order by p.id"))
            .extracting(r -> r[0] + ":" + r[1] + ":" + r[2])
            .containsExactly("1:SECRET-S1:ADDR-A", "2:SECRET-S1:ADDR-B", "5:SECRET-S5:ADDR-A");
        // a constructor of plain columns keeps working
        assertThat(s.createQuery("select new " + DTO + "EmailDto(p.tag) from RcItem p where p.id = 1", EmailDto.class)
            .getResultList()).containsExactly(new EmailDto("t1"));
      });
    }
  }
}
