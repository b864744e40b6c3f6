package dev.fieldvault.hibernate.entities;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/** The root of a JOINED hierarchy, keyed by {@code id}; {@link KeyedMember}'s table is keyed by another column. */
@Entity(name = "KeyedParty")
@Table(name = "hib_key_party")
@Inheritance(strategy = InheritanceType.JOINED)
public class KeyedParty {
  @Id public Long id;

  public String name;

  public KeyedParty() {}

  public KeyedParty(Long id, String name) {
    this.id = id;
    this.name = name;
  }
}
