package dev.fieldvault.hibernate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.Encrypted;
import java.net.URL;
import org.hibernate.Version;
import org.junit.jupiter.api.Test;

/**
 * Guards the meaning of this module's run: vault-hibernate's suite ran on the Hibernate line the
 * build asked for, against vault-hibernate's jar (as installed), not its compiled classes directory.
 */
class PublishedJarTest {

  @Test
  void theSuiteRunsOnTheRequestedHibernateLine() {
    String expected = System.getProperty("fieldvault.expected.hibernate.version");
    assertThat(expected).as("surefire passes the requested version").isNotBlank();
    assertThat(Version.getVersionString()).isEqualTo(expected);
  }

  @Test
  void vaultHibernateComesFromItsJar_notFromACompiledClassesDirectory() {
    URL location = Encrypted.class.getProtectionDomain().getCodeSource().getLocation();
    assertThat(location.getPath()).endsWith(".jar").contains("vault-hibernate").doesNotContain("/target/classes");
  }
}
