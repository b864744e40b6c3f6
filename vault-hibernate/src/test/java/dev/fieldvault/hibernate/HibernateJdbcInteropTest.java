package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.InteropAccount;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One table, written and read through Hibernate and through the JDBC wrapper configured from the same metadata. */
class HibernateJdbcInteropTest {

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void valuesWrittenThroughJdbc_readThroughHibernate_andBack(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hibjdbc_account");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("interop"), InteropAccount.class)) {
      DataSource jdbc = HibernateJdbc.wrap(db.dataSource(), HibernateVault.of(sf));

      // JDBC -> Hibernate
      try (Connection c = jdbc.getConnection(); PreparedStatement ps = c.prepareStatement(
          "insert into hibjdbc_account (id, holder, email, iban, street, city, phone, phone_bidx)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, 1L);
        ps.setString(2, "Written By Jdbc");
        ps.setString(3, "jdbc@example.com");
        ps.setString(4, "GB29 NWBK 6016");
        ps.setString(5, "1 JDBC Road");
        ps.setString(6, "London");
        ps.setString(7, "+44 20 1");
        ps.setString(8, "+44 20 1");
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(CiphertextHeader.looksLikeCiphertext((byte[]) Jpa.raw(db, "hibjdbc_account", "holder", 1L))).isTrue();
      Jpa.tx(sf, s -> {
        InteropAccount a = s.find(InteropAccount.class, 1L);
        assertThat(a.holder).isEqualTo("Written By Jdbc");
        assertThat(a.email).isEqualTo("jdbc@example.com");
        assertThat(a.iban).isEqualTo("GB29 NWBK 6016");
        assertThat(a.address.street).isEqualTo("1 JDBC Road");
        assertThat(a.phone).isEqualTo("+44 20 1");
        // the blind index the JDBC wrapper computed is the one Hibernate searches with
        assertThat(s.createSelectionQuery("from InteropAccount a where a.phoneIndex in :bis", InteropAccount.class)
            .setParameter("bis", HibernateVault.of(sf).blindIndexes(InteropAccount.class, "phone", "+44 20 1"))
            .getSingleResult().id).isEqualTo(1L);
        assertThat(s.createSelectionQuery("from InteropAccount a where a.email = :e", InteropAccount.class)
            .setParameter("e", "jdbc@example.com").getSingleResult().id).isEqualTo(1L);
      });

      // Hibernate -> JDBC
      Jpa.tx(sf, s -> s.persist(new InteropAccount(2L, "Written By Hibernate", "orm@example.com", "DE44 5001",
          new Address("2 ORM Street", "Berlin"))));
      try (Connection c = jdbc.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select a.id, a.holder as h, a.iban, a.street from hibjdbc_account a where a.email = ?")) {
        ps.setString(1, "orm@example.com");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("h")).isEqualTo("Written By Hibernate");
          assertThat(rs.getString(3)).isEqualTo("DE44 5001");
          assertThat(rs.getString("street")).isEqualTo("2 ORM Street");
          assertThat(rs.next()).isFalse();
        }
      }
      // JDBC searches the Hibernate-written row by its blind index
      try (Connection c = jdbc.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select id from hibjdbc_account where phone_bidx = ?")) {
        ps.setString(1, "+49 30 2");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(2L);
        }
      }
      // the raw table holds ciphertext only
      try (Connection c = db.connect(); var st = c.createStatement();
          ResultSet rs = st.executeQuery("select holder, email, iban, street from hibjdbc_account")) {
        while (rs.next()) {
          for (int i = 1; i <= 4; i++) {
            assertThat(CiphertextHeader.looksLikeCiphertext(rs.getBytes(i))).isTrue();
          }
        }
      }
    }
  }
}
