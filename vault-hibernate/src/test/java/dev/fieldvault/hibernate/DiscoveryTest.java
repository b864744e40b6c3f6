package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DiscoveryTest {

  /** An entity renamed from "Person": its pinned context keeps old values readable. */
  @Entity(name = "Member")
  @Table(name = "hib_member")
  public static class Member {
    @Id public Long id;
    @Encrypted(context = "Person.mail", mode = EncryptionMode.DETERMINISTIC)
    @Column(name = "mail_address", length = 60)
    public String mail;
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theEncryptedAttributes_areExposedWithTableColumnModeContextAndRowBinding(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer", "hib_member");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("d"), Customer.class, Member.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      List<EncryptedAttribute> all = vault.attributes();
      assertThat(all).extracting(a -> a.entityName() + "." + a.attributePath())
          .containsExactly("Customer.email", "Customer.phone", "Customer.ssn", "Member.mail");

      EncryptedAttribute email = vault.attribute(Customer.class, "email");
      assertThat(email.table()).isEqualTo("hib_customer");
      assertThat(email.column()).isEqualTo("email");
      assertThat(email.idColumn()).isEqualTo("id");
      assertThat(email.mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
      assertThat(email.rowBound()).isFalse();
      assertThat(email.context().domain()).isEqualTo("Customer");
      assertThat(email.context().field()).isEqualTo("email");
      assertThat(email.javaType()).isEqualTo(String.class);
      assertThat(email.storage()).isEqualTo(ColumnStorage.BINARY);
      assertThat(email.plaintextPolicy()).isEqualTo(PlaintextPolicy.CIPHERTEXT_ONLY);
      assertThat(vault.attribute(Customer.class, "ssn").rowBound()).isTrue();

      EncryptedAttribute mail = vault.attribute(Member.class, "mail");
      assertThat(mail.column()).isEqualTo("mail_address");
      assertThat(mail.context().domain()).isEqualTo("Person");
      assertThat(mail.context().field()).isEqualTo("mail");

      // a value written under the pinned context decrypts, whatever the entity is called now
      byte[] ct = vault.cipher().encrypt("pinned@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          dev.fieldvault.keys.EncryptionContext.of("Person", "mail"), EncryptionMode.DETERMINISTIC);
      Jpa.update(db, "insert into hib_member (id, mail_address) values (?, ?)", 1L, ct);
      assertThat(Jpa.call(sf, s -> s.find(Member.class, 1L)).mail).isEqualTo("pinned@example.com");

      // schema generation widened the column to fit the ciphertext of 100 characters
      if (kind != TestDatabases.Kind.POSTGRES) { // bytea has no length
        try (Connection c = db.connect()) {
          String table = kind == TestDatabases.Kind.H2 ? "HIB_CUSTOMER" : "hib_customer";
          String column = kind == TestDatabases.Kind.H2 ? "EMAIL" : "email";
          try (ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt("COLUMN_SIZE")).isGreaterThanOrEqualTo(100 * 3 + 34);
            assertThat(rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT)).contains("binary");
          }
        }
      }
    }
  }
}
