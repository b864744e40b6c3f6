package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RowBindingAndCopyTest {

  private static AttributeDecryptionException decryptionError(Throwable t) {
    assertThat(t).isInstanceOf(AttributeDecryptionException.class)
        .hasCauseInstanceOf(dev.fieldvault.keys.DecryptionFailedException.class);
    return (AttributeDecryptionException) t;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aValueUnderAKeyTheKeyringDoesNotHold_failsNamingTheAttribute(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    Customer c = new Customer("ann", "ann@example.com", "111", "555");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("first"), Customer.class)) {
      Jpa.tx(sf, s -> s.persist(c));
    }
    Map<String, Object> other = Map.of(FieldVaultSettings.KEYRING, Keyring.generate("other"),
        "hibernate.hbm2ddl.auto", "none");
    try (SessionFactory sf = Jpa.build(db, other, Customer.class)) {
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(Customer.class, c.id)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(dev.fieldvault.keys.KeyUnavailableException.class)
          .hasMessageContaining("Customer.");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void rowBoundValues_roundTrip_andAreNotRewrittenByLaterFlushes(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    try (SessionFactory sf = Jpa.build(db, Map.of(FieldVaultSettings.KEYRING, Keyring.generate("rb"),
        "hibernate.generate_statistics", "true"), Customer.class)) {
      Customer c = new Customer("ann", "ann@example.com", "123-45-6789", "555-0100");
      Jpa.tx(sf, s -> s.persist(c));
      Statistics stats = sf.getStatistics();
      stats.clear();
      Jpa.tx(sf, s -> {
        Customer loaded = s.find(Customer.class, c.id);
        assertThat(loaded.ssn).isEqualTo("123-45-6789");
        s.flush();
      });
      assertThat(stats.getEntityUpdateCount()).as("an unchanged row-bound value is not dirty").isZero();
      Jpa.tx(sf, s -> s.find(Customer.class, c.id).ssn = "987-65-4321");
      assertThat(stats.getEntityUpdateCount()).isEqualTo(1);
      assertThat(Jpa.call(sf, s -> s.find(Customer.class, c.id)).ssn).isEqualTo("987-65-4321");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void ciphertextCopiedToAnotherColumnOrRow_failsWithATypedErrorNamingEntityAndAttribute(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("cp"), Customer.class)) {
      Customer a = new Customer("ann", "ann@example.com", "111-11-1111", "555-0101");
      Customer b = new Customer("bob", "bob@example.com", "222-22-2222", "555-0102");
      Jpa.tx(sf, s -> {
        s.persist(a);
        s.persist(b);
      });

      // 1. swap two columns of one row: phone <-> ssn (both randomized)
      Object phone = Jpa.raw(db, "hib_customer", "phone", a.id);
      Object ssn = Jpa.raw(db, "hib_customer", "ssn", a.id);
      Jpa.update(db, "update hib_customer set phone = ?, ssn = ? where id = ?", ssn, phone, a.id);
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(Customer.class, a.id)))
          .satisfies(t -> {
            AttributeDecryptionException e = decryptionError(t);
            assertThat(e.entityName()).isEqualTo("Customer");
            assertThat(e.attributePath()).isIn("phone", "ssn");
            assertThat(e.getMessage()).contains("Customer." + e.attributePath()).doesNotContain("555-0101");
          });
      Jpa.update(db, "update hib_customer set phone = ?, ssn = ? where id = ?", phone, ssn, a.id);
      assertThat(Jpa.call(sf, s -> s.find(Customer.class, a.id)).ssn).isEqualTo("111-11-1111");

      // 2. copy the row-bound ssn of row a into row b
      Object bSsn = Jpa.raw(db, "hib_customer", "ssn", b.id);
      Jpa.update(db, "update hib_customer set ssn = ? where id = ?", ssn, b.id);
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(Customer.class, b.id)))
          .satisfies(t -> {
            AttributeDecryptionException e = decryptionError(t);
            assertThat(e.attributePath()).isEqualTo("ssn");
            assertThat(e.getMessage()).contains("Customer.ssn").contains("hib_customer.ssn")
                .doesNotContain("111-11-1111");
          });

      // 3. a column that is not row-bound (phone) is bound to its column only: copied to another row it
      //    still decrypts there, which is why sensitive randomized attributes should be row-bound
      Jpa.update(db, "update hib_customer set ssn = ?, phone = ? where id = ?", bSsn, phone, b.id);
      Customer bAfter = Jpa.call(sf, s -> s.find(Customer.class, b.id));
      assertThat(bAfter.ssn).isEqualTo("222-22-2222");
      assertThat(bAfter.phone).isEqualTo("555-0101");
    }
  }
}
