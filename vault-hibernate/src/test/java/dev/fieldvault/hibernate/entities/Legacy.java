package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A table being migrated from plaintext columns (text) to encrypted ones. */
@Entity(name = "Legacy")
@Table(name = "hib_legacy")
public class Legacy {
  @Id public Long id;

  @Encrypted(storage = ColumnStorage.TEXT) @Column(length = 100) public String email;
  @Encrypted(storage = ColumnStorage.TEXT) public Integer score;
  @Encrypted(storage = ColumnStorage.TEXT, rowBound = true) @Column(length = 40) public String secret;
}
