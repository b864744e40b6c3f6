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
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HQL and criteria update/insert queries, and {@code StatelessSession.upsert}, never write an
 * {@code @Encrypted} attribute in a way FieldVault cannot keep right (unencrypted, with a stale blind
 * index, or under a row id that is being changed): such a write is refused at translation (or event)
 * time, naming the attribute, before any value reaches the driver or Hibernate's TRACE bind log.
 */
class MutationQueryWriteTest {

  @Entity(name = "Patient")
  @Table(name = "hib_patient")
  public static class Patient {
    @Id public Long id;
    public String name;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) @Column(length = 60) public String email;
    @Encrypted @Column(length = 40) public String phone;
    @BlindIndex(of = "phone") @Column(name = "phone_bidx") public byte[] phoneIndex;
    @Encrypted(rowBound = true) @Column(length = 40) public String ssn;

    public Patient() {}

    Patient(long id, String name, String email, String phone, String ssn) {
      this.id = id;
      this.name = name;
      this.email = email;
      this.phone = phone;
      this.ssn = ssn;
    }
  }

  private static void refused(ThrowingCallable write, String attribute, String mention) {
    assertThatThrownBy(write).isInstanceOf(UnsupportedEncryptedUseException.class)
        .hasMessageContaining(attribute).hasMessageContaining(mention).hasMessageNotContaining("PLAINLEAK");
  }

  /** Every cell of the table as text, read past FieldVault (bytes as ISO-8859-1). */
  private static String rawTable(TestDatabase db) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select * from hib_patient")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          sb.append(v instanceof byte[] ? new String((byte[]) v, StandardCharsets.ISO_8859_1) : v).append('|');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void mutationQueriesThatWouldStorePlaintextOrAStaleIndex_areRefusedBeforeAnyValueIsBound(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_patient");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("patients"), Patient.class)) {
      Jpa.tx(sf, s -> s.persist(new Patient(1, "PLAINLEAK_name", "a@example.com", "555-0001", "111-11-1111")));
      try (LogCapture capture = new LogCapture()) {
        // (a fresh session for each: a session is not to be used after it threw)
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery(
            "insert into Patient (id, name, email) values (2, 'x', :e)").setParameter("e", "PLAINLEAK_insval")
            .executeUpdate(), "Patient.email", "query parameter FieldVault encrypts"));
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Patient set email = concat(:v, '') where id = 1")
            .setParameter("v", "PLAINLEAK_concat").executeUpdate(), "Patient.email", "query parameter"));
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Patient set email = name where id = 1")
            .executeUpdate(), "Patient.email", "another attribute"));
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("insert into Patient (id, name, email) select p.id + 10,"
            + " p.name, p.name from Patient p where p.id = 1").executeUpdate(), "Patient.email", "insert ... select"));
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery(
            "insert into Patient (id, name, phone) values (3, 'x', :p)").setParameter("p", "PLAINLEAK_phoneins")
            .executeUpdate(), "Patient.phone", "@BlindIndex"));
        // finding: a bulk update of an attribute with a blind index left the index on the old value
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Patient set phone = :v where id = 1")
            .setParameter("v", "PLAINLEAK_phoneupd").executeUpdate(), "Patient.phone", "@BlindIndex"));
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Patient set phoneIndex = :v where id = 1")
            .setParameter("v", "PLAINLEAK_bidx".getBytes(StandardCharsets.UTF_8)).executeUpdate(), "Patient.phone",
            "blind index"));
        // finding: changing the id orphaned the row-bound values (bound to the old id)
        Jpa.tx(sf, s -> refused(() -> s.createMutationQuery("update Patient set id = id + 100 where id = 1")
            .executeUpdate(), "Patient.ssn", "changes the id"));
        Jpa.tx(sf, s -> refused(() -> {
          var cb = s.getCriteriaBuilder();
          var update = cb.createCriteriaUpdate(Patient.class);
          var p = update.from(Patient.class);
          update.set(p.<String>get("email"), cb.concat(cb.literal("PLAINLEAK_crit"), p.get("name")));
          s.createMutationQuery(update).executeUpdate();
        }, "Patient.email", "query parameter"));

        // a parameter in a subquery's select list would be bound unencrypted (it has no type of the attribute)
        // (Hibernate 6.6's own HQL parser rejects this form, before FieldVault or the driver sees it)
        ThrowingCallable subquery = () -> Jpa.tx(sf, s -> s.createQuery("select p.id from Patient p where p.email ="
            + " (select :e from Patient x where x.id = 1)", Long.class).setParameter("e", "PLAINLEAK_subq")
            .getResultList());
        if (org.hibernate.Version.getVersionString().startsWith("6.")) {
          assertThatThrownBy(subquery).isInstanceOf(org.hibernate.query.sqm.InterpretationException.class)
              .hasMessageNotContaining("PLAINLEAK_subq");
        } else {
          refused(subquery, "Patient.email", "subquery");
        }

        // the supported form still works, stores ciphertext and is found
        Jpa.tx(sf, s -> assertThat(s.createMutationQuery("update Patient set email = :v where id = 1")
            .setParameter("v", "PLAINLEAK_ok@example.com").executeUpdate()).isEqualTo(1));
        Jpa.tx(sf, s -> assertThat(s.createQuery("select p.id from Patient p where p.email = :e", Long.class)
            .setParameter("e", "PLAINLEAK_ok@example.com").getResultList()).containsExactly(1L));
        assertThat(capture.lines()).as("the capture works").anySatisfy(l -> assertThat(l).contains("update hib_patient"));
        assertThat(capture.all()).doesNotContain("PLAINLEAK_insval", "PLAINLEAK_concat", "PLAINLEAK_phone",
            "PLAINLEAK_crit", "PLAINLEAK_ok", "PLAINLEAK_subq");
      }
      String raw = rawTable(db);
      assertThat(raw).doesNotContain("PLAINLEAK_insval", "PLAINLEAK_concat", "PLAINLEAK_phone", "PLAINLEAK_bidx",
          "PLAINLEAK_crit", "PLAINLEAK_ok", "555-", "111-11");
      // nothing was written by the refused queries: one row, its id, values and blind index intact
      Patient p = Jpa.call(sf, s -> s.find(Patient.class, 1L));
      assertThat(p.ssn).isEqualTo("111-11-1111");
      assertThat(p.phone).isEqualTo("555-0001");
      Long rows = Jpa.call(sf, s -> s.createQuery("select count(p) from Patient p", Long.class).getSingleResult());
      assertThat(rows).isEqualTo(1L);
      HibernateVault vault = HibernateVault.of(sf);
      List<Long> found = Jpa.call(sf, s -> s.createQuery("select p.id from Patient p where p.phoneIndex in :i",
          Long.class).setParameter("i", vault.blindIndexes(Patient.class, "phone", "555-0001")).getResultList());
      assertThat(found).containsExactly(1L);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void statelessUpsert_ofARowBoundValue_isRefusedBeforeItIsLogged_andOtherwiseFillsTheBlindIndex(
      TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_patient");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("patients"), Patient.class)) {
      try (LogCapture capture = new LogCapture()) {
        try (StatelessSession ss = sf.openStatelessSession()) {
          ss.getTransaction().begin();
          refused(() -> ss.upsert(new Patient(5, "n", "e@example.com", "555-0005", "PLAINLEAK_slups")), "Patient.ssn",
              "upsert");
          ss.getTransaction().rollback();
        }
        try (StatelessSession ss = sf.openStatelessSession()) {
          ss.getTransaction().begin();
          ss.upsert(new Patient(6, "n", "f@example.com", "555-0006", null));
          ss.getTransaction().commit();
        }
        assertThat(capture.lines()).as("the capture works").anySatisfy(l -> assertThat(l).contains("hib_patient"));
        assertThat(capture.all()).doesNotContain("PLAINLEAK_slups", "555-0006", "f@example.com");
      }
      assertThat(rawTable(db)).doesNotContain("PLAINLEAK_slups", "555-0006", "f@example.com");
      HibernateVault vault = HibernateVault.of(sf);
      List<Long> found = Jpa.call(sf, s -> s.createQuery("select p.id from Patient p where p.phoneIndex in :i",
          Long.class).setParameter("i", vault.blindIndexes(Patient.class, "phone", "555-0006")).getResultList());
      assertThat(found).containsExactly(6L);
      String phone = Jpa.call(sf, s -> s.find(Patient.class, 6L).phone);
      assertThat(phone).isEqualTo("555-0006");
    }
  }
}
