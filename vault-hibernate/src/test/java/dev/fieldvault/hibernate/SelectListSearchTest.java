package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.SessionFactory;
import org.hibernate.query.SelectionQuery;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12 (review finding 4): an equality on a deterministic attribute where Hibernate renders a select
 * list's parameters as casts (an aggregate's {@code filter (where ...)}, which MariaDB gets as {@code case when
 * ... end} inside the aggregate, a predicate selected as a value, a window function's filter, a subquery
 * selected as a value) gives its plain twin's answer on every database, for BINARY and TEXT storage, with one
 * key, during a key rotation and while plaintext is migrated. On MariaDB Hibernate's {@code cast(? as
 * binary(n))} pads the ciphertext with zero bytes, so these queries found nothing before.
 */
class SelectListSearchTest {

  @Entity(name = "SlItem")
  @Table(name = "hib_sl_item")
  public static class Item {
    @Id public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 40) public String email;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT) @Column(length = 40) public String code;
  }

  @Entity(name = "SlPlain")
  @Table(name = "hib_sl_plain")
  public static class Plain {
    @Id public Long id;
    public String name;
    @Column(length = 40) public String email;
    @Column(length = 40) public String code;
  }

  /** The keys and the stored form of the first three rows while the queries run. */
  enum State {
    ONE_KEY,
    /** The first three rows under the first deterministic key, the others under the second (promoted) one. */
    ROTATION,
    /** MIGRATE policy: the first three rows are legacy plaintext, the others ciphertext. */
    MIGRATION
  }

  /** id, name, email, code. */
  private static final Object[][] ROWS = {
      {1L, "alpha", "ann@example.com", "A-1"},
      {2L, "beta", "bob@example.com", "B-2"},
      {3L, "alpha", "ann@example.com", "A-1"},
      {4L, "gamma", null, null},
      {5L, "beta", "cy@example.com", "C-3"},
      {6L, "alpha", "ann@example.com", "A-1"},
  };

  /** Each query, with $E for the entity and $A for the attribute; :v and :w are values, :l a list. */
  private static final String[] QUERIES = {
      "select count(p) filter (where p.$A = :v) from $E p",
      "select sum(p.id) filter (where p.$A = :v) from $E p",
      "select count(p) filter (where p.$A in (:v, :w)) from $E p",
      "select count(p) filter (where p.$A not in (:v, :w)) from $E p",
      "select count(p) filter (where p.$A in :l) from $E p",
      "select avg(p.id) filter (where p.$A <> :v) from $E p",
      "select min(p.id), max(p.id) filter (where p.$A = :v or p.name = 'beta') from $E p",
      "select p.name, count(p) filter (where p.$A = :v) from $E p group by p.name order by p.name",
      "select p.name from $E p group by p.name having count(p) filter (where p.$A = :v) > 0 order by p.name",
      "select p.id, (p.$A = :v) from $E p order by p.id",
      "select p.id, (:v = p.$A) from $E p order by p.id",
      "select p.id, (p.$A <> :v) from $E p order by p.id",
      "select p.id, (p.$A in (:v, :w)) from $E p order by p.id",
      "select p.id, (p.$A in :l and p.id > 1) from $E p order by p.id",
      "select p.id, count(p) filter (where p.$A = :v) over (order by p.id) from $E p order by p.id",
      "select p.id, (select count(q) filter (where q.$A = :v) from $E q where q.id <= p.id) from $E p order by p.id",
      "select p.id, (select max(q.id) from $E q where q.$A = :v and q.id <= p.id) from $E p order by p.id",
      "select p.id, exists (select 1 from $E q where q.$A = :v and q.id = p.id) from $E p order by p.id",
      "select p.id, case when p.$A = :v then 1 else 0 end from $E p order by p.id",
      "select (p.$A = :v), count(p) from $E p group by 1",
  };

  static List<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    TestDatabases.all().forEach(kind -> {
      for (State state : State.values()) {
        out.add(Arguments.of(kind, state));
      }
    });
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void selectListSearches_giveThePlainTwinsAnswers(TestDatabases.Kind kind, State state) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_sl_item", "hib_sl_plain");
    Keyring keyring = Keyring.generate("sl");
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    if (state == State.MIGRATION) {
      settings.put(FieldVaultSettings.PLAINTEXT_POLICY, "MIGRATE");
    }
    List<String> sql = new CopyOnWriteArrayList<>();
    settings.put("hibernate.session_factory.statement_inspector", (StatementInspector) q -> {
      sql.add(q);
      return q;
    });
    try (SessionFactory sf = Jpa.build(db, settings, Item.class, Plain.class)) {
      Jpa.tx(sf, s -> Arrays.stream(ROWS).forEach(row -> s.persist(plain(row))));
      for (Object[] row : Arrays.copyOfRange(ROWS, 0, 3)) {
        if (state == State.MIGRATION) {
          Jpa.update(db, "insert into hib_sl_item (id, name, email, code) values (?, ?, ?, ?)", row[0], row[1],
              ((String) row[2]).getBytes(StandardCharsets.UTF_8), row[3]);
        } else {
          Jpa.tx(sf, s -> s.persist(item(row)));
        }
      }
      if (state == State.ROTATION) {
        HibernateVault.of(sf).reload(keyring.with(keyring.deterministic().orElseThrow().rotate()));
      }
      Jpa.tx(sf, s -> Arrays.stream(ROWS, 3, ROWS.length).forEach(row -> s.persist(item(row))));
      assertStoredForms(db, state);

      int compared = 0;
      for (String attribute : List.of("email", "code")) {
        Object v = attribute.equals("email") ? "ann@example.com" : "A-1";
        Object w = attribute.equals("email") ? "bob@example.com" : "B-2";
        for (String query : QUERIES) {
          String what = kind + " " + state + ": " + query.replace("$A", attribute);
          List<String> expected = run(sf, query.replace("$E", "SlPlain").replace("$A", attribute), v, w);
          List<String> actual = run(sf, query.replace("$E", "SlItem").replace("$A", attribute), v, w);
          assertThat(actual).as(what + "\n  SQL: " + sql.get(sql.size() - 1)).isEqualTo(expected);
          compared++;
        }
        // the answers are not trivially equal: the searched value's rows are counted, under every key and form
        assertThat(run(sf, QUERIES[0].replace("$E", "SlItem").replace("$A", attribute), v, w))
            .as("%s %s %s", kind, state, attribute).containsExactly("[3]");
      }
      assertThat(compared).isEqualTo(2 * QUERIES.length);
    }
  }

  /** The first three rows are under the first key (ROTATION) or plaintext (MIGRATION), as the state says. */
  private static void assertStoredForms(TestDatabase db, State state) throws Exception {
    Object first = Jpa.raw(db, "hib_sl_item", "code", 1L);
    Object last = Jpa.raw(db, "hib_sl_item", "code", 6L);
    if (state == State.MIGRATION) {
      assertThat(first).isEqualTo("A-1");
      assertThat(last).isNotEqualTo("A-1");
    } else if (state == State.ROTATION) {
      assertThat(first).as("rows under two keys").isNotEqualTo(Jpa.raw(db, "hib_sl_item", "code", 6L));
      assertThat(Jpa.raw(db, "hib_sl_item", "code", 1L)).isEqualTo(Jpa.raw(db, "hib_sl_item", "code", 3L));
    } else {
      assertThat(first).isEqualTo(last);
    }
  }

  private static List<String> run(SessionFactory sf, String hql, Object v, Object w) {
    return Jpa.call(sf, s -> {
      SelectionQuery<Object> q = s.createSelectionQuery(hql, Object.class);
      bind(q, hql, v, w);
      List<String> rows = new ArrayList<>();
      for (Object row : q.getResultList()) {
        rows.add(row instanceof Object[] ? canonical((Object[]) row) : canonical(new Object[] {row}));
      }
      if (!hql.contains("order by")) {
        rows.sort(null);
      }
      return rows;
    });
  }

  private static void bind(SelectionQuery<Object> q, String hql, Object v, Object w) {
    if (hql.contains(":v")) {
      q.setParameter("v", v);
    }
    if (hql.contains(":w")) {
      q.setParameter("w", w);
    }
    if (hql.contains(":l")) {
      q.setParameterList("l", List.of(v, w));
    }
  }

  /** A row as text; numbers by value (an average is a Double on one database and a BigDecimal on another). */
  private static String canonical(Object[] row) {
    List<String> out = new ArrayList<>();
    for (Object o : row) {
      out.add(o instanceof Number ? new BigDecimal(o.toString()).stripTrailingZeros().toPlainString()
          : String.valueOf(o));
    }
    return out.toString();
  }

  private static Item item(Object[] row) {
    Item i = new Item();
    i.id = (Long) row[0];
    i.name = (String) row[1];
    i.email = (String) row[2];
    i.code = (String) row[3];
    return i;
  }

  private static Plain plain(Object[] row) {
    Plain p = new Plain();
    p.id = (Long) row[0];
    p.name = (String) row[1];
    p.email = (String) row[2];
    p.code = (String) row[3];
    return p;
  }
}
