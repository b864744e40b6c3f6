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

  /**
   * The factories with {@code @Encrypted} attributes whose DataSource is not {@code dataSource} (the
   * application's, where FieldVault's rotation and inventory run), described by persistence unit and
   * tables; empty when every such factory is on it or a factory's DataSource is unknown.
   */
  public List<String> onOtherDataSources(javax.sql.DataSource dataSource) {
    List<String> out = new ArrayList<>();
    if (dataSource == null) {
      return out;
    }
    javax.sql.DataSource main = target(dataSource);
    factories.orderedStream().forEach(emf -> {
      if (!(emf instanceof org.springframework.orm.jpa.EntityManagerFactoryInfo info) || info.getDataSource() == null
          || target(info.getDataSource()) == main) {
        return;
      }
      HibernateVault v;
      try {
        v = HibernateVault.of(emf);
      } catch (IllegalArgumentException e) {
        return; // no @Encrypted attribute in this factory
      }
      out.add("persistence unit '" + info.getPersistenceUnitName() + "' (tables "
          + HibernateRotation.tables(v).stream().map(EncryptedTable::table).toList() + ")");
    });
    return out;
  }

  /** The pool under FieldVault's wrapper and Spring's delegating proxies. */
  private static javax.sql.DataSource target(javax.sql.DataSource ds) {
    javax.sql.DataSource d = FieldVaultDataSource.unencrypted(ds);
    for (int i = 0; i < 10 && d instanceof org.springframework.jdbc.datasource.DelegatingDataSource dd
        && dd.getTargetDataSource() != null; i++) {
      d = FieldVaultDataSource.unencrypted(dd.getTargetDataSource());
    }
    return d;
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
