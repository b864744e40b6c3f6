package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An entity with a quoted, mixed-case table and columns: the database keeps their case. */
@Entity(name = "QuotedMixed")
@Table(name = "\"H14Mixed\"")
public class QuotedMixed {
  @Id
  @Column(name = "\"mixedId\"")
  public Long id;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(name = "\"homeEmail\"", length = 60)
  public String homeEmail;
  @Encrypted(rowBound = true)
  @Column(name = "\"secretNote\"", length = 60)
  public String secretNote;

  public QuotedMixed() {}

  public QuotedMixed(long id, String homeEmail, String secretNote) {
    this.id = id;
    this.homeEmail = homeEmail;
    this.secretNote = secretNote;
  }
}
