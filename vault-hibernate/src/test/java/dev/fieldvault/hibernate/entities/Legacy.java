package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.hibernate.Encrypted.Storage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A table being migrated from plaintext columns (text) to encrypted ones. */
@Entity(name = "Legacy")
@Table(name = "hib_legacy")
public class Legacy {
  @Id public Long id;

  @Encrypted(storage = Storage.TEXT) @Column(length = 100) public String email;
  @Encrypted(storage = Storage.TEXT) public Integer score;
  @Encrypted(storage = Storage.TEXT, rowBound = true) @Column(length = 40) public String secret;
}
