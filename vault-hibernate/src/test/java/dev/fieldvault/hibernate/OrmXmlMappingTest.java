package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.XmlPatient;
import dev.fieldvault.hibernate.entities.XmlRowBoundPatient;
import dev.fieldvault.hibernate.entities.XmlSubscriber;
import dev.fieldvault.hibernate.entities.XmlTenantPatient;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.DecryptionFailedException;
import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Entities mapped in orm.xml (table, id, columns, and for some the tenant id, the id generator or a
 * transient attribute, all from the XML) with FieldVault's annotations on the class: FieldVault reads
 * the mapping from Hibernate's boot model, so each of its checks sees what the XML says.
 */
class OrmXmlMappingTest {

  /**
   * The test JVM logs binds at TRACE (for HibernateLoggingTest); tenant entities refuse to start under it
   * (see TenantBindingTest), so the tenant test lowers it (held: JUL keeps loggers weakly).
   */
  private static final Logger BIND = Logger.getLogger("org.hibernate.orm.jdbc.bind");

  private static SessionFactory build(TestDatabase db, Keyring keyring, String mappingFile) {
    Configuration cfg = new Configuration();
    cfg.addResource("dev/fieldvault/hibernate/" + mappingFile);
    cfg.setProperty("hibernate.connection.url", db.url());
    cfg.setProperty("hibernate.connection.username", db.user());
    cfg.setProperty("hibernate.connection.password", db.password());
    cfg.setProperty("hibernate.hbm2ddl.auto", "create");
    cfg.setProperty("hibernate.connection.pool_size", "2");
    cfg.getProperties().put(FieldVaultSettings.KEYRING, keyring);
    return cfg.buildSessionFactory();
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void anOrmXmlMappedEntity_isEncryptedInItsXmlColumns_discoveredWithThem_andSearchable(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_xml_patient");
    try (SessionFactory sf = build(db, Keyring.generate("xml"), "orm-xml-patient.xml")) {
      Jpa.tx(sf, s -> {
        s.persist(new XmlPatient(1L, "ann", "ann@example.com", "flu"));
        s.persist(new XmlPatient(2L, "bob", "bob@example.com", "cold"));
      });

      byte[] email = (byte[]) Jpa.raw(db, "hib_xml_patient", "email_ct", 1L);
      byte[] diagnosis = (byte[]) Jpa.raw(db, "hib_xml_patient", "diagnosis_ct", 1L);
      assertThat(CiphertextHeader.looksLikeCiphertext(email)).isTrue();
      assertThat(CiphertextHeader.looksLikeCiphertext(diagnosis)).isTrue();
      assertThat(new String(email, StandardCharsets.ISO_8859_1)).doesNotContain("ann@example.com");

      List<EncryptedAttribute> found = HibernateVault.of(sf).attributes();
      assertThat(found).extracting(a -> a.entityName() + "." + a.attributePath() + "@" + a.table() + "." + a.column())
          .containsExactlyInAnyOrder("XmlPatient.email@hib_xml_patient.email_ct",
              "XmlPatient.diagnosis@hib_xml_patient.diagnosis_ct");

      Jpa.tx(sf, s -> {
        assertThat(s.find(XmlPatient.class, 1L).diagnosis).isEqualTo("flu");
        assertThat(s.createQuery("select p from XmlPatient p where p.email = :e", XmlPatient.class)
            .setParameter("e", "bob@example.com").getResultList()).extracting(p -> p.name).containsExactly("bob");
      });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aTenantIdMappedInOrmXml_bindsEveryValueAndBlindIndexToTheSessionsTenant(TestDatabases.Kind kind)
      throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_xml_tenant");
    Level bindLevel = BIND.getLevel();
    BIND.setLevel(Level.INFO);
    try (SessionFactory sf = build(db, Keyring.generate("xml-tenant"), "orm-xml-tenant.xml")) {
      Jpa.call(sf, "acme", s -> {
        s.persist(new XmlTenantPatient(1L, "ann@example.com", "555-0101"));
        return null;
      });
      Jpa.call(sf, "globex", s -> {
        s.persist(new XmlTenantPatient(2L, "ann@example.com", "555-0101"));
        return null;
      });

      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attributes()).extracting(a -> a.attributePath() + "@" + a.tenantColumn())
          .containsExactlyInAnyOrder("email@tenant_ref", "phone@tenant_ref");
      assertThat((byte[]) Jpa.raw(db, "hib_xml_tenant", "email_ct", 1L)).as("deterministic, but per tenant")
          .isNotEqualTo(Jpa.raw(db, "hib_xml_tenant", "email_ct", 2L));
      assertThat((byte[]) Jpa.raw(db, "hib_xml_tenant", "phone_bidx", 1L)).as("the blind index too")
          .isNotEqualTo(Jpa.raw(db, "hib_xml_tenant", "phone_bidx", 2L));
      for (long id : new long[] {1L, 2L}) {
        String tenant = id == 1L ? "acme" : "globex";
        Jpa.call(sf, tenant, s -> {
          assertThat(s.find(XmlTenantPatient.class, id).phone).isEqualTo("555-0101");
          assertThat(s.createSelectionQuery("from XmlTenantPatient p where p.email = :e", XmlTenantPatient.class)
              .setParameter("e", "ann@example.com").getResultList()).extracting(p -> p.id).containsExactly(id);
          assertThat(s.createSelectionQuery("from XmlTenantPatient p where p.phoneIndex in :bis", XmlTenantPatient.class)
              .setParameter("bis", vault.blindIndexes(s, XmlTenantPatient.class, "phone", "555-0101"))
              .getResultList()).extracting(p -> p.id).containsExactly(id);
          return null;
        });
      }

      // acme's ciphertext copied into globex's row fails in globex's session: it is bound to its tenant
      Jpa.update(db, "update hib_xml_tenant set phone_ct = ? where id = ?", Jpa.raw(db, "hib_xml_tenant", "phone_ct", 1L),
          2L);
      assertThatThrownBy(() -> Jpa.call(sf, "globex", s -> s.find(XmlTenantPatient.class, 2L)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasCauseInstanceOf(DecryptionFailedException.class)
          .hasMessageContaining("XmlTenantPatient.phone")
          .hasMessageNotContaining("555-0101");
    } finally {
      BIND.setLevel(bindLevel);
    }
  }

  @Test
  void anIdentityIdMappedInOrmXml_failsTheStartupOfARowBoundAttribute() throws Exception {
    TestDatabase db = TestDatabases.h2();
    db.dropTables("hib_xml_identity");
    assertThatThrownBy(() -> build(db, Keyring.generate("xml-identity"), "orm-xml-identity.xml").close())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("XmlRowBoundPatient.ssn")
        .hasMessageContaining("IDENTITY")
        .hasMessageContaining("SEQUENCE");
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aSequenceIdMappedInOrmXml_servesARowBoundAttribute(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_xml_sequence");
    try (SessionFactory sf = build(db, Keyring.generate("xml-sequence"), "orm-xml-sequence.xml")) {
      XmlRowBoundPatient first = new XmlRowBoundPatient("111-11-1111");
      XmlRowBoundPatient second = new XmlRowBoundPatient("222-22-2222");
      Jpa.tx(sf, s -> {
        s.persist(first);
        s.persist(second);
      });
      String ssn = Jpa.call(sf, s -> s.find(XmlRowBoundPatient.class, first.id).ssn);
      assertThat(ssn).isEqualTo("111-11-1111");
      // bound to its row: the first row's value copied into the second row fails there
      Jpa.update(db, "update hib_xml_sequence set ssn_ct = ? where id = ?",
          Jpa.raw(db, "hib_xml_sequence", "ssn_ct", first.id), second.id);
      assertThatThrownBy(() -> Jpa.call(sf, s -> s.find(XmlRowBoundPatient.class, second.id)))
          .isInstanceOf(AttributeDecryptionException.class)
          .hasMessageContaining("XmlRowBoundPatient.ssn");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.fieldvault.testsupport.TestDatabases#all")
  void aBlindIndexMappedInOrmXml_isFilledInItsXmlColumn_andFindsTheRow(TestDatabases.Kind kind) throws Exception {
    TestDatabase db = TestDatabases.get(kind);
    db.dropTables("hib_xml_subscriber");
    try (SessionFactory sf = build(db, Keyring.generate("xml-bidx"), "orm-xml-subscriber.xml")) {
      Jpa.tx(sf, s -> {
        s.persist(new XmlSubscriber(1L, "Ann@Example.com"));
        s.persist(new XmlSubscriber(2L, "bob@example.com"));
      });
      assertThat((byte[]) Jpa.raw(db, "hib_xml_subscriber", "email_lookup", 1L))
          .hasSize(FieldCipher.BLIND_INDEX_HEADER + 16);
      HibernateVault vault = HibernateVault.of(sf);
      assertThat(vault.attribute(XmlSubscriber.class, "email").blindIndexColumn()).isEqualTo("email_lookup");
      List<Long> found = Jpa.call(sf, s -> s.createSelectionQuery(
              "select x.id from XmlSubscriber x where x.emailIndex in :bis", Long.class)
          .setParameter("bis", vault.blindIndexes(XmlSubscriber.class, "email", "ann@example.COM"))
          .getResultList());
      assertThat(found).containsExactly(1L);
    }
  }

  @Test
  void aBlindIndexWhoseAttributeOrmXmlMakesTransient_failsTheStartup() throws Exception {
    TestDatabase db = TestDatabases.h2();
    db.dropTables("hib_xml_transient");
    assertThatThrownBy(() -> build(db, Keyring.generate("xml-transient"), "orm-xml-transient-source.xml").close())
        .isInstanceOf(VaultConfigurationException.class)
        .hasMessageContaining("XmlSubscriber.emailIndex")
        .hasMessageContaining("'email'")
        .hasMessageContaining("not an @Encrypted attribute");
  }

  /**
   * Hibernate 7 ignores every annotation of a {@code metadata-complete} entity, {@code @Encrypted}
   * included: FieldVault then refuses to start. Hibernate 6.6 keeps annotations it has no XML for (so
   * {@code @Encrypted} still applies there): the entity then starts and is encrypted. Either way, never
   * plaintext in the column.
   */
  @Test
  void aMetadataCompleteOrmXml_neverLeavesAnEncryptedAttributeInPlaintext() throws Exception {
    TestDatabase db = TestDatabases.h2();
    db.dropTables("hib_xml_complete");
    SessionFactory started;
    try {
      started = build(db, Keyring.generate("xml-complete"), "orm-xml-metadata-complete.xml");
    } catch (VaultConfigurationException e) {
      assertThat(e).hasMessageContaining("XmlPatient.").hasMessageContaining("metadata-complete")
          .hasMessageContaining("unencrypted");
      assertThat(org.hibernate.Version.getVersionString()).as("Hibernate 6.6 applies @Encrypted here").doesNotStartWith("6.");
      return;
    }
    try (SessionFactory sf = started) {
      Jpa.tx(sf, s -> s.persist(new XmlPatient(1L, "ann", "ann@example.com", "flu")));
      assertThat(HibernateVault.of(sf).attributes()).extracting(a -> a.attributePath())
          .containsExactlyInAnyOrder("email", "diagnosis");
      assertThat(CiphertextHeader.looksLikeCiphertext((byte[]) Jpa.raw(db, "hib_xml_complete", "email_ct", 1L)))
          .isTrue();
      assertThat(org.hibernate.Version.getVersionString()).as("Hibernate 7 ignores @Encrypted here").startsWith("6.");
    }
  }
}
