package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;

/**
 * Mapped in {@code orm-xml-subscriber.xml} (table, columns, the blind index's column) and in
 * {@code orm-xml-transient-source.xml} (where the indexed attribute is transient: refused). Tables: {@code hib_xml_}.
 */
public class XmlSubscriber {
  public Long id;
  @Encrypted(rowBound = true) public String email;
  @BlindIndex(of = "email", normalization = BlindIndex.Normalization.CASE_INSENSITIVE) public byte[] emailIndex;

  public XmlSubscriber() {}

  public XmlSubscriber(Long id, String email) {
    this.id = id;
    this.email = email;
  }
}
