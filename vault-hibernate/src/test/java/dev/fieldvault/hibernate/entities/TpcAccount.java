package dev.fieldvault.hibernate.entities;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Table;

/**
 * The concrete root of a {@code TABLE_PER_CLASS} hierarchy: its {@code @Encrypted} columns are also in
 * the table of its subclass {@link TpcSavings}.
 */
@Entity(name = "TpcAccount")
@Table(name = "hib_tpc_account")
@Inheritance(strategy = InheritanceType.TABLE_PER_CLASS)
public class TpcAccount {
  @Id public Long id;

  @Encrypted(storage = ColumnStorage.TEXT, rowBound = true)
  @Column(length = 40)
  public String secret;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  @Column(length = 40)
  public String email;

  public TpcAccount() {}

  public TpcAccount(Long id, String secret, String email) {
    this.id = id;
    this.secret = secret;
    this.email = email;
  }
}
