package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Plain JPA bootstrap (persistence.xml): FieldVault registers itself, keys come from a property. */
class JpaBootstrapTest {

  /** Named in persistence.xml's fieldvault.keyring property. */
  public static class TestKeys implements Supplier<Keyring> {
    @Override
    public Keyring get() {
      return Keyring.generate("jpa");
    }
  }

  @Test
  void persistenceXml_withKeysNamedByClass_encryptsAndQueries_andRefusesARowBoundQueryParameter() throws Exception {
    TestDatabase db = TestDatabases.h2();
    EntityManagerFactory emf = Persistence.createEntityManagerFactory("fieldvault-hib-test", Map.of(
        "jakarta.persistence.jdbc.url", db.url(), "jakarta.persistence.jdbc.user", db.user(),
        "jakarta.persistence.jdbc.password", db.password()));
    try {
      assertThat(HibernateVault.of(emf).attributes()).hasSize(3);
      EntityManager em = emf.createEntityManager();
      em.getTransaction().begin();
      Customer c = new Customer("ann", "ann@example.com", "123", "555");
      em.persist(c);
      em.getTransaction().commit();
      em.clear();

      assertThat(em.createQuery("select c from Customer c where c.email = :e", Customer.class)
          .setParameter("e", "ann@example.com").getSingleResult().ssn).isEqualTo("123");
      assertThat(Jpa.raw(db, "hib_customer", "email", c.id)).isInstanceOf(byte[].class);

      // a row-bound attribute cannot be compared: its ciphertext depends on the row (fails closed)
      assertThatThrownBy(() -> em.createQuery("select c from Customer c where c.ssn = :s", Customer.class)
          .setParameter("s", "123").getResultList())
          .isInstanceOf(UnsupportedEncryptedUseException.class).hasMessageContaining("Customer.ssn")
          .hasMessageContaining("RANDOMIZED");
      em.close();
    } finally {
      emf.close();
    }
  }
}
