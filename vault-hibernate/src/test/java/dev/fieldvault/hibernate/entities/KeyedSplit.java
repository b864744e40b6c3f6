package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;

/**
 * An entity whose encrypted attributes are in a secondary table keyed by {@code split_id}, not by the
 * primary table's {@code id}, which has another column named {@code id} (a decoy: not the row's id).
 */
@Entity(name = "KeyedSplit")
@Table(name = "hib_key_split")
@SecondaryTable(name = "hib_key_split_more", pkJoinColumns = @PrimaryKeyJoinColumn(name = "split_id"))
public class KeyedSplit {
  @Id public Long id;

  public String name;

  @Encrypted(rowBound = true)
  @Column(table = "hib_key_split_more", length = 100)
  public String note;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
  @Column(table = "hib_key_split_more", length = 100)
  public String email;

  /** Not the row's id: a number that happens to be in a column of the primary table's id name. */
  @Column(table = "hib_key_split_more", name = "id")
  public Long decoy;

  public KeyedSplit() {}

  public KeyedSplit(Long id, String name, String note, String email, Long decoy) {
    this.id = id;
    this.name = name;
    this.note = note;
    this.email = email;
    this.decoy = decoy;
  }
}
