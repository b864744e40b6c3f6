package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A table being migrated from plaintext, without a {@code @Version}: a deterministic text attribute
 * and a randomized binary one (the plaintext policy comes from the factory's setting).
 */
@Entity(name = "MigratingAccount")
@Table(name = "hib_mig_account")
public class MigratingAccount {
  @Id public Long id;

  public String name;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC, storage = ColumnStorage.TEXT)
  @Column(length = 100)
  public String email;

  @Encrypted
  @Column(length = 100)
  public String note;

  public MigratingAccount() {}

  public MigratingAccount(Long id, String name, String email, String note) {
    this.id = id;
    this.name = name;
    this.email = email;
    this.note = note;
  }
}
