package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The encrypted side of HibernateDifferentialFuzzTest: deterministic attributes of two types, a
 * randomized one searched through its blind index, and plain columns; {@link PlainFuzzRecord} holds
 * the same rows unencrypted. Tables: {@code hfz_}.
 */
@Entity(name = "FuzzRecord")
@Table(name = "hfz_record")
public class FuzzRecord {
  @Id public Long id;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 20)
  public String code;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 40)
  public String city;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  public Integer grade;

  @Encrypted
  @Column(length = 20)
  public String note;

  @BlindIndex(of = "note")
  @Column(name = "note_bidx")
  public byte[] noteIndex;

  public int n;

  @Column(length = 10)
  public String t;

  public FuzzRecord() {}
}
