package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.entities.XmlPatient;
import dev.fieldvault.keys.CiphertextHeader;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An entity mapped in orm.xml (table, id and columns from the XML) with @Encrypted attributes. */
class OrmXmlMappingTest {

  private static SessionFactory build(TestDatabase db, Keyring keyring) {
    Configuration cfg = new Configuration();
    cfg.addResource("dev/fieldvault/hibernate/orm-xml-patient.xml");
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
    try (SessionFactory sf = build(db, Keyring.generate("xml"))) {
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
}
