package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;

/**
 * Mapped in {@code dev/fieldvault/hibernate/orm-xml-tenant.xml}, whose {@code <tenant-id>} makes it a
 * multi-tenant entity: no {@code @TenantId} here, only FieldVault's annotations. Tables: {@code hib_xml_}.
 */
public class XmlTenantPatient {
  public Long id;
  public String tenant;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC) public String email;
  @Encrypted public String phone;
  @BlindIndex(of = "phone") public byte[] phoneIndex;

  public XmlTenantPatient() {}

  public XmlTenantPatient(Long id, String email, String phone) {
    this.id = id;
    this.email = email;
    this.phone = phone;
  }
}
