package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.PatientRepository;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code fieldvault.jdbc.enabled=true}: the application's DataSource bean is FieldVault's JDBC wrapper
 * around the same HikariCP pool, configured from the {@code @Encrypted} mapping, so JdbcTemplate and the
 * repository read each other's rows; inside one transaction they share the connection; the wrapper never
 * hands out the pool. One subclass per database.
 */
@SpringBootTest(classes = TestApp.class, properties = {"fieldvault.jdbc.enabled=true",
    "fieldvault.keys.refresh-interval=0s"})
abstract class JdbcWrapperTest {

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, "sbt_");
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired DataSource dataSource;
  @Autowired JdbcTemplate jdbc;
  @Autowired PatientRepository patients;
  @Autowired TransactionTemplate tx;

  /** A row-bound column is read together with its row id (the wrapper refuses it otherwise). */
  private String nameOf(long id) {
    return jdbc.queryForObject("SELECT id, name FROM sbt_patient WHERE id = ?", (rs, n) -> rs.getString("name"), id);
  }

  @Test
  void jdbcTemplate_andTheRepository_readEachOthersRows_throughOnePool() throws Exception {
    // written by Hibernate, read by JdbcTemplate through the wrapper: decrypted
    Patient p = patients.save(new Patient("jdbc@example.com", "Jay Dee", "+49 30 1234567"));
    assertThat(nameOf(p.id)).isEqualTo("Jay Dee");
    assertThat(jdbc.queryForObject("SELECT id FROM sbt_patient WHERE email = ?", Long.class, "jdbc@example.com"))
        .isEqualTo(p.id);

    // written by JdbcTemplate (plain values in the SQL parameters), read by the repository
    long id = p.id + 1000;
    jdbc.update("INSERT INTO sbt_patient (id, email, name, phone, phone_bi) VALUES (?, ?, ?, ?, ?)", id,
        "plain@example.com", "Written By Jdbc", "+49 30 7654321", "+49 30 7654321");
    assertThat(patients.findByEmail("plain@example.com")).extracting(x -> x.name).containsExactly("Written By Jdbc");

    // the pool itself: ciphertext in the column; the wrapper does not hand it out
    HikariDataSource pool = (HikariDataSource) dev.fieldvault.spring.boot.internal.FieldVaultDataSource.unencrypted(dataSource);
    byte[] stored = new JdbcTemplate(pool).queryForObject("SELECT email FROM sbt_patient WHERE id = ?", byte[].class, id);
    assertThat(CiphertextHeader.parse(stored)).isNotNull();
    assertThatThrownBy(() -> dataSource.unwrap(HikariDataSource.class)).isInstanceOf(SQLException.class);

    // one transaction: the repository's write is visible to JdbcTemplate before the commit
    tx.executeWithoutResult(s -> {
      Patient q = patients.saveAndFlush(new Patient("tx@example.com", "In Transaction", "+1 555 0100"));
      assertThat(nameOf(q.id))
          .isEqualTo("In Transaction");
      s.setRollbackOnly();
    });
    assertThat(patients.findByEmail("tx@example.com")).isEmpty();
  }
}
