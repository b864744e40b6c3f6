package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.LocalDate;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;

/** The code shown in vault-hibernate/README.md (copied between the tag comments). */
class ReadmeExampleTest {

  // tag::entity[]
  @Entity(name = "Patient")
  @Table(name = "hib_patient")
  public static class Patient {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_patient_seq")
    @SequenceGenerator(name = "hib_patient_seq", sequenceName = "hib_patient_seq", allocationSize = 1)
    Long id;

    @Encrypted(mode = EncryptionMode.DETERMINISTIC) // equality queries work unchanged
    @Column(length = 100)                           // plaintext length: the column is widened
    String email;

    @Encrypted(rowBound = true)                     // a value copied to another row fails to decrypt
    @Column(length = 11)
    String ssn;

    @Encrypted(storage = ColumnStorage.TEXT)    // base64 in a varchar column
    LocalDate birthDate;
  }
  // end::entity[]

  @Test
  void theReadmeExampleRuns() throws Exception {
    TestDatabase db = TestDatabases.h2();
    Keyring keyringFromYourKeyStore = Keyring.generate("readme");
    // tag::bootstrap[]
    Configuration cfg = new Configuration().addAnnotatedClass(Patient.class);
    cfg.getProperties().put(FieldVaultSettings.KEYRING, keyringFromYourKeyStore); // or a Supplier / class name
    // end::bootstrap[]
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.setProperty("hibernate.hbm2ddl.auto", "create");
    try (SessionFactory sessionFactory = cfg.buildSessionFactory()) {
      Patient p = new Patient();
      p.email = "ann@example.com";
      p.ssn = "123-45-6789";
      p.birthDate = LocalDate.of(1990, 1, 2);
      Jpa.tx(sessionFactory, s -> s.persist(p));

      Jpa.tx(sessionFactory, session -> {
        // tag::query[]
        Patient found = session.createQuery("from Patient p where p.email = :email", Patient.class)
            .setParameter("email", "ann@example.com")
            .getSingleResult();
        // end::query[]
        assertThat(found.ssn).isEqualTo("123-45-6789");
        assertThat(found.birthDate).isEqualTo(LocalDate.of(1990, 1, 2));
      });

      // tag::discovery[]
      HibernateVault vault = HibernateVault.of(sessionFactory);
      for (EncryptedAttribute a : vault.attributes()) {
        System.out.println(a.table() + "." + a.column() + " " + a.mode() + " rowBound=" + a.rowBound());
      }
      // end::discovery[]
      assertThat(vault.attributes()).hasSize(3);
    }
  }
}
