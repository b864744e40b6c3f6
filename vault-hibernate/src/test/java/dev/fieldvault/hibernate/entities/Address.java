package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

@Embeddable
public class Address {
  @Encrypted
  @Column(name = "street", length = 80)
  public String street;

  public String city;

  public Address() {}

  public Address(String street, String city) {
    this.street = street;
    this.city = city;
  }
}
