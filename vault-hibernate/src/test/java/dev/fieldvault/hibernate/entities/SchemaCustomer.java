package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An entity whose table is placed by {@code hibernate.default_schema} (or {@code default_catalog}): a
 * same-named table in the connection's default schema must never be taken for it.
 */
@Entity(name = "SchemaCustomer")
@Table(name = "h14_customer")
public class SchemaCustomer {
  @Id
  public Long id;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 60)
  public String email;
  @Encrypted(rowBound = true)
  @Column(length = 60)
  public String note;

  public SchemaCustomer() {}

  public SchemaCustomer(long id, String email, String note) {
    this.id = id;
    this.email = email;
    this.note = note;
  }
}
