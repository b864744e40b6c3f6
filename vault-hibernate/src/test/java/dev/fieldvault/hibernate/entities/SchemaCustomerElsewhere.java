package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A table named like {@link SchemaCustomer}'s, in a schema of its own. */
@Entity(name = "SchemaCustomerElsewhere")
@Table(name = "h14_customer", schema = "h14_s2")
public class SchemaCustomerElsewhere {
  @Id
  public Long id;
  @Encrypted
  @Column(length = 60)
  public String email;
}
