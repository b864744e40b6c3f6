package dev.fieldvault.spring.boot.multi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.spring.boot.FieldVaultKeys;
import dev.fieldvault.spring.boot.FieldVaultRotation;
import dev.fieldvault.spring.boot.app.Tables;
import dev.fieldvault.spring.boot.multi.second.Order2;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * A second EntityManagerFactory with {@code @Encrypted} entities on another DataSource: its values are
 * encrypted, but FieldVault's rotation, inventory and retirement (which run on the application's
 * DataSource) refuse with a message saying what is supported, before any key is added or promoted.
 */
@SpringBootTest(classes = SecondFactoryTest.Config.class, properties = {"fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
    "fieldvault.keys.create-if-missing=true", "fieldvault.keys.refresh-interval=0s", "fieldvault.rotation.promotion-delay=0s",
    "fieldvault.secrets.enabled=false", "spring.liquibase.enabled=false"})
class SecondFactoryTest {

  @Configuration
  @EnableAutoConfiguration
  static class Config {
    @Bean
    @Primary
    DataSource dataSource() {
      return new DriverManagerDataSource("jdbc:h2:mem:sbtmultiprimary;DB_CLOSE_DELAY=-1");
    }

    @Bean
    DataSource secondDataSource() {
      return new DriverManagerDataSource("jdbc:h2:mem:sbtmultisecond;DB_CLOSE_DELAY=-1");
    }

    static LocalContainerEntityManagerFactoryBean factory(DataSource ds, String unit, String pkg) {
      LocalContainerEntityManagerFactoryBean f = new LocalContainerEntityManagerFactoryBean();
      f.setDataSource(ds);
      f.setPersistenceUnitName(unit);
      f.setPackagesToScan(pkg);
      f.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
      f.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", "create-drop"));
      return f;
    }

    @Bean
    @Primary
    LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
      return factory(dataSource, "primary", "dev.fieldvault.spring.boot.app");
    }

    @Bean
    LocalContainerEntityManagerFactoryBean secondEmf(@Qualifier("secondDataSource") DataSource ds) {
      return factory(ds, "second", "dev.fieldvault.spring.boot.multi.second");
    }

    @Bean
    @Primary
    JpaTransactionManager transactionManager(@Qualifier("entityManagerFactory") EntityManagerFactory emf) {
      return new JpaTransactionManager(emf);
    }
  }

  @Autowired @Qualifier("secondEmf") EntityManagerFactory second;
  @Autowired FieldVaultRotation rotation;
  @Autowired FieldVaultKeys keys;

  @Test
  void rotationInventoryAndRetire_areRefused_namingTheSecondFactory_andNoKeyChanges() throws Exception {
    EntityManager em = second.createEntityManager();
    em.getTransaction().begin();
    em.persist(new Order2(1L, "order-secret-1"));
    em.getTransaction().commit();
    em.close();
    List<Integer> primaries = keys.keysets().stream().map(k -> k.primary().keyId()).toList();
    int versions = keys.keysets().stream().mapToInt(k -> k.keys().size()).sum();

    Throwable started = catchThrowable(() -> rotation.start(true));
    assertThat(started).as("rotation start").isNotNull();
    assertThat(started.getMessage()).contains("persistence unit 'second'").contains("sbt_order2")
        .contains("another DataSource").contains("fieldvault.rotation.enabled=false");
    assertThat(keys.reload()).as("no key was added or promoted").isFalse();
    assertThat(keys.keysets().stream().map(k -> k.primary().keyId()).toList()).isEqualTo(primaries);
    assertThat(keys.keysets().stream().mapToInt(k -> k.keys().size()).sum()).isEqualTo(versions);

    Throwable inventory = catchThrowable(() -> rotation.inventory());
    assertThat(inventory).isNotNull();
    assertThat(inventory.getMessage()).contains("persistence unit 'second'");
    VaultKeyset aead = keys.keysets().get(0);
    Throwable retire = catchThrowable(() -> rotation.retire(aead.name(), 1));
    assertThat(retire).isNotNull();
    assertThat(retire.getMessage()).contains("persistence unit 'second'");

    // the second factory's value is still encrypted and readable
    EntityManager read = second.createEntityManager();
    assertThat(read.find(Order2.class, 1L).code).isEqualTo("order-secret-1");
    read.close();
  }
}
