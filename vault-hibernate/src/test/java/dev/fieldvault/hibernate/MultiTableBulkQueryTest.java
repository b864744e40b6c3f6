package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.SecondaryRow;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.Configuration;
import org.hibernate.query.sqm.mutation.internal.SqmMultiTableMutationStrategyProviderStandard;
import org.hibernate.query.sqm.mutation.spi.SqmMultiTableMutationStrategyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bulk update, delete and insert queries (HQL and criteria) on entities stored in more than one table
 * (JOINED and TABLE_PER_CLASS inheritance, a secondary table) and inserts whose ids come from an
 * optimized (pooled) generator are run by Hibernate's multi-table handlers (a CTE on PostgreSQL,
 * temporary tables on H2 and MariaDB, or the inline strategy when configured), not by the translator
 * of a single-table query. They follow the same rules as the single-table entity of a SINGLE_TABLE
 * hierarchy (the control): a write FieldVault cannot keep encrypted is refused with an
 * {@link UnsupportedEncryptedUseException} naming the attribute before anything is bound or logged
 * (nothing in Hibernate's TRACE SQL/bind log, nothing in the table), a supported write is stored
 * encrypted, and deterministic equality finds the right rows, also during a key rotation.
 */
class MultiTableBulkQueryTest {

  // ---------------------------------------------------------------------------------------------
  // One hierarchy per shape, each with the same attributes: name and extra plain, email deterministic,
  // tag, note and address.street randomized, ssn row-bound.

  @Entity(name = "JPerson")
  @Table(name = "hib_mt_jperson")
  @Inheritance(strategy = InheritanceType.JOINED)
  public static class JPerson {
    @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_mt_jseq")
    @SequenceGenerator(name = "hib_mt_jseq", sequenceName = "hib_mt_jseq", allocationSize = 1)
    public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String tag;
  }

  @Entity(name = "JPatient")
  @Table(name = "hib_mt_jpatient")
  public static class JPatient extends JPerson {
    public String extra;
    @Encrypted @Column(length = 40) public String note;
    @Encrypted(rowBound = true) @Column(length = 40) public String ssn;
    @Embedded public Address address;
  }

  @Entity(name = "TPerson")
  @Table(name = "hib_mt_tperson")
  @Inheritance(strategy = InheritanceType.TABLE_PER_CLASS)
  public static class TPerson {
    @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_mt_tseq")
    @SequenceGenerator(name = "hib_mt_tseq", sequenceName = "hib_mt_tseq", allocationSize = 1)
    public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String tag;
  }

  @Entity(name = "TPatient")
  @Table(name = "hib_mt_tpatient")
  public static class TPatient extends TPerson {
    public String extra;
    @Encrypted @Column(length = 40) public String note;
    @Encrypted(rowBound = true) @Column(length = 40) public String ssn;
    @Embedded public Address address;
  }

  @Entity(name = "Split")
  @Table(name = "hib_mt_split")
  @SecondaryTable(name = "hib_mt_split_more")
  // a required row: Hibernate's inline strategy fails on an optional secondary table (a NullPointerException
  // in InlineUpdateHandler, without FieldVault too)
  @SecondaryRow(table = "hib_mt_split_more", optional = false)
  public static class Split {
    @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_mt_xseq")
    @SequenceGenerator(name = "hib_mt_xseq", sequenceName = "hib_mt_xseq", allocationSize = 1)
    public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String tag;
    @Column(table = "hib_mt_split_more") public String extra;
    @Encrypted @Column(table = "hib_mt_split_more", length = 40) public String note;
    @Encrypted(rowBound = true) @Column(table = "hib_mt_split_more", length = 40) public String ssn;
    @Embedded public Address address;
  }

  @Entity(name = "SPerson")
  @Table(name = "hib_mt_sperson")
  @Inheritance(strategy = InheritanceType.SINGLE_TABLE)
  public static class SPerson {
    @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_mt_sseq")
    @SequenceGenerator(name = "hib_mt_sseq", sequenceName = "hib_mt_sseq", allocationSize = 1)
    public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String tag;
  }

  @Entity(name = "SPatient")
  public static class SPatient extends SPerson {
    public String extra;
    @Encrypted @Column(length = 40) public String note;
    @Encrypted(rowBound = true) @Column(length = 40) public String ssn;
    @Embedded public Address address;
  }

  /** A single table whose pooled id generator makes Hibernate run {@code insert ... select} as a multi-table insert. */
  @Entity(name = "Pooled")
  @Table(name = "hib_mt_pooled")
  public static class Pooled {
    @Id @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_mt_pseq")
    @SequenceGenerator(name = "hib_mt_pseq", sequenceName = "hib_mt_pseq", allocationSize = 5)
    public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String tag;
    public String extra;
    @Encrypted @Column(length = 40) public String note;
    @Encrypted(rowBound = true) @Column(length = 40) public String ssn;
    @Embedded public Address address;
  }

  /** A hierarchy: its root entity, the entity with every attribute, and its tables. */
  private record Shape(String label, String root, String entity, Class<?> entityClass, String... tables) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static final List<Shape> SHAPES = List.of(
      new Shape("JOINED", "JPerson", "JPatient", JPatient.class, "hib_mt_jpatient", "hib_mt_jperson"),
      new Shape("TABLE_PER_CLASS", "TPerson", "TPatient", TPatient.class, "hib_mt_tpatient", "hib_mt_tperson"),
      new Shape("secondary table", "Split", "Split", Split.class, "hib_mt_split_more", "hib_mt_split"),
      new Shape("SINGLE_TABLE (control)", "SPerson", "SPatient", SPatient.class, "hib_mt_sperson"),
      new Shape("pooled ids (multi-table insert)", "Pooled", "Pooled", Pooled.class, "hib_mt_pooled"));

  private static final Class<?>[] ENTITIES = {JPerson.class, JPatient.class, TPerson.class, TPatient.class,
      Split.class, SPerson.class, SPatient.class, Pooled.class};

  private static final String[] TABLES = {"hib_mt_jpatient", "hib_mt_jperson", "hib_mt_tpatient", "hib_mt_tperson",
      "hib_mt_split_more", "hib_mt_split", "hib_mt_sperson", "hib_mt_pooled"};

  /** The columns of encrypted attributes: they never hold a plaintext. */
  private static final Set<String> ENCRYPTED_COLUMNS = Set.of("email", "tag", "note", "ssn", "street");

  /** The multi-table strategies: the dialect's (CTE on PostgreSQL, temporary tables on H2 and MariaDB), and inline. */
  static Stream<Arguments> databasesAndStrategies() {
    return TestDatabases.all().flatMap(kind -> Stream.of(Arguments.of(kind, "dialect default"),
        Arguments.of(kind, "org.hibernate.query.sqm.mutation.internal.inline.InlineMutationStrategy")));
  }

  private static SessionFactory build(TestDatabase db, Keyring keyring, String strategy) throws Exception {
    db.dropTables(TABLES);
    Map<String, Object> settings = new HashMap<>();
    settings.put(FieldVaultSettings.KEYRING, keyring);
    if (!strategy.startsWith("dialect")) {
      settings.put("hibernate.query.mutation_strategy", strategy);
    }
    return Jpa.build(db, settings, ENTITIES);
  }

  private static Object row(Shape shape, String name, String email, String tag, String note, String ssn,
      String street) {
    try {
      Object e = shape.entityClass().getConstructor().newInstance();
      set(e, "name", name);
      set(e, "email", email);
      set(e, "tag", tag);
      set(e, "note", note);
      set(e, "ssn", ssn);
      set(e, "extra", "extra");
      set(e, "address", new Address(street, "Springfield"));
      return e;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<Object> type(Shape shape) {
    return (Class<Object>) shape.entityClass();
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

  private static long id(Object entity) {
    return (Long) get(entity, "id");
  }

  /** Every value of an encrypted column of the shape's tables, read past FieldVault (bytes as ISO-8859-1). */
  private static String rawEncryptedColumns(TestDatabase db, Shape shape) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      for (String table : shape.tables()) {
        try (ResultSet rs = st.executeQuery("select * from " + table)) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
              if (ENCRYPTED_COLUMNS.contains(md.getColumnLabel(i).toLowerCase(Locale.ROOT))) {
                Object v = rs.getObject(i);
                sb.append(v instanceof byte[] ? new String((byte[]) v, StandardCharsets.ISO_8859_1) : v).append('|');
              }
            }
            sb.append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  private static long rows(SessionFactory sf, Shape shape) {
    return Jpa.call(sf, s -> s.createQuery("select count(e) from " + shape.entity() + " e", Long.class)
        .getSingleResult());
  }

  /**
   * Runs a query that must be refused: an {@link UnsupportedEncryptedUseException} naming the
   * attribute, with nothing of the marker in Hibernate's TRACE SQL and bind log or in the encrypted
   * columns, and no row added.
   */
  private static void refused(SessionFactory sf, TestDatabase db, Shape shape, String marker, String attribute,
      String mention, Consumer<Session> query) throws Exception {
    long before = rows(sf, shape);
    try (LogCapture capture = new LogCapture()) {
      Jpa.tx(sf, s -> assertThatThrownBy(() -> query.accept(s)).as("%s: %s", shape, attribute)
          .isInstanceOf(UnsupportedEncryptedUseException.class)
          .hasMessageContaining(attribute).hasMessageContaining(mention).hasMessageNotContaining(marker));
      assertThat(capture.all()).as("%s: TRACE log while refusing %s", shape, attribute).doesNotContain(marker);
    }
    assertThat(rawEncryptedColumns(db, shape)).as("%s: encrypted columns", shape).doesNotContain(marker);
    assertThat(rows(sf, shape)).as("%s: rows", shape).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("databasesAndStrategies")
  void writesThatWouldStorePlaintext_areRefusedBeforeAnythingIsBoundOrLogged_onEveryShape(TestDatabases.Kind kind,
      String strategy) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = build(db, Keyring.generate("mt"), strategy); LogCapture all = new LogCapture()) {
      for (Shape shape : SHAPES) {
        String x = shape.entity();
        String root = shape.root();
        Object a = row(shape, "PLAIN-NAME-1", "ann@example.com", "tag-1", "note-1", "ssn-1", "street-1");
        Jpa.tx(sf, s -> s.persist(a));
        long id = id(a);

        // N1: insert ... values with an encrypted attribute binds a parameter Hibernate types on its own
        refused(sf, db, shape, "PLAIN-INS-EMAIL", root + ".email", "query parameter FieldVault encrypts",
            s -> s.createMutationQuery("insert into " + x + " (name, email) values ('n', :e)")
                .setParameter("e", "PLAIN-INS-EMAIL").executeUpdate());
        refused(sf, db, shape, "PLAIN-INS-NOTE", x + ".note", "query parameter FieldVault encrypts",
            s -> s.createMutationQuery("insert into " + x + " (name, note) values ('n', :v)")
                .setParameter("v", "PLAIN-INS-NOTE").executeUpdate());
        // N1: insert ... select copies a plain column into an encrypted one
        refused(sf, db, shape, "PLAIN-NAME", root + ".email", "insert ... select",
            s -> s.createMutationQuery("insert into " + x + " (name, email, tag) select e.name, e.name, e.name"
                + " from " + x + " e").executeUpdate());
        // ... and an encrypted attribute selected into another row is refused as in a single-table insert
        refused(sf, db, shape, "PLAIN-NAME", x + ".note", "select list",
            s -> s.createMutationQuery("insert into " + x + " (name, extra) select e.name, e.note from " + x
                + " e").executeUpdate());
        // N2: an update copying a plain attribute into an encrypted one (root and subclass targets)
        refused(sf, db, shape, "PLAIN-NAME", root + ".tag", "another attribute",
            s -> s.createMutationQuery("update " + root + " set tag = name").executeUpdate());
        refused(sf, db, shape, "PLAIN-NAME", x + ".note", "another attribute",
            s -> s.createMutationQuery("update " + x + " set note = name").executeUpdate());
        refused(sf, db, shape, "PLAIN-CONCAT", root + ".email", "query parameter",
            s -> s.createMutationQuery("update " + x + " set email = concat(:v, '') where id = :id")
                .setParameter("v", "PLAIN-CONCAT").setParameter("id", id).executeUpdate());
        refused(sf, db, shape, "PLAIN-CRIT", x + ".note", "query parameter", s -> {
          var cb = s.getCriteriaBuilder();
          var update = cb.createCriteriaUpdate(type(shape));
          var e = update.from(type(shape));
          update.set(e.<String>get("note"), cb.concat(cb.literal("PLAIN-CRIT"), e.get("name")));
          s.createMutationQuery(update).executeUpdate();
        });
        // N3: a row-bound attribute is refused as such, before its value is bound (and logged)
        refused(sf, db, shape, "PLAIN-SSN", x + ".ssn", "Row-bound",
            s -> s.createMutationQuery("update " + x + " set ssn = :v where id = :id").setParameter("v", "PLAIN-SSN")
                .setParameter("id", id).executeUpdate());
        // N3: the id of an entity with row-bound attributes cannot change (their values are bound to it)
        refused(sf, db, shape, "PLAIN-NONE", x + ".ssn", "changes the id",
            s -> s.createMutationQuery("update " + x + " set id = id + 1000 where id = :id").setParameter("id", id)
                .executeUpdate());
        // an embeddable with an encrypted attribute assigned from a subquery
        refused(sf, db, shape, "PLAIN-NONE", x + ".address.street", "query parameter",
            s -> s.createMutationQuery("update " + x + " e set e.address = (select o.address from " + x
                + " o where o.id = :id)").setParameter("id", id).executeUpdate());
        // predicates the database would evaluate on ciphertext, in a bulk update and delete
        refused(sf, db, shape, "PLAIN-RANGE", root + ".email", "'>'",
            s -> s.createMutationQuery("delete from " + x + " where email > :v").setParameter("v", "PLAIN-RANGE")
                .executeUpdate());
        refused(sf, db, shape, "PLAIN-EQ", root + ".tag", "RANDOMIZED",
            s -> s.createMutationQuery("update " + root + " set name = 'x' where tag = :v")
                .setParameter("v", "PLAIN-EQ").executeUpdate());

        // nothing was changed by the refused queries
        Object loaded = Jpa.call(sf, s -> s.find(shape.entityClass(), id));
        assertThat(get(loaded, "name")).as("%s", shape).isEqualTo("PLAIN-NAME-1");
        assertThat(get(loaded, "tag")).as("%s", shape).isEqualTo("tag-1");
        assertThat(get(loaded, "note")).as("%s", shape).isEqualTo("note-1");
        assertThat(get(loaded, "ssn")).as("%s", shape).isEqualTo("ssn-1");
        assertThat(((Address) get(loaded, "address")).street).as("%s", shape).isEqualTo("street-1");
        assertThat(rawEncryptedColumns(db, shape)).as("%s", shape).doesNotContain("ann@", "tag-1", "note-1",
            "ssn-1", "street-1");
      }
      assertThat(all.all()).as("the capture works").containsIgnoringCase("insert into hib_mt_jperson");
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("databasesAndStrategies")
  void supportedBulkWrites_storeCiphertext_andEqualityFindsTheRightRows_alsoDuringARotation(TestDatabases.Kind kind,
      String strategy) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    Keyring keyring = Keyring.generate("mt-rot");
    try (SessionFactory sf = build(db, keyring, strategy)) {
      for (Shape shape : SHAPES) {
        String x = shape.entity();
        Object ann = row(shape, "ann", "ann@example.com", "tag-a", "note-a", "ssn-a", "street-a");
        Object bob = row(shape, "bob", "bob@example.com", "tag-b", "note-b", "ssn-b", "street-b");
        Jpa.tx(sf, s -> {
          s.persist(ann);
          s.persist(bob);
        });
        // queries that touch no encrypted attribute run as before (the check refuses nothing of theirs)
        Jpa.tx(sf, s -> {
          assertThat(s.createMutationQuery("update " + x + " set name = :n, extra = :x where id = :id")
              .setParameter("n", "ann").setParameter("x", "plain").setParameter("id", id(ann)).executeUpdate())
              .as("%s", shape).isEqualTo(1);
          assertThat(s.createMutationQuery("update " + shape.root() + " set name = name where email is not null")
              .executeUpdate()).as("%s", shape).isEqualTo(2);
          assertThat(s.createMutationQuery("delete from " + shape.root() + " where id = :id and tag is null")
              .setParameter("id", id(ann)).executeUpdate()).as("%s", shape).isZero();
        });
        try (LogCapture capture = new LogCapture()) {
          // set attr = :v (HQL) and a criteria parameter typed on its own: both encrypted for the attribute
          Jpa.tx(sf, s -> assertThat(s.createMutationQuery("update " + x + " set note = :v where email = :e")
              .setParameter("v", "PLAIN-NOTE-NEW").setParameter("e", "ann@example.com").executeUpdate())
              .as("%s", shape).isEqualTo(1));
          Jpa.tx(sf, s -> {
            var cb = s.getCriteriaBuilder();
            var update = cb.createCriteriaUpdate(type(shape));
            var e = update.from(type(shape));
            update.set(e.<String>get("tag"), cb.parameter(String.class, "t"))
                .where(cb.equal(e.get("email"), "bob@example.com"));
            assertThat(s.createMutationQuery(update).setParameter("t", "PLAIN-TAG-CRIT").executeUpdate())
                .as("%s", shape).isEqualTo(1);
          });
          assertThat(capture.all()).as("%s", shape).doesNotContain("PLAIN-NOTE-NEW", "PLAIN-TAG-CRIT",
              "ann@example.com", "bob@example.com");
          assertThat(capture.all()).as("the capture works").containsIgnoringCase("update ");
        }
        String raw = rawEncryptedColumns(db, shape);
        assertThat(raw).as("%s", shape).doesNotContain("PLAIN-NOTE-NEW", "PLAIN-TAG-CRIT", "ann@", "bob@");
        Object a = Jpa.call(sf, s -> s.find(shape.entityClass(), id(ann)));
        Object b = Jpa.call(sf, s -> s.find(shape.entityClass(), id(bob)));
        assertThat(get(a, "note")).as("%s", shape).isEqualTo("PLAIN-NOTE-NEW");
        assertThat(get(a, "tag")).as("%s", shape).isEqualTo("tag-a");
        assertThat(get(b, "tag")).as("%s", shape).isEqualTo("PLAIN-TAG-CRIT");
        assertThat(get(b, "note")).as("%s", shape).isEqualTo("note-b");
        byte[] stored = (byte[]) Jpa.raw(db, shape.entityClass() == Split.class ? "hib_mt_split_more"
            : shape.tables()[0], "note", id(ann));
        assertThat(CiphertextHeader.looksLikeCiphertext(stored)).as("%s", shape).isTrue();
      }

      // a rotation of the deterministic key: old rows stay under the old key until rewrapped
      VaultKeyset rotated = keyring.deterministic().orElseThrow().rotate();
      HibernateVault.of(sf).reload(keyring.with(rotated));
      for (Shape shape : SHAPES) {
        String x = shape.entity();
        Object annNew = row(shape, "ann-new", "ann@example.com", "t", "n", "s", "st");
        Jpa.tx(sf, s -> s.persist(annNew));
        Jpa.tx(sf, s -> {
          assertThat(s.createMutationQuery("update " + x + " set extra = 'hit' where email = :e")
              .setParameter("e", "ann@example.com").executeUpdate()).as("%s: = :e", shape).isEqualTo(2);
          assertThat(s.createMutationQuery("update " + x + " set extra = 'hit2' where :e = email")
              .setParameter("e", "ann@example.com").executeUpdate()).as("%s: :e =", shape).isEqualTo(2);
          assertThat(s.createMutationQuery("update " + x + " set extra = 'in' where email in :list")
              .setParameter("list", List.of("ann@example.com", "bob@example.com")).executeUpdate())
              .as("%s: in", shape).isEqualTo(3);
          assertThat(s.createMutationQuery("update " + x + " set extra = 'notin' where email not in :list")
              .setParameter("list", List.of("bob@example.com")).executeUpdate()).as("%s: not in", shape).isEqualTo(2);
          assertThat(s.createMutationQuery("update " + x + " set extra = 'other' where email <> :e")
              .setParameter("e", "ann@example.com").executeUpdate()).as("%s: <>", shape).isEqualTo(1);
          assertThat(s.createMutationQuery("update " + x + " set extra = 'not' where not (email = :e)")
              .setParameter("e", "bob@example.com").executeUpdate()).as("%s: not =", shape).isEqualTo(2);
          var cb = s.getCriteriaBuilder();
          var update = cb.createCriteriaUpdate(type(shape));
          var e = update.from(type(shape));
          update.set(e.<String>get("extra"), "crit").where(cb.equal(e.get("email"), "ann@example.com"));
          assertThat(s.createMutationQuery(update).executeUpdate()).as("%s: criteria", shape).isEqualTo(2);
        });
        // ids assigned: Hibernate's temporary-table inserts into several tables mishandle ids, without
        // FieldVault too (7.4 on H2 gives two rows of a JOINED entity the same generated id; 6.6 leaves the id out
        // of the second table's insert on H2 and MariaDB even when assigned, so those cases are not run there)
        boolean hibernateInsertsIt = kind == TestDatabases.Kind.POSTGRES
            || !org.hibernate.Version.getVersionString().startsWith("6.")
            || (shape.entityClass() != JPatient.class && shape.entityClass() != Split.class);
        if (hibernateInsertsIt) {
          long copied = Jpa.call(sf, s -> (long) s.createMutationQuery("insert into " + x + " (id, name, extra)"
              + " select e.id + 1000, e.name, 'copied' from " + x + " e where e.email = :e")
              .setParameter("e", "ann@example.com").executeUpdate());
          assertThat(copied).as("%s: insert ... select where =", shape).isEqualTo(2);
        }
        if (shape.entityClass() == Pooled.class) {
          // without ids, through Hibernate's multi-table insert (its pooled generator)
          long generated = Jpa.call(sf, s -> (long) s.createMutationQuery("insert into " + x + " (name, extra)"
              + " select e.name, 'copied' from " + x + " e where e.email = :e").setParameter("e", "ann@example.com")
              .executeUpdate());
          assertThat(generated).as("%s: insert ... select where = (generated ids)", shape).isEqualTo(2);
        }
        long deleted = Jpa.call(sf, s -> (long) s.createMutationQuery("delete from " + x + " where email = :e")
            .setParameter("e", "ann@example.com").executeUpdate());
        assertThat(deleted).as("%s: delete where =", shape).isEqualTo(2);
        List<String> left = Jpa.call(sf, s -> s.createQuery("select e.name from " + x + " e where e.email is not"
            + " null order by e.name", String.class).getResultList());
        assertThat(left).as("%s", shape).containsExactly("bob");
      }
    }
  }

  @Test
  void aReplacedMultiTableStrategyProvider_failsTheStartUp() throws Exception {
    TestDatabase db = TestDatabases.get(TestDatabases.Kind.H2);
    Configuration cfg = new Configuration();
    for (Class<?> c : ENTITIES) {
      cfg.addAnnotatedClass(c);
    }
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.getProperties().put(FieldVaultSettings.KEYRING, Keyring.generate("mt-start"));
    var registry = new StandardServiceRegistryBuilder().applySettings(cfg.getProperties())
        .addService(SqmMultiTableMutationStrategyProvider.class, new SqmMultiTableMutationStrategyProviderStandard())
        .build();
    try {
      assertThatThrownBy(() -> cfg.buildSessionFactory(registry).close())
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("SqmMultiTableMutationStrategyProvider")
          .hasMessageContaining("hibernate.query.mutation_strategy");
    } finally {
      StandardServiceRegistryBuilder.destroy(registry);
    }
  }
}
