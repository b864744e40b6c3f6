package dev.fieldvault.spring.boot.app;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PatientRepository extends JpaRepository<Patient, Long> {

  /** A derived query on a deterministic attribute: works unchanged. */
  List<Patient> findByEmail(String email);

  /** A randomized attribute found through its blind index ({@code HibernateVault.blindIndexes}). */
  List<Patient> findByPhoneIndexIn(Collection<byte[]> indexes);
}
