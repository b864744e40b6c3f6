package dev.fieldvault.spring.boot.tenant;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface TenantNoteRepository extends JpaRepository<TenantNote, Long> {
  List<TenantNote> findByOwner(String owner);
}
