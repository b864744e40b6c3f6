package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.Filter;
import org.hibernate.annotations.FilterDef;
import org.hibernate.annotations.Formula;
import org.hibernate.annotations.ParamDef;
import org.hibernate.annotations.SQLJoinTableRestriction;
import org.hibernate.annotations.SQLRestriction;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mappings under which Hibernate puts an encrypted column into its own SQL — a {@code @Filter} condition (of an
 * entity or a collection, or its {@code @FilterDef}'s default condition) and a collection's {@code @OrderBy} —
 * fail at start-up naming the filter or collection and the attribute; the same on plain columns works.
 */
class FilterAndOrderingStartupTest {

  @Entity(name = "FoFiltered")
  @Table(name = "hib_fo_filtered")
  @FilterDef(name = "foByEmail", parameters = @ParamDef(name = "e", type = String.class))
  @Filter(name = "foByEmail", condition = "email = :e")
  public static class Filtered {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
  }

  @Entity(name = "FoQualified")
  @Table(name = "hib_fo_qualified")
  @FilterDef(name = "foQualified", parameters = @ParamDef(name = "e", type = String.class))
  @Filter(name = "foQualified", condition = "{alias}.\"CONTACT\" = :e and tag <> 'email'")
  public static class Qualified {
    @Id public Long id;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(name = "contact", length = 50) public String email;
  }

  @Entity(name = "FoDefaulted")
  @Table(name = "hib_fo_defaulted")
  @FilterDef(name = "foDefaulted", defaultCondition = "secret is not null and secret <> :s",
      parameters = @ParamDef(name = "s", type = String.class))
  @Filter(name = "foDefaulted")
  public static class Defaulted {
    @Id public Long id;
    @Encrypted @Column(length = 50) public String secret;
  }

  @Entity(name = "FoSortedItem")
  @Table(name = "hib_fo_sorted_item")
  public static class SortedItem {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
    @ManyToOne public SortedOwner owner;
  }

  @Entity(name = "FoSortedOwner")
  @Table(name = "hib_fo_sorted_owner")
  public static class SortedOwner {
    @Id public Long id;
    @OneToMany(mappedBy = "owner") @OrderBy("email") public List<SortedItem> items = new ArrayList<>();
  }

  @Entity(name = "FoFilteredItem")
  @Table(name = "hib_fo_filtered_item")
  public static class FilteredItem {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
    @ManyToOne public FilteringOwner owner;
  }

  @Entity(name = "FoFilteringOwner")
  @Table(name = "hib_fo_filtering_owner")
  @FilterDef(name = "foItemsByEmail", parameters = @ParamDef(name = "e", type = String.class))
  public static class FilteringOwner {
    @Id public Long id;
    @OneToMany(mappedBy = "owner") @Filter(name = "foItemsByEmail", condition = "email = :e")
    public List<FilteredItem> items = new ArrayList<>();
  }

  private static String failure(Executable build) {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, build);
    StringBuilder all = new StringBuilder();
    boolean typed = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
      typed |= c instanceof VaultConfigurationException;
    }
    assertThat(typed).as("a VaultConfigurationException in the chain of " + t).isTrue();
    return all.toString();
  }

  private static void build(TestDatabase db, Class<?>... entities) {
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("fo"), entities)) {
      // started
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aFilterConditionOnAnEncryptedColumn_failsTheStartUpNamingTheFilterAndAttribute(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    assertThat(failure(() -> build(db, Filtered.class))).contains("'foByEmail'", "FoFiltered.email", "entity FoFiltered",
        "unencrypted");
    assertThat(failure(() -> build(db, Qualified.class))).contains("'foQualified'", "FoQualified.email");
    assertThat(failure(() -> build(db, Defaulted.class))).contains("'foDefaulted'", "FoDefaulted.secret");
    assertThat(failure(() -> build(db, FilteredItem.class, FilteringOwner.class)))
        .contains("'foItemsByEmail'", "collection FoFilteringOwner.items", "FoFilteredItem.email");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aCollectionOrderedByAnEncryptedAttribute_failsTheStartUp(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    assertThat(failure(() -> build(db, SortedItem.class, SortedOwner.class)))
        .contains("FoSortedOwner.items", "FoSortedItem.email", "@OrderBy", "'email'");
  }

  /** A filter and an ordering on a plain column of the elements, which have an encrypted attribute: allowed. */
  @Entity(name = "FoItem")
  @Table(name = "hib_fo_item")
  public static class PlainItem {
    @Id public Long id;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
    @ManyToOne public PlainOwner plainOwner;
  }

  @Entity(name = "FoPlainOwner")
  @Table(name = "hib_fo_plain_owner")
  @FilterDef(name = "foItemsByTag", parameters = @ParamDef(name = "tagParam", type = String.class))
  public static class PlainOwner {
    @Id public Long id;
    @OneToMany(mappedBy = "plainOwner") @OrderBy("tag desc")
    @Filter(name = "foItemsByTag", condition = "tag <> :tagParam")
    public List<PlainItem> items = new ArrayList<>();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aFilterAndAnOrderingOnPlainColumns_work(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_fo_item", "hib_fo_plain_owner");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("fo"), PlainItem.class, PlainOwner.class)) {
      Jpa.tx(sf, s -> {
        PlainOwner o = new PlainOwner();
        o.id = 1L;
        s.persist(o);
        for (int i = 1; i <= 3; i++) {
          PlainItem it = new PlainItem();
          it.id = (long) i;
          it.tag = "t" + i;
          it.email = "mail-" + i;
          it.plainOwner = o;
          s.persist(it);
        }
      });
      Jpa.tx(sf, s -> {
        s.enableFilter("foItemsByTag").setParameter("tagParam", "t2");
        assertThat(s.find(PlainOwner.class, 1L).items).extracting(i -> i.tag + ":" + i.email)
            .containsExactly("t3:mail-3", "t1:mail-1");
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // SQL restrictions and formulas (issue #12): Hibernate renders their SQL as written, on ciphertext

  @Entity(name = "FoRestricted")
  @Table(name = "hib_fo_restricted")
  @SQLRestriction("email <> 'nobody@example.com'")
  public static class Restricted {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
  }

  @Entity(name = "FoRestrictedItem")
  @Table(name = "hib_fo_restricted_item")
  public static class RestrictedItem {
    @Id public Long id;
    public String tag;
    @Encrypted @Column(name = "secret", length = 50) public String secret;
    @ManyToOne public RestrictingOwner owner;
  }

  @Entity(name = "FoRestrictingOwner")
  @Table(name = "hib_fo_restricting_owner")
  public static class RestrictingOwner {
    @Id public Long id;
    @OneToMany(mappedBy = "owner") @SQLRestriction("{alias}.SECRET is not null and tag <> 'x'")
    public List<RestrictedItem> items = new ArrayList<>();
  }

  @Entity(name = "FoLinkedItem")
  @Table(name = "hib_fo_linked_item")
  public static class LinkedItem {
    @Id public Long id;
    @Encrypted @Column(name = "secret", length = 50) public String secret;
  }

  @Entity(name = "FoManyOwner")
  @Table(name = "hib_fo_many_owner")
  public static class ManyOwner {
    @Id public Long id;
    @ManyToMany @JoinTable(name = "hib_fo_many_link") @SQLRestriction("secret <> 'x'")
    public List<LinkedItem> items = new ArrayList<>();
  }

  @Entity(name = "FoJoinRestrictedOwner")
  @Table(name = "hib_fo_join_restricted_owner")
  public static class JoinRestrictedOwner {
    @Id public Long id;
    @ManyToMany @JoinTable(name = "hib_fo_join_link") @SQLJoinTableRestriction("secret is not null")
    public List<LinkedItem> items = new ArrayList<>();
  }

  @Entity(name = "FoFormula")
  @Table(name = "hib_fo_formula")
  public static class WithFormula {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
    @Formula("upper(email)") public String shout;
  }

  @Entity(name = "FoPlainRestricted")
  @Table(name = "hib_fo_plain_restricted")
  @SQLRestriction("tag <> 'hidden'")
  public static class PlainRestricted {
    @Id public Long id;
    public String tag;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 50) public String email;
    @Formula("upper(tag)") public String shout;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anSqlRestrictionOrFormulaOnAnEncryptedColumn_failsTheStartUpNamingTheAttributeAndTheAlternative(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    assertThat(failure(() -> build(db, Restricted.class)))
        .contains("@SQLRestriction", "entity FoRestricted", "FoRestricted.email", "where e.email = :value");
    assertThat(failure(() -> build(db, RestrictedItem.class, RestrictingOwner.class)))
        .contains("@SQLRestriction", "collection FoRestrictingOwner.items", "FoRestrictedItem.secret");
    assertThat(failure(() -> build(db, LinkedItem.class, ManyOwner.class)))
        .contains("@SQLRestriction", "collection FoManyOwner.items", "FoLinkedItem.secret");
    assertThat(failure(() -> build(db, LinkedItem.class, JoinRestrictedOwner.class)))
        .contains("@SQLJoinTableRestriction", "collection FoJoinRestrictedOwner.items", "FoLinkedItem.secret");
    assertThat(failure(() -> build(db, WithFormula.class)))
        .contains("formula of attribute FoFormula.shout", "FoFormula.email", "@PostLoad");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anSqlRestrictionAndAFormulaOnPlainColumns_work(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_fo_plain_restricted");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("fo"), PlainRestricted.class)) {
      Jpa.tx(sf, s -> {
        for (long i = 1; i <= 2; i++) {
          PlainRestricted r = new PlainRestricted();
          r.id = i;
          r.tag = i == 1 ? "shown" : "hidden";
          r.email = "mail-" + i;
          s.persist(r);
        }
      });
      Jpa.tx(sf, s -> assertThat(s.createQuery("from FoPlainRestricted", PlainRestricted.class).getResultList())
          .extracting(r -> r.shout + ":" + r.email).containsExactly("SHOWN:mail-1"));
    }
  }
}
