package dev.fieldvault.spring.boot.app;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** The starter tests' entity: no FieldVault code beyond the annotations. */
@Entity
@Table(name = "sbt_patient")
public class Patient {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "sbt_patient_seq")
  @SequenceGenerator(name = "sbt_patient_seq", sequenceName = "sbt_patient_seq", allocationSize = 50)
  public Long id;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 100)
  public String email;

  @Encrypted(rowBound = true)
  @Column(length = 100)
  public String name;

  @Encrypted
  @Column(length = 40)
  public String phone;

  @BlindIndex(of = "phone")
  @Column(name = "phone_bi")
  public byte[] phoneIndex;

  public Patient() {}

  public Patient(String email, String name, String phone) {
    this.email = email;
    this.name = name;
    this.phone = phone;
  }
}
