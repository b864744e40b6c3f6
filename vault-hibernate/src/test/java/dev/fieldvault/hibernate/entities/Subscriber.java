package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A randomized attribute searchable through a blind index companion. */
@Entity(name = "Subscriber")
@Table(name = "hib_subscriber")
public class Subscriber {
  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "hib_subscriber_seq")
  @SequenceGenerator(name = "hib_subscriber_seq", sequenceName = "hib_subscriber_seq", allocationSize = 1)
  public Long id;

  public String name;

  @Encrypted(rowBound = true)
  @Column(length = 100)
  public String email;

  @BlindIndex(of = "email", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
  @Column(name = "email_bidx")
  public byte[] emailIndex;

  public Subscriber() {}

  public Subscriber(String name, String email) {
    this.name = name;
    this.email = email;
  }
}
