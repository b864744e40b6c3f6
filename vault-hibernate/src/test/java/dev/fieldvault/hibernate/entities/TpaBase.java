package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;

/** The abstract root of a {@code TABLE_PER_CLASS} hierarchy: it has no table; its rows are in {@link TpaCard}'s. */
@Entity(name = "TpaBase")
@Inheritance(strategy = InheritanceType.TABLE_PER_CLASS)
public abstract class TpaBase {
  @Id public Long id;

  @Encrypted
  @Column(length = 40)
  public String note;
}
