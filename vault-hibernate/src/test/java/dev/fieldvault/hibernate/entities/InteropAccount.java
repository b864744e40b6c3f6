package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity for JDBC and Hibernate interoperability: randomized, deterministic, row-bound and embedded encrypted fields. */
@Entity(name = "InteropAccount")
@Table(name = "hibjdbc_account")
public class InteropAccount {
  @Id
  public Long id;
  @Encrypted
  @Column(length = 60)
  public String holder;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 60)
  public String email;
  @Encrypted(rowBound = true)
  @Column(length = 40)
  public String iban;
  @Encrypted
  @Column(length = 40)
  public String phone;
  @BlindIndex(of = "phone", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
  @Column(name = "phone_bidx")
  public byte[] phoneIndex;
  @Embedded
  public Address address;

  public InteropAccount() {}

  public InteropAccount(long id, String holder, String email, String iban, Address address) {
    this.id = id;
    this.holder = holder;
    this.email = email;
    this.iban = iban;
    this.phone = "+49 30 " + id;
    this.address = address;
  }
}
