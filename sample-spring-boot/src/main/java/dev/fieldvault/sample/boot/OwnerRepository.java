package dev.fieldvault.sample.boot;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface OwnerRepository extends JpaRepository<Owner, Long> {

  /** Equality on a deterministic attribute: the query is Spring Data's own. */
  List<Owner> findByLastName(String lastName);

  /** The blind index of a randomized attribute ({@code HibernateVault.blindIndexes} gives the indexes). */
  List<Owner> findByTelephoneIndexIn(Collection<byte[]> indexes);
}
