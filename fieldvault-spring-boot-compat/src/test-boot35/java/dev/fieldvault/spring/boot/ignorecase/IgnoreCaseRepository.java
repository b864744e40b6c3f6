package dev.fieldvault.spring.boot.ignorecase;

import dev.fieldvault.spring.boot.app.Patient;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** Declares a case-insensitive search on a BINARY-stored @Encrypted attribute, which Hibernate refuses. */
interface IgnoreCaseRepository extends JpaRepository<Patient, Long> {
  List<Patient> findByEmailIgnoreCase(String email);
}
