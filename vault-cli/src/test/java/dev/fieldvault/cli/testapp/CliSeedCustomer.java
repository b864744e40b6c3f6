package dev.fieldvault.cli.testapp;

import dev.fieldvault.hibernate.BlindIndex;
import dev.fieldvault.hibernate.Encrypted;
import dev.fieldvault.keys.ColumnStorage;
import dev.fieldvault.keys.EncryptionMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDate;

/** An application's entity whose table is seeded from a SQL file rewritten by `fieldvault seed` / `encrypt`. */
@Entity(name = "SeedCustomer")
@Table(name = "app_cli_seed_customer")
public class CliSeedCustomer {

  @Id
  public Long id;

  @Encrypted(mode = EncryptionMode.DETERMINISTIC)
  public String email;

  @Encrypted(rowBound = true, storage = ColumnStorage.TEXT)
  public String note;

  @Encrypted(context = "Person.birthday")
  public LocalDate birthday;

  @Encrypted
  public String phone;

  @BlindIndex(of = "phone", normalization = BlindIndex.Normalization.CASE_INSENSITIVE)
  @Column(name = "phone_bi")
  public byte[] phoneIndex;

  protected CliSeedCustomer() {}
}
