package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Mapped with camel-case names, for {@code hibernate.globally_quoted_identifiers=true}. */
@Entity(name = "CamelAccount")
@Table(name = "H14Camel")
public class CamelAccount {
  @Id
  public Long camelId;
  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 60)
  public String homeEmail;
  @Encrypted(rowBound = true)
  @Column(length = 60)
  public String secretNote;

  public CamelAccount() {}

  public CamelAccount(long id, String homeEmail, String secretNote) {
    this.camelId = id;
    this.homeEmail = homeEmail;
    this.secretNote = secretNote;
  }
}
