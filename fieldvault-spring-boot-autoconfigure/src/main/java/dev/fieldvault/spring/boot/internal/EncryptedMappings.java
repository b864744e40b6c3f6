package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.jdbc.rotation.EncryptedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every encrypted table the starter knows: the {@code @Encrypted} mappings of the application's
 * EntityManagerFactories (when vault-hibernate is present) and the application's own
 * {@link EncryptedTable} beans. The rotation job and the key inventory take their tables from here.
 */
public final class EncryptedMappings {

  private final List<Supplier<List<EncryptedTable>>> sources;

  public EncryptedMappings(List<Supplier<List<EncryptedTable>>> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The tables, computed now (an EntityManagerFactory not started yet is started by this call). */
  public List<EncryptedTable> tables() {
    List<EncryptedTable> out = new ArrayList<>();
    for (Supplier<List<EncryptedTable>> s : sources) {
      out.addAll(s.get());
    }
    return out;
  }
}
