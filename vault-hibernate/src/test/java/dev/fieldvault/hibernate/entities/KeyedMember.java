package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.Table;

/**
 * A JOINED subclass whose table is keyed by {@code member_id}, not by the root's {@code id}, and has
 * another column named {@code id} (a decoy: not the row's id) beside a row-bound attribute.
 */
@Entity(name = "KeyedMember")
@Table(name = "hib_key_member")
@PrimaryKeyJoinColumn(name = "member_id")
public class KeyedMember extends KeyedParty {

  @Encrypted(rowBound = true)
  @Column(length = 100)
  public String email;

  /** Not the row's id: a number that happens to be in a column of the root id's name. */
  @Column(name = "id")
  public Long decoy;

  public KeyedMember() {}

  public KeyedMember(Long id, String name, String email, Long decoy) {
    super(id, name);
    this.email = email;
    this.decoy = decoy;
  }
}
