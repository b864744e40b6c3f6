package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A table being migrated from plaintext, with a {@code @Version}: a deterministic binary attribute, a
 * row-bound text one, one with a blind index, and one inside an embeddable.
 */
@Entity(name = "VersionedAccount")
@Table(name = "hib_mig_versioned")
public class VersionedAccount {
  @Id public Long id;

  @Version public Long version;

  public String name;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 40)
  public String code;

  @Encrypted(storage = ColumnStorage.TEXT, rowBound = true)
  @Column(length = 60)
  public String secret;

  @Encrypted(storage = ColumnStorage.TEXT)
  @Column(length = 40)
  public String phone;

  @BlindIndex(of = "phone")
  @Column(name = "phone_bidx")
  public byte[] phoneIndex;

  @Embedded public Address address;
}
