package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An application's entity, as `rotate --entities` finds it on the class path. */
@Entity(name = "CliAccount")
@Table(name = "app_cli_account")
public class CliAccount {

  @Id
  public Long id;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  public String email;

  @Encrypted(rowBound = true)
  public String iban;

  protected CliAccount() {}

  public CliAccount(long id, String email, String iban) {
    this.id = id;
    this.email = email;
    this.iban = iban;
  }
}
