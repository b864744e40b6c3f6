package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

@Entity(name = "Customer")
@Table(name = "hib_customer")
public class Customer {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_customer_seq")
  @SequenceGenerator(name = "hib_customer_seq", sequenceName = "hib_customer_seq", allocationSize = 1)
  public Long id;

  public String name;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 100)
  public String email;

  @Encrypted(rowBound = true)
  @Column(length = 20)
  public String ssn;

  @Encrypted
  @Column(length = 20)
  public String phone;

  public Customer() {}

  public Customer(String name, String email, String ssn, String phone) {
    this.name = name;
    this.email = email;
    this.ssn = ssn;
    this.phone = phone;
  }
}
