package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code @Encrypted} alone: vault-hibernate with vault-tink-keys and Hibernate, without the optional
 * vault-jdbc (nor JSqlParser). Runs in its own surefire execution ({@code without-vault-jdbc} in this
 * module's pom), whose class path excludes them; the default execution skips it.
 */
class WithoutVaultJdbcTest {

  @BeforeEach
  void onlyOnTheClassPathWithoutVaultJdbc() {
    assumeTrue(Boolean.getBoolean("fieldvault.test.withoutVaultJdbc"),
        "runs in the without-vault-jdbc surefire execution only");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void encryptedAttributes_writeQueryAndRead_withoutVaultJdbcOrJSqlParserOnTheClassPath(TestDatabases.Kind kind)
      throws Exception {
    assertThat(loadable("dev.fieldvault.jdbc.EncryptingDataSource")).as("vault-jdbc on the class path").isFalse();
    assertThat(loadable("net.sf.jsqlparser.parser.CCJSqlParserUtil")).as("JSqlParser on the class path").isFalse();
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_customer");
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("no-jdbc"), Customer.class)) {
      Customer in = new Customer("Ann", "ann@example.com", "123-45-6789", "+1 555 0100");
      Jpa.tx(sf, s -> s.persist(in));

      Customer found = Jpa.call(sf, s -> s.createQuery("from Customer c where c.email = :e", Customer.class)
          .setParameter("e", "ann@example.com").getSingleResult());
      assertThat(found.id).isEqualTo(in.id);
      assertThat(found.ssn).isEqualTo("123-45-6789");
      assertThat(found.phone).isEqualTo("+1 555 0100");

      Object raw = Jpa.raw(db, "hib_customer", "ssn", in.id);
      byte[] stored = raw instanceof byte[] b ? b : String.valueOf(raw).getBytes(StandardCharsets.UTF_8);
      assertThat(CiphertextHeader.looksLikeCiphertext(stored)).isTrue();
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("123-45-6789");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void theJdbcBridge_withoutVaultJdbc_isRefusedNamingTheMissingArtifact(TestDatabases.Kind kind) {
    TestDatabase db = TestDatabases.get(kind);
    try (SessionFactory sf = Jpa.build(db, Keyring.generate("no-jdbc"), Customer.class)) {
      HibernateVault vault = HibernateVault.of(sf);
      assertThatThrownBy(() -> HibernateRotation.tables(vault))
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("dev.fieldvault:vault-jdbc");
      assertThatThrownBy(() -> HibernateJdbc.encryptedColumns(vault))
          .isInstanceOf(VaultConfigurationException.class)
          .hasMessageContaining("dev.fieldvault:vault-jdbc");
    }
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, WithoutVaultJdbcTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
