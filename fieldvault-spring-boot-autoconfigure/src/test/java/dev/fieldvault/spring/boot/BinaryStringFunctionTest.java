package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.spring.boot.app.Patient;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.app.TestApp;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code upper}/{@code like}/{@code length} on a BINARY-stored {@code @Encrypted} String: Hibernate
 * refuses the query with its own type error before FieldVault sees it (on Boot 3.5 a derived
 * {@code findByEmailIgnoreCase} does so while the repository is created, stopping the start-up).
 * FieldVault's failure analysis recognises the real error and says what to do.
 */
@SpringBootTest(classes = TestApp.class, properties = {"spring.datasource.url=jdbc:h2:mem:binaryfn;DB_CLOSE_DELAY=-1",
    "spring.jpa.hibernate.ddl-auto=create-drop", "spring.liquibase.enabled=false",
    "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET, "fieldvault.keys.create-if-missing=true",
    "fieldvault.keys.refresh-interval=0s", "fieldvault.secrets.enabled=false"})
class BinaryStringFunctionTest {

  @Autowired EntityManagerFactory emf;

  @Test
  void upperLikeAndLength_onABinaryAttribute_areExplainedByTheAnalysis() {
    for (String jpql : new String[] {"select p from Patient p where upper(p.email) = :e",
        "select p from Patient p where p.email like :e", "select p from Patient p where length(p.email) = 9"}) {
      EntityManager em = emf.createEntityManager();
      Throwable failure = catchThrowable(() -> em.createQuery(jpql, Patient.class));
      em.close();
      assertThat(failure).as(jpql).isNotNull();
      FailureAnalysis a = new FieldVaultFailureAnalyzer(null).analyze(new IllegalStateException("start-up", failure));
      assertThat(a).as(jpql + ": " + failure).isNotNull();
      assertThat(a.getDescription()).contains("@Encrypted attribute stored as BINARY");
      assertThat(a.getAction()).contains("IgnoreCase").contains("Containing").contains("@BlindIndex");
    }
  }
}
