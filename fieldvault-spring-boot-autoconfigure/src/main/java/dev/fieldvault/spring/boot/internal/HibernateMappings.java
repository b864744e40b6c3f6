package dev.fieldvault.spring.boot.internal;

import dev.fieldvault.hibernate.HibernateRotation;
import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.jdbc.rotation.EncryptedTable;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;

/** The encrypted tables of every EntityManagerFactory bean that has {@code @Encrypted} attributes. */
public final class HibernateMappings implements Supplier<List<EncryptedTable>> {

  private final ObjectProvider<EntityManagerFactory> factories;

  public HibernateMappings(ObjectProvider<EntityManagerFactory> factories) {
    this.factories = factories;
  }

  /** The FieldVault view of each factory with {@code @Encrypted} attributes. */
  public List<HibernateVault> vaults() {
    List<HibernateVault> out = new ArrayList<>();
    factories.orderedStream().forEach(emf -> {
      try {
        out.add(HibernateVault.of(emf));
      } catch (IllegalArgumentException e) {
        // no @Encrypted attribute in this factory
      }
    });
    return out;
  }

  /** The JDBC wrapper's columns of each factory (the same contexts as Hibernate's). */
  public List<dev.fieldvault.jdbc.EncryptedColumns> jdbcColumns() {
    List<dev.fieldvault.jdbc.EncryptedColumns> out = new ArrayList<>();
    for (HibernateVault v : vaults()) {
      out.add(dev.fieldvault.hibernate.HibernateJdbc.encryptedColumns(v));
    }
    return out;
  }

  @Override
  public List<EncryptedTable> get() {
    List<EncryptedTable> out = new ArrayList<>();
    for (HibernateVault v : vaults()) {
      out.addAll(HibernateRotation.tables(v));
    }
    return out;
  }
}
