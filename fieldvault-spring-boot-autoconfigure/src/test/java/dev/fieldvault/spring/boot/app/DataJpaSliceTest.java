package dev.fieldvault.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Spring Boot 4.0's JPA test slice: {@code @DataJpaTest} loads only the JPA auto-configurations and
 * those listed in its imports file, FieldVault's among them, so an {@code @Encrypted} repository works
 * in the slice with no test configuration, and the keys are ready after the database initialization
 * (FieldVault's Liquibase ran in the slice: the key store table exists and holds the keysets).
 */
@DataJpaTest(properties = "fieldvault.keys.refresh-interval=0s")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
abstract class DataJpaSliceTest {

  static void database(TestDatabases.Kind kind, DynamicPropertyRegistry registry) {
    TestDatabase db = kind == TestDatabases.Kind.H2 ? TestDatabases.h2() : TestDatabases.get(kind);
    Tables.drop(db, "sbt_");
    Tables.properties(db, "sbt_").forEach((k, v) -> registry.add(k, () -> v));
  }

  @Autowired PatientRepository patients;
  @Autowired EntityManager em;
  @Autowired FieldVaultKeys keys;

  @Test
  void repositoryInTheSlice_encrypts_andQueriesByDeterministicAndBlindIndex() {
    Patient p = patients.save(new Patient("slice@example.com", "Slice Test", "+33 1 23 45 67 89"));
    em.flush();
    em.clear();
    byte[] email = (byte[]) em.createNativeQuery("SELECT email FROM sbt_patient WHERE id = " + p.id).getSingleResult();
    assertThat(CiphertextHeader.parse(email).mode()).isEqualTo(EncryptionMode.DETERMINISTIC);
    assertThat(new String(email, StandardCharsets.ISO_8859_1)).doesNotContain("slice@");
    assertThat(patients.findByEmail("slice@example.com")).extracting(x -> x.name).containsExactly("Slice Test");
    assertThat(patients.findByPhoneIndexIn(HibernateVault.of(em.getEntityManagerFactory())
        .blindIndexes(Patient.class, "phone", "+33 1 23 45 67 89"))).hasSize(1);
    Number stored = (Number) em.createNativeQuery("SELECT COUNT(*) FROM sbt_fv_keyset").getSingleResult();
    assertThat(stored.intValue()).isEqualTo(3);
    assertThat(keys.keysets()).hasSize(3);
  }
}
