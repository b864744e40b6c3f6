package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;

/**
 * Mapped in {@code dev/fieldvault/hibernate/orm-xml-patient.xml} (entity, table, id, columns): only
 * {@code @Encrypted} is an annotation here. Tables: {@code hib_xml_}.
 */
public class XmlPatient {
  public Long id;
  public String name;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC) public String email;
  @Encrypted public String diagnosis;

  public XmlPatient() {}

  public XmlPatient(Long id, String name, String email, String diagnosis) {
    this.id = id;
    this.name = name;
    this.email = email;
    this.diagnosis = diagnosis;
  }
}
